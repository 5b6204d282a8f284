import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const appsDir = fileURLToPath(new URL("../../../", import.meta.url));

export interface RuntimeProcess {
  proc: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts a real master or worker process (as `npm start` would) for scenario tests. */
export function startRuntimeProcess(kind: "master" | "worker", env: Record<string, string>): RuntimeProcess {
  const proc = spawn(process.execPath, ["--import", "tsx", `${appsDir}${kind}/src/main.ts`], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr.on("data", (d: Buffer) => (out += d.toString()));
  return {
    proc,
    output: () => out,
    stop(signal = "SIGTERM") {
      if (proc.exitCode !== null) return Promise.resolve(proc.exitCode);
      return new Promise((resolve) => {
        proc.once("exit", (code) => resolve(code));
        proc.kill(signal);
      });
    },
  };
}

/** Waits until `predicate` is truthy (polling), or fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, predicate: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
