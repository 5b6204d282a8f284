import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { createDb, type DbHandle } from "./client";
import type { WorkflowDefinition } from "@shoal/core";
import { migrateDatabase } from "./migrate";
import { command, project, workflow, workflowVersion, type RunOptions } from "./schema";

/** Admin URL of the Postgres server integration tests may create databases on (set by `npm test`). */
export function testServerUrl(): string {
  const url = process.env.SHOAL_TEST_DATABASE_URL;
  if (!url)
    throw new Error(
      "integration tests need SHOAL_TEST_DATABASE_URL (an admin URL); run them through `npm test`",
    );
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

/** Seeds a project and a workflow whose version 1 is `definition`; returns their ids. */
export async function seedWorkflow(
  db: DbHandle["db"],
  definition: WorkflowDefinition,
  projectName = `p-${randomBytes(4).toString("hex")}`,
): Promise<{ projectId: string; workflowId: string; version: number }> {
  const [p] = await db.insert(project).values({ name: projectName }).returning({ id: project.id });
  const [w] = await db
    .insert(workflow)
    .values({ projectId: p!.id, name: definition.name, currentVersion: 1 })
    .returning({ id: workflow.id });
  await db.insert(workflowVersion).values({ workflowId: w!.id, version: 1, definition });
  return { projectId: p!.id, workflowId: w!.id, version: 1 };
}

/** Inserts a PENDING START command (the outbox row); the caller enqueues it. */
export async function insertStartCommand(
  db: DbHandle["db"],
  ids: { projectId: string; workflowId: string; version: number },
  options: RunOptions = {},
): Promise<string> {
  const [c] = await db
    .insert(command)
    .values({
      type: "START",
      projectId: ids.projectId,
      workflowId: ids.workflowId,
      workflowVersion: ids.version,
      options,
    })
    .returning({ id: command.id });
  return c!.id;
}

/** Inserts a PENDING command on an existing instance (STOP, PAUSE, RECOVER_*, RERUN, FORCE_SUCCESS). */
export async function insertInstanceCommand(
  db: DbHandle["db"],
  projectId: string,
  instanceId: string,
  type: "STOP" | "PAUSE" | "RECOVER_PAUSED" | "RECOVER_FAILED" | "RERUN" | "FORCE_SUCCESS",
  options: RunOptions = {},
): Promise<string> {
  const [c] = await db
    .insert(command)
    .values({ type, projectId, instanceId, options })
    .returning({ id: command.id });
  return c!.id;
}
