import { readFileSync } from "node:fs";

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** True when a process with this pid exists (signal 0 probes without killing). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The command line of a live process, or undefined (Linux /proc only; elsewhere undefined). */
export function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
  } catch {
    return undefined;
  }
}

/** Waits until pid is gone; resolves false when it is still alive after timeoutMs. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(100);
  }
  return !isAlive(pid);
}

/** Sends a signal to a pid, ignoring "no such process". */
export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/**
 * Stops a process left over by an earlier run that was killed with SIGKILL, but only when its
 * command line still contains `marker` (so a recycled pid of an unrelated process is left alone).
 * Returns true when something was stopped.
 */
export async function stopLeftover(
  pid: number,
  marker: string,
  sig: NodeJS.Signals,
  timeoutMs = 30_000,
): Promise<boolean> {
  if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid || !isAlive(pid)) return false;
  const cmd = commandLine(pid);
  if (cmd !== undefined && !cmd.includes(marker)) return false;
  signal(pid, sig);
  if (!(await waitForExit(pid, timeoutMs))) {
    signal(pid, "SIGKILL");
    await waitForExit(pid, 5_000);
  }
  return true;
}
