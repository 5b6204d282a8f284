import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { commandLine, isAlive, signal, sleep, waitForExit } from "./proc-util.ts";

export const ROOT = path.resolve(import.meta.dirname, "../..");

const COLORS = { web: 36, master: 35, worker: 33, postgres: 34, redis: 31 } as Record<string, number>;
const useColor = process.env.NO_COLOR === undefined && (Boolean(process.env.FORCE_COLOR) || process.stdout.isTTY);

/** `[name]` in the service's colour (when stdout is a terminal). */
export function tag(name: string): string {
  const code = COLORS[name] ?? 32;
  return useColor ? `\x1b[${code}m[${name}]\x1b[0m` : `[${name}]`;
}

export interface Service {
  name: string;
  pid: number;
  /** A string found in the process's command line; used to recognise leftovers after a kill -9. */
  marker: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly running: boolean;
  /** SIGTERM to the process group, SIGKILL after timeoutMs. Idempotent. */
  stop(timeoutMs?: number): Promise<void>;
}

export interface SpawnServiceOptions {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  marker?: string;
}

function pipeLines(stream: NodeJS.ReadableStream | null, prefix: string, out: NodeJS.WriteStream): void {
  if (!stream) return;
  let buffer = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      out.write(`${prefix} ${buffer.slice(0, nl)}\n`);
      buffer = buffer.slice(nl + 1);
    }
  });
  stream.on("end", () => {
    if (buffer) out.write(`${prefix} ${buffer}\n`);
  });
}

/**
 * Spawns a long-running child in its own process group (so a terminal Ctrl-C reaches only us and
 * we decide the shutdown order), with each output line prefixed by a coloured `[name]` tag.
 */
export function spawnService(options: SpawnServiceOptions): Service {
  const child: ChildProcess = spawn(options.command, options.args, {
    cwd: options.cwd ?? ROOT,
    env: options.env ?? process.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const prefix = tag(options.name);
  pipeLines(child.stdout, prefix, process.stdout);
  pipeLines(child.stderr, prefix, process.stderr);
  let running = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("error", (error) => {
      process.stderr.write(`${prefix} failed to start: ${error.message}\n`);
      running = false;
      resolve({ code: -1, signal: null });
    });
    child.on("exit", (code, sig) => {
      running = false;
      resolve({ code, signal: sig });
    });
  });
  const pid = child.pid ?? -1;
  const killGroup = (sig: NodeJS.Signals) => {
    if (pid > 0) signal(-pid, sig);
  };
  let stopping: Promise<void> | undefined;
  return {
    name: options.name,
    pid,
    marker: options.marker ?? options.args.join(" "),
    exited,
    get running() {
      return running;
    },
    stop(timeoutMs = 10_000) {
      stopping ??= (async () => {
        if (running) {
          killGroup("SIGTERM");
          const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), timeoutMs).unref());
          if ((await Promise.race([exited, timeout])) === "timeout") {
            process.stderr.write(`${prefix} did not exit within ${timeoutMs / 1000} s; sending SIGKILL\n`);
            killGroup("SIGKILL");
            await exited;
          }
        }
        // Grandchildren (e.g. tasks a worker started) share the group: make sure none survive.
        killGroup("SIGKILL");
      })();
      return stopping;
    },
  };
}

/** Stops several services in parallel. */
export async function stopAll(services: Service[], timeoutMs = 10_000): Promise<void> {
  await Promise.all(services.map((s) => s.stop(timeoutMs)));
}

/** The command that runs `next start` (without npx, so signals reach Next itself). */
export function nextStartCommand(port: number, host = "0.0.0.0"): { command: string; args: string[]; cwd: string } {
  const cwd = path.join(ROOT, "apps/web");
  let nextBin: string;
  try {
    nextBin = createRequire(path.join(cwd, "package.json")).resolve("next/dist/bin/next");
  } catch {
    return { command: "npx", args: ["next", "start", "-p", String(port), "-H", host], cwd };
  }
  return { command: process.execPath, args: [nextBin, "start", "-p", String(port), "-H", host], cwd };
}

/** `node --import tsx <entry>` for apps/master and apps/worker. */
export function tsxCommand(entry: string): { command: string; args: string[]; cwd: string } {
  return { command: process.execPath, args: ["--import", "tsx", entry], cwd: ROOT };
}

interface PidRecord {
  name: string;
  pid: number;
  marker: string;
}

/** Remembers the pids of running services, so a run after a kill -9 can stop what was left. */
export function writePidFile(file: string, services: Service[]): void {
  const records: PidRecord[] = services.map((s) => ({ name: s.name, pid: s.pid, marker: s.marker }));
  writeFileSync(file, JSON.stringify(records, null, 2));
}

/** Stops process groups recorded by writePidFile that are still alive and still ours; removes the file. */
export async function stopLeftoverServices(file: string): Promise<void> {
  if (!existsSync(file)) return;
  let records: PidRecord[] = [];
  try {
    records = JSON.parse(readFileSync(file, "utf8")) as PidRecord[];
  } catch {
    // unreadable: nothing to do
  }
  for (const r of records) {
    if (!isAlive(r.pid)) continue;
    const cmd = commandLine(r.pid);
    if (cmd !== undefined && !cmd.includes(r.marker)) continue;
    console.log(`${tag(r.name)} stopping a process left over by an earlier run (pid ${r.pid})`);
    signal(-r.pid, "SIGTERM");
    if (!(await waitForExit(r.pid, 10_000))) signal(-r.pid, "SIGKILL");
    await sleep(100);
    signal(-r.pid, "SIGKILL");
  }
  rmSync(file, { force: true });
}
