import { server, type Db } from "@shoal/db";
import { WORKFLOW_INSTANCE_STATES, isWorkflowActive } from "@shoal/core";
import { and, eq, gt, lte, sql } from "drizzle-orm";

/** Workflow instance states a master drives (an owner must be live for these). */
export const ACTIVE_INSTANCE_STATES = WORKFLOW_INSTANCE_STATES.filter(isWorkflowActive);

const fresh = (ttlSeconds: number) =>
  gt(server.heartbeatAt, sql`now() - make_interval(secs => ${ttlSeconds})`);
/** The registration is (still) older than the TTL. */
export const expired = (ttlSeconds: number) =>
  lte(server.heartbeatAt, sql`now() - make_interval(secs => ${ttlSeconds})`);

/** Ids of masters or workers whose registration is within the TTL. */
export async function liveServers(
  db: Db,
  kind: "master" | "worker",
  ttlSeconds: number,
): Promise<Set<string>> {
  const rows = await db
    .select({ id: server.id })
    .from(server)
    .where(and(eq(server.kind, kind), fresh(ttlSeconds)));
  return new Set(rows.map((r) => r.id));
}

/** Registrations that expired: the process is dead (or frozen, and fences itself). */
export async function expiredServers(db: Db, kind: "master" | "worker", ttlSeconds: number) {
  return db
    .select({ id: server.id, heartbeatAt: server.heartbeatAt, stats: server.stats })
    .from(server)
    .where(and(eq(server.kind, kind), expired(ttlSeconds)));
}

export async function isLiveServer(db: Db, id: string, ttlSeconds: number): Promise<boolean> {
  const rows = await db
    .select({ id: server.id })
    .from(server)
    .where(and(eq(server.id, id), fresh(ttlSeconds)));
  return rows.length > 0;
}
