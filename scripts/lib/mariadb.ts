import { spawn, spawnSync } from "node:child_process";
import { mkdir } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { sleep } from "./proc-util.ts";

export const MARIADB_MISSING_MESSAGE =
  "the sql task tests need MySQL/MariaDB: install mariadb-server (apt-get install mariadb-server / brew install mariadb) or set SHOAL_TEST_MYSQL_URL=mysql://user:pass@host:3306/db";

export interface MariadbServer {
  /** `mysql://root@127.0.0.1:<port>/test`: root without a password, database `test` created. */
  url: string;
  stop(): Promise<void>;
}

/** The server binary from PATH or Debian's sbin, or undefined. */
export function findMariadbd(): string | undefined {
  for (const bin of ["mariadbd", "/usr/sbin/mariadbd", "mysqld", "/usr/sbin/mysqld"]) {
    const r = spawnSync(bin, ["--version"], { stdio: "ignore" });
    if (r.error === undefined && r.status === 0) return bin;
  }
  return undefined;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * A throwaway MariaDB in `dir` on `port` (bound to 127.0.0.1), for the sql task tests: the data
 * directory is initialised with `mariadb-install-db` (about a second) and removed with `dir`.
 */
export async function startMariadb(options: { dir: string; port: number }): Promise<MariadbServer> {
  const bin = findMariadbd();
  if (!bin) throw new Error(MARIADB_MISSING_MESSAGE);
  const dir = path.resolve(options.dir);
  const dataDir = path.join(dir, "data");
  await mkdir(dir, { recursive: true });
  // Running as root needs --user=root; otherwise the server runs as whoever we are.
  const user = process.getuid?.() === 0 ? ["--user=root"] : [];
  const install = spawnSync(
    "mariadb-install-db",
    [
      "--no-defaults",
      `--datadir=${dataDir}`,
      "--auth-root-authentication-method=normal",
      "--skip-test-db",
      ...user,
    ],
    { encoding: "utf8" },
  );
  if (install.status !== 0)
    throw new Error(`mariadb-install-db failed:\n${install.stderr || String(install.error)}`);

  let output = "";
  const child = spawn(
    bin,
    [
      "--no-defaults",
      `--datadir=${dataDir}`,
      `--port=${options.port}`,
      "--bind-address=127.0.0.1",
      `--socket=${path.join(dir, "mysqld.sock")}`,
      `--pid-file=${path.join(dir, "mysqld.pid")}`,
      "--skip-log-bin",
      ...user,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + 30_000;
  while (!(await canConnect(options.port))) {
    if (child.exitCode !== null) throw new Error(`mariadbd exited at start:\n${output}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`mariadbd did not listen on ${options.port} within 30 s:\n${output}`);
    }
    await sleep(100);
  }
  const create = spawnSync(
    "mariadb",
    ["-h127.0.0.1", `-P${options.port}`, "-uroot", "-e", "create database if not exists test"],
    {
      encoding: "utf8",
    },
  );
  if (create.status !== 0) {
    await stop();
    throw new Error(`could not create database test: ${create.stderr || String(create.error)}`);
  }
  return { url: `mysql://root@127.0.0.1:${options.port}/test`, stop };
}
