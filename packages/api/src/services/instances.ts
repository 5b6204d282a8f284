import { and, asc, desc, eq, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import { tracked } from "@trpc/server";
import type { WorkflowInstanceState } from "@shoal/core";
import { instanceEvent, taskInstance, workflow, workflowInstance, workflowVersion, type Db } from "@shoal/db";
import type { ApiDeps } from "../deps";
import { NotFoundError } from "../errors";
import { emptyDefinition } from "./workflows";

const instanceColumns = {
  id: workflowInstance.id,
  projectId: workflowInstance.projectId,
  workflowId: workflowInstance.workflowId,
  workflowVersion: workflowInstance.workflowVersion,
  commandId: workflowInstance.commandId,
  name: workflowInstance.name,
  state: workflowInstance.state,
  runType: workflowInstance.runType,
  failureStrategy: workflowInstance.failureStrategy,
  priority: workflowInstance.priority,
  workerGroup: workflowInstance.workerGroup,
  options: workflowInstance.options,
  dryRun: workflowInstance.dryRun,
  generation: workflowInstance.generation,
  host: workflowInstance.host,
  scheduleTime: workflowInstance.scheduleTime,
  startTime: workflowInstance.startTime,
  endTime: workflowInstance.endTime,
  createdAt: workflowInstance.createdAt,
  updatedAt: workflowInstance.updatedAt,
};

const taskColumns = {
  id: taskInstance.id,
  generation: taskInstance.generation,
  taskCode: taskInstance.taskCode,
  taskName: taskInstance.taskName,
  taskType: taskInstance.taskType,
  attempt: taskInstance.attempt,
  state: taskInstance.state,
  workerGroup: taskInstance.workerGroup,
  waitReason: taskInstance.waitReason,
  host: taskInstance.host,
  exitCode: taskInstance.exitCode,
  error: taskInstance.error,
  submitTime: taskInstance.submitTime,
  dispatchTime: taskInstance.dispatchTime,
  startTime: taskInstance.startTime,
  endTime: taskInstance.endTime,
};

export interface ListInstancesInput {
  projectId: string;
  limit: number;
  cursor?: string | null;
  workflowId?: string;
  states?: WorkflowInstanceState[];
}

/** Instances of a project, newest first, keyset-paginated by (createdAt, id); `cursor` is the last id seen. */
export async function listInstances(db: Db, input: ListInstancesInput) {
  const where: (SQL | undefined)[] = [eq(workflowInstance.projectId, input.projectId)];
  if (input.workflowId) where.push(eq(workflowInstance.workflowId, input.workflowId));
  if (input.states?.length) where.push(inArray(workflowInstance.state, input.states));
  if (input.cursor) {
    const [c] = await db
      .select({ createdAt: workflowInstance.createdAt, id: workflowInstance.id })
      .from(workflowInstance)
      .where(and(eq(workflowInstance.id, input.cursor), eq(workflowInstance.projectId, input.projectId)));
    if (c) {
      where.push(
        or(
          lt(workflowInstance.createdAt, c.createdAt),
          and(eq(workflowInstance.createdAt, c.createdAt), lt(workflowInstance.id, c.id)),
        ),
      );
    }
  }
  const rows = await db
    .select({ ...instanceColumns, workflowName: workflow.name })
    .from(workflowInstance)
    .innerJoin(workflow, eq(workflow.id, workflowInstance.workflowId))
    .where(and(...where))
    .orderBy(desc(workflowInstance.createdAt), desc(workflowInstance.id))
    .limit(input.limit + 1);
  const items = rows.slice(0, input.limit);
  return { items, nextCursor: rows.length > input.limit ? items[items.length - 1]!.id : null };
}

async function loadInstance(db: Db, projectId: string, instanceId: string) {
  const [row] = await db
    .select({ ...instanceColumns, workflowName: workflow.name })
    .from(workflowInstance)
    .innerJoin(workflow, eq(workflow.id, workflowInstance.workflowId))
    .where(and(eq(workflowInstance.id, instanceId), eq(workflowInstance.projectId, projectId)));
  if (!row) throw new NotFoundError(`instance ${instanceId}`);
  return row;
}

export type TaskAttempt = Awaited<ReturnType<typeof loadSnapshot>>["allAttempts"][number];

/**
 * The live part of an instance page: the instance row, the latest attempt per task code of its current
 * generation (`tasks`), every attempt of every generation (`allAttempts`), and the newest
 * instance_event id (`eventId`, 0 when none).
 */
export async function loadSnapshot(db: Db, projectId: string, instanceId: string) {
  // Event id first: anything committed after it is seen again on the next wake-up.
  const [ev] = await db
    .select({ max: sql<string | null>`max(${instanceEvent.id})::text` })
    .from(instanceEvent)
    .where(eq(instanceEvent.workflowInstanceId, instanceId));
  const instance = await loadInstance(db, projectId, instanceId);
  const allAttempts = await db
    .select(taskColumns)
    .from(taskInstance)
    .where(eq(taskInstance.workflowInstanceId, instanceId))
    .orderBy(asc(taskInstance.generation), asc(taskInstance.taskCode), asc(taskInstance.attempt));
  const latest = new Map<string, (typeof allAttempts)[number]>();
  for (const a of allAttempts) {
    if (a.generation !== instance.generation) continue;
    const cur = latest.get(a.taskCode);
    if (!cur || a.attempt > cur.attempt) latest.set(a.taskCode, a);
  }
  return { eventId: Number(ev?.max ?? 0), instance, tasks: [...latest.values()], allAttempts };
}

/** An instance with the definition of its pinned version and its task attempts. */
export async function getInstance(db: Db, projectId: string, instanceId: string) {
  const snap = await loadSnapshot(db, projectId, instanceId);
  const [v] = await db
    .select({ definition: workflowVersion.definition })
    .from(workflowVersion)
    .where(
      and(
        eq(workflowVersion.workflowId, snap.instance.workflowId),
        eq(workflowVersion.version, snap.instance.workflowVersion),
      ),
    );
  return { ...snap, definition: v?.definition ?? emptyDefinition(snap.instance.workflowName) };
}

export type InstanceSnapshot = Awaited<ReturnType<typeof loadSnapshot>>;

/** Re-reads Postgres this often even without a wake-up, in case a publish was missed. */
const FALLBACK_POLL_MS = 10_000;

/**
 * Live instance state. Yields a snapshot (tracked by the max instance_event id) at start — unless the
 * client's `lastEventId` is already current — and after every wake-up on the instance channel that
 * finds newer events. Postgres is the truth; Redis only wakes it up.
 */
export async function* watchInstance(
  deps: ApiDeps,
  input: { projectId: string; instanceId: string; lastEventId?: string | null },
  signal: AbortSignal | undefined,
) {
  let lastSent = input.lastEventId != null && /^\d+$/.test(input.lastEventId) ? Number(input.lastEventId) : -1;
  // Check existence and access before subscribing.
  await loadInstance(deps.db, input.projectId, input.instanceId);

  let dirty = true;
  let wake: (() => void) | null = null;
  const poke = () => {
    dirty = true;
    wake?.();
  };
  const unlisten = await deps.pubsub.listen(deps.names.instanceChannel(input.instanceId), poke);
  signal?.addEventListener("abort", poke);
  try {
    while (!signal?.aborted) {
      if (dirty) {
        dirty = false;
        const snap = await loadSnapshot(deps.db, input.projectId, input.instanceId);
        if (snap.eventId > lastSent) {
          lastSent = snap.eventId;
          yield tracked(String(snap.eventId), snap);
        }
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          dirty = true;
          resolve();
        }, FALLBACK_POLL_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  } finally {
    signal?.removeEventListener("abort", poke);
    unlisten();
  }
}
