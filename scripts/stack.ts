/**
 * `npm start`: Postgres (embedded unless DATABASE_URL), Redis (spawned unless REDIS_URL), migrations,
 * then web, one master and one worker as child processes. Ctrl-C / SIGTERM stops everything in order.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { migrate } from "./lib/migrate.ts";
import { startEmbeddedPostgres, ensureDatabase, redactUrl, type PostgresServer } from "./lib/postgres.ts";
import {
  ROOT, nextStartCommand, spawnService, stopAll, stopLeftoverServices, tag, tsxCommand, writePidFile,
  type Service,
} from "./lib/processes.ts";
import { REDIS_MISSING_MESSAGE, hasRedisServer, startRedis, type RedisServer } from "./lib/redis.ts";

const DATA = path.join(ROOT, ".data");
const PIDS = path.join(DATA, "services.json");

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0 || n > 65535) {
    console.error(`${name} must be a TCP port, got "${raw}"`);
    process.exit(1);
  }
  return n;
}

const webPort = intEnv("SHOAL_WEB_PORT", intEnv("PORT", 3000));
const pgPort = intEnv("SHOAL_PG_PORT", 5433);
const redisPort = intEnv("SHOAL_REDIS_PORT", 6380);

let pg: PostgresServer | undefined;
let redis: RedisServer | undefined;
const services: Service[] = [];
let shuttingDown: Promise<never> | undefined;

async function shutdown(exitCode: number, reason: string): Promise<never> {
  shuttingDown ??= (async () => {
    console.log(`\n${reason}; stopping ${[...services.filter((s) => s.running).map((s) => s.name), redis && "redis", pg && "postgres"].filter(Boolean).join(", ") || "nothing"}…`);
    await stopAll(services, 10_000);
    await stopLeftoverServices(PIDS); // removes the pid file
    await Promise.all([
      redis?.stop().catch((e: unknown) => console.error(`${tag("redis")} stop failed: ${String(e)}`)),
      pg?.stop().catch((e: unknown) => console.error(`${tag("postgres")} stop failed: ${String(e)}`)),
    ]);
    console.log(exitCode === 0 ? "Shoal stopped." : "Shoal stopped after an error.");
    process.exit(exitCode);
  })();
  return shuttingDown;
}

let signalled = 0;
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(sig, () => {
    signalled += 1;
    // npm, the launcher and the terminal may each deliver the same Ctrl-C: one shutdown only.
    if (signalled === 1) void shutdown(0, `received ${sig}`);
  });
}

/**
 * SHOAL_SECRET_KEY encrypts data source passwords (web) and decrypts them (workers). Unset, a key is
 * generated once into .data/secret.key (owner-only) and reused, so stored passwords stay readable.
 */
function secretKey(): string {
  if (process.env.SHOAL_SECRET_KEY) return process.env.SHOAL_SECRET_KEY;
  const file = path.join(DATA, "secret.key");
  if (!existsSync(file)) {
    writeFileSync(file, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    console.log(`${tag("shoal")} generated a data source encryption key in .data/secret.key (keep it with the database)`);
  }
  return readFileSync(file, "utf8").trim();
}

async function main(): Promise<void> {
  mkdirSync(DATA, { recursive: true });
  await stopLeftoverServices(PIDS);

  // Postgres
  let databaseUrl = process.env.DATABASE_URL;
  let pgWhere: string;
  if (databaseUrl) {
    pgWhere = redactUrl(databaseUrl);
  } else {
    console.log(`${tag("postgres")} starting embedded Postgres (.data/pg, port ${pgPort})…`);
    pg = await startEmbeddedPostgres({ dir: path.join(DATA, "pg"), port: pgPort });
    if (await ensureDatabase(pg.url("postgres"), "shoal")) console.log(`${tag("postgres")} created database shoal`);
    databaseUrl = pg.url("shoal");
    pgWhere = `embedded at .data/pg, 127.0.0.1:${pgPort}/shoal (pid ${pg.pid})`;
  }

  // Redis
  let redisUrl = process.env.REDIS_URL;
  let redisWhere: string;
  if (redisUrl) {
    redisWhere = redactUrl(redisUrl);
  } else {
    if (!hasRedisServer()) {
      console.error(REDIS_MISSING_MESSAGE);
      await shutdown(1, "Redis is missing");
    }
    console.log(`${tag("redis")} starting redis-server (.data/redis, port ${redisPort})…`);
    redis = await startRedis({ dir: path.join(DATA, "redis"), port: redisPort, persist: true });
    redisUrl = redis.url;
    redisWhere = `${redis.url} (.data/redis, AOF, pid ${redis.pid})`;
  }

  console.log(`${tag("postgres")} applying migrations…`);
  await migrate(databaseUrl);

  const env = { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, SHOAL_SECRET_KEY: secretKey() };
  const web = nextStartCommand(webPort, "0.0.0.0");
  services.push(
    spawnService({ name: "web", ...web, env: { ...env, NODE_ENV: "production", PORT: String(webPort) }, marker: "next" }),
    spawnService({ name: "master", ...tsxCommand("apps/master/src/main.ts"), env, marker: "apps/master/src/main.ts" }),
    spawnService({ name: "worker", ...tsxCommand("apps/worker/src/main.ts"), env, marker: "apps/worker/src/main.ts" }),
  );
  writePidFile(PIDS, services);

  const rows: [string, string][] = [
    ["web", `http://localhost:${webPort}  (pid ${services[0]?.pid})`],
    ["master", `pid ${services[1]?.pid}`],
    ["worker", `pid ${services[2]?.pid}`],
    ["postgres", pgWhere],
    ["redis", redisWhere],
  ];
  console.log(`\nShoal is starting (Ctrl-C to stop):\n${rows.map(([k, v]) => `  ${k.padEnd(9)}${v}`).join("\n")}\n`);

  // Any unexpected exit (a service, or our own Postgres/Redis) brings the whole stack down.
  for (const s of services) {
    void s.exited.then(({ code, signal }) => {
      if (!shuttingDown) void shutdown(1, `${s.name} exited unexpectedly (${signal ? `signal ${signal}` : `code ${code}`})`);
    });
  }
  for (const [name, server] of [["postgres", pg], ["redis", redis]] as const) {
    void server?.exited.then(({ code, signal }) => {
      if (!shuttingDown) void shutdown(1, `${name} exited unexpectedly (${signal ? `signal ${signal}` : `code ${code}`})`);
    });
  }
}

main().catch(async (error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  await shutdown(1, "start failed");
});
