/**
 * Starts a complete stack for the e2e run, as separate processes: a fresh database
 * shoal_e2e_<random> on SHOAL_TEST_DATABASE_URL's server (migrated), the Redis at REDIS_URL, then
 * web (`next start`, needs `turbo run build --filter=@shoal/web`), one master and one worker.
 * Without SHOAL_TEST_DATABASE_URL / REDIS_URL (e.g. `npx playwright test` run by hand) it starts a
 * throwaway Postgres / redis-server itself. The returned function is Playwright's teardown.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { getFreePort } from "../scripts/lib/free-port.ts";
import { migrate } from "../scripts/lib/migrate.ts";
import { dropDatabase, ensureDatabase, startEmbeddedPostgres, withDatabase, type PostgresServer } from "../scripts/lib/postgres.ts";
import { nextStartCommand, spawnService, stopAll, tsxCommand, type Service } from "../scripts/lib/processes.ts";
import { startRedis, type RedisServer } from "../scripts/lib/redis.ts";
import { sleep } from "../scripts/lib/proc-util.ts";

async function waitForHttp(url: string, services: Service[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = services.find((s) => !s.running);
    if (dead) throw new Error(`e2e: ${dead.name} exited before the web app answered (see its output above)`);
    try {
      const res = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(2_000) });
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`e2e: ${url} did not answer within ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "shoal-e2e-"));
  let pg: PostgresServer | undefined;
  let redis: RedisServer | undefined;
  let services: Service[] = [];

  let adminUrl = process.env.SHOAL_TEST_DATABASE_URL;
  if (!adminUrl) {
    pg = await startEmbeddedPostgres({ dir: path.join(tmp, "pg"), port: await getFreePort() });
    adminUrl = pg.url("postgres");
  }
  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    redis = await startRedis({ dir: path.join(tmp, "redis"), port: await getFreePort(), persist: false });
    redisUrl = redis.url;
  }

  const database = `shoal_e2e_${randomBytes(4).toString("hex")}`;
  const databaseUrl = withDatabase(adminUrl, database);
  const teardown = async () => {
    await stopAll(services, 10_000);
    await dropDatabase(adminUrl, database).catch((e: unknown) => console.error(`e2e: could not drop ${database}: ${String(e)}`));
    await Promise.all([redis?.stop(), pg?.stop()]);
    rmSync(tmp, { recursive: true, force: true });
  };

  try {
    await ensureDatabase(adminUrl, database);
    await migrate(databaseUrl);

    const port = Number(process.env.SHOAL_E2E_WEB_PORT ?? (await getFreePort()));
    const baseURL = `http://127.0.0.1:${port}`;
    // One key for web (encrypts data source passwords) and worker (decrypts them); exposed to specs.
    const secretKey = process.env.SHOAL_SECRET_KEY ?? randomBytes(32).toString("base64");
    process.env.SHOAL_E2E_SECRET_KEY = secretKey;
    const env = { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, SHOAL_SECRET_KEY: secretKey };
    services = [
      spawnService({ name: "web", ...nextStartCommand(port, "127.0.0.1"), env: { ...env, NODE_ENV: "production", PORT: String(port) }, marker: "next" }),
      spawnService({ name: "master", ...tsxCommand("apps/master/src/main.ts"), env, marker: "apps/master/src/main.ts" }),
      spawnService({ name: "worker", ...tsxCommand("apps/worker/src/main.ts"), env, marker: "apps/worker/src/main.ts" }),
    ];
    await waitForHttp(baseURL, services);
    process.env.SHOAL_E2E_BASE_URL = baseURL;
    process.env.SHOAL_E2E_DATABASE_URL = databaseUrl;
    return teardown;
  } catch (error) {
    await teardown();
    throw error;
  }
}
