import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { sleep, stopLeftover } from "./proc-util.ts";

export const REDIS_MISSING_MESSAGE =
  "Shoal needs Redis: install redis-server (apt-get install redis-server / brew install redis) or set REDIS_URL=redis://host:6379";

export interface RedisServer {
  url: string;
  port: number;
  pid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (redis flushes the AOF and exits), SIGKILL after 30 s. Idempotent. */
  stop(): Promise<void>;
}

export interface StartRedisOptions {
  /** Working directory for AOF/RDB files and the pid file. */
  dir: string;
  port: number;
  /** true: appendonly yes (survives restarts); false: nothing written to disk. */
  persist: boolean;
  /** Receives redis-server output lines; default: kept and printed only on failure. */
  onLog?: (line: string) => void;
}

/** True when `redis-server` can be run from PATH. */
export function hasRedisServer(): boolean {
  const r = spawnSync("redis-server", ["--version"], { stdio: "ignore" });
  return r.error === undefined && r.status === 0;
}

/** Sends one inline command and returns the first reply line (e.g. "+PONG"), or throws. */
export function redisCommand(port: number, command: string, host = "127.0.0.1", timeoutMs = 1000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host });
    let data = "";
    const done = (err?: Error) => {
      socket.destroy();
      if (err) reject(err);
      else resolve(data.split("\r\n")[0] ?? "");
    };
    socket.setTimeout(timeoutMs, () => done(new Error("timeout")));
    socket.on("error", done);
    socket.on("connect", () => socket.write(`${command}\r\n`));
    socket.on("data", (chunk) => {
      data += chunk.toString("utf8");
      if (data.includes("\r\n")) done();
    });
  });
}

/** Starts redis-server with noeviction (BullMQ needs it) bound to 127.0.0.1, and waits for PING. */
export async function startRedis(options: StartRedisOptions): Promise<RedisServer> {
  if (!hasRedisServer()) throw new Error(REDIS_MISSING_MESSAGE);
  const dir = path.resolve(options.dir);
  await mkdir(dir, { recursive: true });
  const pidFile = path.join(dir, "redis.pid");

  // A redis-server left running by a run that was SIGKILLed still holds the port and the AOF.
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, "utf8").trim());
    if (await stopLeftover(pid, "redis-server", "SIGTERM")) {
      console.log(`[redis] stopped a server left over by an earlier run (pid ${pid})`);
    }
  }

  const args = [
    "--port", String(options.port),
    "--bind", "127.0.0.1",
    "--dir", dir,
    "--pidfile", pidFile,
    "--maxmemory-policy", "noeviction",
    "--save", "",
    "--appendonly", options.persist ? "yes" : "no",
    "--daemonize", "no",
  ];
  if (options.persist) args.push("--appendfsync", "everysec");

  const logTail: string[] = [];
  // Own process group: Ctrl-C must not stop Redis before the apps have shut down.
  const child: ChildProcess = spawn("redis-server", args, { cwd: dir, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (!line) continue;
      logTail.push(line);
      if (logTail.length > 40) logTail.shift();
      options.onLog?.(line);
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);

  let dead = false;
  void exited.then(() => (dead = true));
  const deadline = Date.now() + 60_000; // loading a large AOF can take a while
  for (;;) {
    if (dead) throw new Error(`redis-server exited during start:\n${logTail.join("\n")}`);
    try {
      if ((await redisCommand(options.port, "PING")) === "+PONG") break;
    } catch {
      // not listening yet, or still loading (-LOADING)
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`redis-server did not answer PING within 60 s:\n${logTail.join("\n")}`);
    }
    await sleep(100);
  }

  let stopping: Promise<void> | undefined;
  return {
    url: `redis://127.0.0.1:${options.port}`,
    port: options.port,
    pid: child.pid ?? -1,
    exited,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill("SIGTERM");
        const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 30_000).unref());
        if ((await Promise.race([exited, timeout])) === "timeout") {
          child.kill("SIGKILL");
          await exited;
        }
      })();
      return stopping;
    },
  };
}
