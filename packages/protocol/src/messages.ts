import { z } from "zod";

export const CommandJobSchema = z.object({ commandId: z.uuid() });
export type CommandJob = z.infer<typeof CommandJobSchema>;

const base = {
  taskInstanceId: z.uuid(),
  instanceId: z.uuid(),
  /** The ownership epoch the task was dispatched under; stale epochs are ignored. */
  epoch: z.number().int(),
  at: z.number().int(),
};

/** What a worker reports about an attempt, sent to the owning master's queue. */
export const TaskEventSchema = z.discriminatedUnion("type", [
  z.object({
    ...base,
    type: z.literal("started"),
    host: z.string(),
    pid: z.number().int().nullable(),
  }),
  z.object({
    ...base,
    type: z.literal("finished"),
    outcome: z.enum(["SUCCESS", "FAILURE", "KILL"]),
    exitCode: z.number().int().nullable(),
    error: z.string().max(10_000).nullable(),
    outParams: z.record(z.string(), z.string()).default({}),
    /** What the task reports beyond OUT params (e.g. an HTTP status), stored as the attempt's detail. */
    detail: z.record(z.string(), z.unknown()).optional(),
    /** Set when no started event was sent (the task ended first): the start, reported with the end. */
    started: z
      .object({ host: z.string(), pid: z.number().int().nullable(), at: z.number().int() })
      .optional(),
  }),
]);
export type TaskEventMessage = z.infer<typeof TaskEventSchema>;

/** Jobs on a master's own queue. */
export const MasterJobSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("taskEvent"), event: TaskEventSchema }),
  z.object({ kind: z.literal("command"), commandId: z.uuid() }),
  /** Durable timers: retry intervals, delayed starts, timeouts and logic-task checks (`seq` numbers the checks). */
  z.object({
    kind: z.literal("timer"),
    timer: z.enum(["retry", "delay", "timeout", "check"]),
    instanceId: z.uuid(),
    taskInstanceId: z.uuid(),
    seq: z.number().int().min(0).optional(),
  }),
  /** A sub-workflow's child instance reached a final state; sent to the owner of the parent instance. */
  z.object({ kind: z.literal("childFinished"), instanceId: z.uuid(), childInstanceId: z.uuid() }),
  /** Failover: the worker running this attempt is gone; the owner starts a new attempt. */
  z.object({
    kind: z.literal("workerLost"),
    instanceId: z.uuid(),
    taskInstanceId: z.uuid(),
    workerId: z.string(),
  }),
  /** The reconciler found work of this instance missing from Redis; the owner re-derives it from Postgres. */
  z.object({ kind: z.literal("reconcile"), instanceId: z.uuid() }),
]);
export type MasterJob = z.infer<typeof MasterJobSchema>;

/** A sql statement split around the values bound into it (see bindSql in @shoal/core). */
const BoundSqlSchema = z.object({ text: z.array(z.string()), values: z.array(z.string()) });
const SqlBindsSchema = z.object({
  sql: BoundSqlSchema,
  preStatements: z.array(BoundSqlSchema),
  postStatements: z.array(BoundSqlSchema),
});

/** A task attempt to run, on its worker group's queue. */
export const TaskJobSchema = z.object({
  taskInstanceId: z.uuid(),
  instanceId: z.uuid(),
  projectId: z.uuid(),
  owner: z.string(),
  epoch: z.number().int(),
  taskCode: z.string(),
  taskName: z.string(),
  taskType: z.string(),
  attempt: z.number().int(),
  /** Params after substitution of ${...} and $[...] expressions (a sql task's statements: see sqlBinds). */
  params: z.record(z.string(), z.unknown()),
  env: z.record(z.string(), z.string()),
  /** sql tasks: the statements with their `${...}`/`$[...]` values to bind (params keep them unresolved). */
  sqlBinds: SqlBindsSchema.optional(),
  timeoutSeconds: z.number().int().nullable(),
  dryRun: z.boolean().default(false),
});
export type TaskJob = z.infer<typeof TaskJobSchema>;

export const KillMessageSchema = z.object({ taskInstanceId: z.uuid(), reason: z.string() });
export type KillMessage = z.infer<typeof KillMessageSchema>;

/** One entry of a task's live log stream. */
export const LogEntrySchema = z.object({ ts: z.string(), line: z.string() });
