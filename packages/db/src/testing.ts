import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { createDb, type DbHandle } from "./client";
import { migrateDatabase } from "./migrate";

/** Admin URL of the Postgres server integration tests may create databases on (set by `npm test`). */
export function testServerUrl(): string {
  const url = process.env.SHOAL_TEST_DATABASE_URL;
  if (!url) throw new Error("integration tests need SHOAL_TEST_DATABASE_URL (an admin URL); run them through `npm test`");
  return url;
}

/** Redis URL of the test run's own redis-server (set by `npm test`). */
export function testRedisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error("integration tests need REDIS_URL; run them through `npm test`");
  return url;
}

/** A fresh key prefix so tests sharing a Redis never see each other's queues. */
export const uniquePrefix = (label = "t") => `${label}-${randomBytes(5).toString("hex")}`;

export interface TestDatabase extends DbHandle {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Creates and migrates a database of its own for one test file; `drop()` removes it. */
export async function createTestDatabase(label = "t"): Promise<TestDatabase> {
  const admin = testServerUrl();
  const name = `shoal_${label.replace(/[^a-z0-9_]/gi, "_").toLowerCase()}_${randomBytes(5).toString("hex")}`;
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`CREATE DATABASE "${name}"`);
  } finally {
    await sql.end({ timeout: 5 });
  }
  const u = new URL(admin);
  u.pathname = `/${name}`;
  const url = u.toString();
  await migrateDatabase(url);
  const handle = createDb(url, { max: 5, appName: "shoal-test" });
  return {
    ...handle,
    url,
    name,
    async drop() {
      await handle.close();
      const s = postgres(admin, { max: 1, onnotice: () => {} });
      try {
        await s.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await s.end({ timeout: 5 });
      }
    },
  };
}
