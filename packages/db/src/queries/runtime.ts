import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { command, instanceEvent, lease, taskInstance, workflowInstance, workflowVersion } from "../schema";

export type WorkflowInstanceRow = typeof workflowInstance.$inferSelect;
export type TaskInstanceRow = typeof taskInstance.$inferSelect;
export type CommandRow = typeof command.$inferSelect;

/** Locks a command row for consumption; null when missing. */
export async function lockCommand(tx: DbOrTx, commandId: string): Promise<CommandRow | null> {
  const rows = await tx.select().from(command).where(eq(command.id, commandId)).for("update");
  return rows[0] ?? null;
}

export async function loadDefinition(tx: DbOrTx, workflowId: string, version: number) {
  const rows = await tx
    .select({ definition: workflowVersion.definition })
    .from(workflowVersion)
    .where(and(eq(workflowVersion.workflowId, workflowId), eq(workflowVersion.version, version)));
  return rows[0]?.definition ?? null;
}

/**
 * What a runner rebuilds from (two queries): the instance with its workflow version's definition, the
 * current generation's attempts oldest first (so the last per code is current), and the highest
 * attempt number per task code across every generation (attempt numbers never repeat).
 */
export async function loadInstanceState(tx: DbOrTx, instanceId: string) {
  const [found] = await tx
    .select({ instance: workflowInstance, definition: workflowVersion.definition })
    .from(workflowInstance)
    .innerJoin(
      workflowVersion,
      and(
        eq(workflowVersion.workflowId, workflowInstance.workflowId),
        eq(workflowVersion.version, workflowInstance.workflowVersion),
      ),
    )
    .where(eq(workflowInstance.id, instanceId));
  if (!found) return null;
  const rows = await tx
    .select()
    .from(taskInstance)
    .where(eq(taskInstance.workflowInstanceId, instanceId))
    .orderBy(asc(taskInstance.taskCode), asc(taskInstance.attempt));
  const current = rows.filter((r) => r.generation === found.instance.generation);
  const maxAttempts = new Map<string, number>();
  for (const r of rows) maxAttempts.set(r.taskCode, Math.max(r.attempt, maxAttempts.get(r.taskCode) ?? 0));
  return { ...found, current, maxAttempts };
}

export type NewInstanceEvent = typeof instanceEvent.$inferInsert;
/** Inserts events in multi-row statements, in chunks that stay under Postgres's bind-parameter limit. */
export async function recordEvents(tx: DbOrTx, events: NewInstanceEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += 2000)
    await tx.insert(instanceEvent).values(events.slice(i, i + 2000));
}

/**
 * Fencing check: succeeds only while `owner` still holds the instance at `epoch`. Every write of a
 * runner happens in a transaction that starts with this.
 */
export async function assertOwnership(
  tx: DbOrTx,
  instanceId: string,
  owner: string,
  epoch: number,
): Promise<boolean> {
  const rows = await tx
    .update(workflowInstance)
    .set({ updatedAt: sql`now()` })
    .where(
      and(
        eq(workflowInstance.id, instanceId),
        eq(workflowInstance.owner, owner),
        eq(workflowInstance.epoch, epoch),
      ),
    )
    .returning({ id: workflowInstance.id });
  return rows.length === 1;
}

export async function latestInstances(tx: DbOrTx, projectId: string, limit: number) {
  return tx
    .select()
    .from(workflowInstance)
    .where(eq(workflowInstance.projectId, projectId))
    .orderBy(desc(workflowInstance.createdAt))
    .limit(limit);
}

/** The master holding the leader lease (it runs the singleton duties), or null while none holds it. */
export async function currentLeader(
  tx: DbOrTx,
): Promise<{ masterId: string; epoch: number; expiresAt: Date } | null> {
  const rows = await tx
    .select({ masterId: lease.holder, epoch: lease.epoch, expiresAt: lease.expiresAt })
    .from(lease)
    .where(and(eq(lease.name, "leader"), sql`${lease.expiresAt} > now()`));
  return rows[0] ?? null;
}
