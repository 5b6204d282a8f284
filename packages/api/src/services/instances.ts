import {
  and,
  asc,
  desc,
  eq,
  gte,
  ilike,
  inArray,
  isNotNull,
  lt,
  or,
  sql,
  type AnyColumn,
  type SQL,
} from "drizzle-orm";
import { tracked } from "@trpc/server";
import { mergeParams, resolveParams, systemParams, type WorkflowInstanceState } from "@shoal/core";
import {
  instanceEvent,
  taskInstance,
  workflow,
  workflowInstance,
  workflowVersion,
  type Db,
} from "@shoal/db";
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
  /** What a logic task decided (switch/conditions `next`), so a page can show skipped branches. */
  detail: taskInstance.detail,
};

/** Columns the instance list sorts by. */
export const INSTANCE_SORTS = [
  "createdAt",
  "startTime",
  "endTime",
  "duration",
  "state",
  "workflow",
  "name",
] as const;
export type InstanceSort = (typeof INSTANCE_SORTS)[number];

export interface ListInstancesInput {
  projectId: string;
  limit: number;
  offset: number;
  workflowId?: string;
  states?: WorkflowInstanceState[];
  /** Substring of the instance's or the workflow's name, case-insensitive. */
  name?: string;
  /** Created at or after / before these instants. */
  from?: Date;
  to?: Date;
  sort: InstanceSort;
  dir: "asc" | "desc";
}

/** `%`, `_` and `\` match themselves in an ILIKE pattern. */
export const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const durationSql = sql`coalesce(${workflowInstance.endTime}, now()) - ${workflowInstance.startTime}`;
const sortColumn: Record<InstanceSort, SQL | AnyColumn> = {
  createdAt: workflowInstance.createdAt,
  startTime: workflowInstance.startTime,
  endTime: workflowInstance.endTime,
  duration: durationSql,
  state: workflowInstance.state,
  workflow: workflow.name,
  name: workflowInstance.name,
};

/**
 * One page of a project's instances with the total that match, filtered and sorted on the server.
 * Rows without the sort value (not started yet) come last either way; ties fall back to newest first.
 */
