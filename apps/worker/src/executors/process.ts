import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { LineEnd } from "@shoal/core";
import { LineSplitter } from "../log-stream";
import type { ExecContext, ExecResult } from "./types";

/** `${setValue(name=value)}` printed by a task sets an OUT param (DolphinScheduler's convention). */
const SET_VALUE = /\$\{setValue\(([A-Za-z_][A-Za-z0-9_.]*)=(.*?)\)\}/g;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

/**
 * Runs a script file with an interpreter in its own process group, streaming each stdout/stderr line to
 * the log. A kill signals the whole group (SIGTERM, then SIGKILL after the grace period), and whatever
 * the script left behind in its group is killed when it exits.
 */
export async function runScript(
  ctx: ExecContext,
  interpreter: string,
  fileName: string,
  body: string,
): Promise<ExecResult> {
  const file = join(ctx.workDir, fileName);
  await writeFile(file, body, { mode: 0o600 });
  const outParams: Record<string, string> = {};
  const child = spawn(interpreter, [file], {
    cwd: ctx.workDir,
    env: ctx.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let killed = false;
  let killTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    if (!child.pid || killed) return;
    killed = true;
    killGroup(child.pid, "SIGTERM");
    killTimer = setTimeout(() => killGroup(child.pid!, "SIGKILL"), ctx.killGraceMs);
  };
  if (ctx.signal.aborted) onAbort();
  ctx.signal.addEventListener("abort", onAbort);

  // Bytes are decoded as UTF-8 across chunk boundaries; invalid sequences become U+FFFD.
  const pipe = (stream: NodeJS.ReadableStream, stderr: boolean) => {
    const lines = new LineSplitter((text, end) => emit(text, stderr, end));
    stream.setEncoding("utf8");
    stream.on("data", (data: string) => lines.push(data));
    return () => lines.end();
  };
  const emit = (text: string, stderr: boolean, end: LineEnd) => {
    ctx.log(text, { stderr, end });
    for (const m of text.matchAll(SET_VALUE)) outParams[m[1]!] = m[2]!;
  };
  const endOut = pipe(child.stdout, false);
  const endErr = pipe(child.stderr, true);

  const result = await new Promise<ExecResult>((resolve) => {
    child.on("error", (err) => {
      resolve({
        outcome: "FAILURE",
        exitCode: null,
        error: `could not start ${interpreter}: ${err.message}`,
        outParams,
      });
    });
    child.on("close", (code, signal) => {
      endOut();
      endErr();
      if (killed) resolve({ outcome: "KILL", exitCode: code, error: "killed", outParams });
      else if (code === 0) resolve({ outcome: "SUCCESS", exitCode: 0, error: null, outParams });
      else
        resolve({
          outcome: "FAILURE",
          exitCode: code,
          error: signal ? `terminated by ${signal}` : `exit code ${code}`,
          outParams,
        });
    });
  });
  ctx.signal.removeEventListener("abort", onAbort);
  clearTimeout(killTimer);
  if (child.pid) killGroup(child.pid, "SIGKILL"); // leftovers (background jobs) of this attempt
  return result;
}
