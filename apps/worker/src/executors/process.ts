import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
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
export async function runScript(ctx: ExecContext, interpreter: string, fileName: string, body: string): Promise<ExecResult> {
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

  const pipe = (stream: NodeJS.ReadableStream) => {
    let rest = "";
    stream.setEncoding("utf8");
    stream.on("data", (data: string) => {
      const parts = (rest + data).split("\n");
      rest = parts.pop() ?? "";
      for (const line of parts) emit(line);
    });
    return () => {
      if (rest) emit(rest);
      rest = "";
    };
  };
  const emit = (line: string) => {
    ctx.log(line);
    for (const m of line.matchAll(SET_VALUE)) outParams[m[1]!] = m[2]!;
  };
  const endOut = pipe(child.stdout);
  const endErr = pipe(child.stderr);

  const result = await new Promise<ExecResult>((resolve) => {
    child.on("error", (err) => {
      resolve({ outcome: "FAILURE", exitCode: null, error: `could not start ${interpreter}: ${err.message}`, outParams });
    });
    child.on("close", (code, signal) => {
      endOut();
      endErr();
      if (killed) resolve({ outcome: "KILL", exitCode: code, error: "killed", outParams });
      else if (code === 0) resolve({ outcome: "SUCCESS", exitCode: 0, error: null, outParams });
      else resolve({ outcome: "FAILURE", exitCode: code, error: signal ? `terminated by ${signal}` : `exit code ${code}`, outParams });
    });
  });
  ctx.signal.removeEventListener("abort", onAbort);
  clearTimeout(killTimer);
  if (child.pid) killGroup(child.pid, "SIGKILL"); // leftovers (background jobs) of this attempt
  return result;
}