export async function listInstances(db: Db, input: ListInstancesInput) {
  const where: (SQL | undefined)[] = [eq(workflowInstance.projectId, input.projectId)];
  if (input.workflowId) where.push(eq(workflowInstance.workflowId, input.workflowId));
  if (input.states?.length) where.push(inArray(workflowInstance.state, input.states));
  if (input.name)
    where.push(
      or(
        ilike(workflowInstance.name, likePattern(input.name)),
        ilike(workflow.name, likePattern(input.name)),
      ),
    );
  if (input.from) where.push(gte(workflowInstance.createdAt, input.from));
  if (input.to) where.push(lt(workflowInstance.createdAt, input.to));
  const col = sortColumn[input.sort];
  const order = input.dir === "asc" ? sql`${col} asc nulls last` : sql`${col} desc nulls last`;
  const [rows, [count]] = await Promise.all([
    db
      .select({ ...instanceColumns, workflowName: workflow.name })
      .from(workflowInstance)
      .innerJoin(workflow, eq(workflow.id, workflowInstance.workflowId))
      .where(and(...where))
      .orderBy(order, desc(workflowInstance.createdAt), desc(workflowInstance.id))
      .limit(input.limit)
      .offset(input.offset),
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(workflowInstance)
      .innerJoin(workflow, eq(workflow.id, workflowInstance.workflowId))
      .where(and(...where)),
  ]);
  return { items: rows, total: count?.n ?? 0 };
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
  let lastSent =
    input.lastEventId != null && /^\d+$/.test(input.lastEventId) ? Number(input.lastEventId) : -1;
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

/** Changes arriving within this window reach the browser as one tick. */
const PROJECT_COALESCE_MS = 150;

/**
 * Live instance list of a project: yields `{ instanceIds }` — the instances that changed — whenever the
 * master publishes on the project channel, coalesced over {@link PROJECT_COALESCE_MS}. The first tick
 * (empty) comes right after subscribing, so a client that refetches on every tick misses nothing that
 * changed while it was disconnected. Only ids travel: the page refetches what it shows from Postgres.
 */
export async function* watchProject(
  deps: ApiDeps,
  input: { projectId: string },
  signal: AbortSignal | undefined,
) {
  const changed = new Set<string>();
  let wake: (() => void) | null = null;
  const unlisten = await deps.pubsub.listen(deps.names.projectChannel(input.projectId), (id) => {
    changed.add(id);
    wake?.();
  });
  const onAbort = () => wake?.();
  signal?.addEventListener("abort", onAbort);
  try {
    yield { instanceIds: [] as string[] };
    while (!signal?.aborted) {
      if (changed.size === 0) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        continue;
      }
      await new Promise((r) => setTimeout(r, PROJECT_COALESCE_MS));
      if (signal?.aborted) break;
      const instanceIds = [...changed];
      changed.clear();
      yield { instanceIds };
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    unlisten();
  }
}

/** The instance's timeline: commands (with who) and state changes, oldest first. */
export async function listInstanceEvents(
  db: Db,
  projectId: string,
  instanceId: string,
  limit = 5000,
) {
  await loadInstance(db, projectId, instanceId);
  return db
    .select({
      id: instanceEvent.id,
      kind: instanceEvent.kind,
      taskCode: instanceEvent.taskCode,
      taskInstanceId: instanceEvent.taskInstanceId,
      fromState: instanceEvent.fromState,
      toState: instanceEvent.toState,
      message: instanceEvent.message,
      actor: instanceEvent.actor,
      createdAt: instanceEvent.createdAt,
    })
    .from(instanceEvent)
    .where(eq(instanceEvent.workflowInstanceId, instanceId))
    .orderBy(asc(instanceEvent.id))
    .limit(limit);
}

export type ParamSourceName = "system" | "global" | "override";

/**
 * The instance's parameters as its tasks saw them: system params (for its schedule or start time, in
 * `timeZone`), the workflow's globals and the run's overrides merged with DolphinScheduler's precedence,
 * each with its raw and resolved value and where it came from; and the OUT params every task of the
 * current generation reported (latest attempt that reported any).
 */
export async function instanceParams(
  db: Db,
  projectId: string,
  instanceId: string,
  timeZone: string,
) {
  const { instance, definition } = await getInstance(db, projectId, instanceId);
  const baseTime = instance.scheduleTime ?? instance.startTime ?? instance.createdAt;
  const sys = systemParams(baseTime, timeZone);
  const system = sys.ok ? sys.value : {};
  const overrides = instance.options.paramOverrides ?? {};
  const merged = mergeParams({ system, global: definition.globalParams, startup: overrides });
  const source = new Map<string, ParamSourceName>();
  for (const name of Object.keys(system)) source.set(name, "system");
  for (const p of definition.globalParams ?? []) source.set(p.name, "global");
  for (const name of Object.keys(overrides)) source.set(name, "override");
  const params = Object.entries(merged).map(([name, value]) => {
    const r = resolveParams({ text: value, params: merged, baseTime, timeZone });
    return {
      name,
      value,
      source: source.get(name) ?? "global",
      resolved: r.ok ? r.value : null,
      error: r.ok ? null : r.error.message,
    };
  });

  const rows = await db
    .select({
      taskCode: taskInstance.taskCode,
      taskName: taskInstance.taskName,
      attempt: taskInstance.attempt,
      outParams: taskInstance.outParams,
    })
    .from(taskInstance)
    .where(
      and(
        eq(taskInstance.workflowInstanceId, instanceId),
        eq(taskInstance.generation, instance.generation),
        isNotNull(taskInstance.outParams),
      ),
    )
    .orderBy(asc(taskInstance.taskCode), asc(taskInstance.attempt));
  const latest = new Map<
    string,
    { taskCode: string; taskName: string; attempt: number; outParams: Record<string, string> }
  >();
  for (const r of rows)
    if (r.outParams && Object.keys(r.outParams).length > 0)
      latest.set(r.taskCode, { ...r, outParams: r.outParams });
  return { timeZone, baseTime, params, taskOut: [...latest.values()] };
}
