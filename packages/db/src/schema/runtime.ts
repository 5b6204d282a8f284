import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { appUser } from "./auth";
import {
  commandStatus,
  commandType,
  failureStrategy,
  priority,
  runType,
  serverKind,
  taskInstanceState,
  workflowInstanceState,
} from "./enums";
import { project, workflow } from "./project";

/** Options a START-like command carries; stored with the command and copied onto the instance. */
export interface RunOptions {
  paramOverrides?: Record<string, string>;
  dryRun?: boolean;
  /** Run only these task codes (run from a chosen task). */
  scope?: string[];
  startTask?: { code: string; mode: "only" | "downstream" | "upstream" };
  taskCode?: string;
  scheduleTime?: string;
  /** A sub_workflow task's child: the parent instance and the task attempt that starts it. */
  parentInstanceId?: string;
  parentTaskInstanceId?: string;
}

/** The command outbox: written before anything acts, consumed by exactly one master. */
export const command = pgTable(
  "command",
  {
    id: uuid().primaryKey().defaultRandom(),
    type: commandType().notNull(),
    projectId: uuid()
      .notNull()
      .references(() => project.id, { onDelete: "cascade" }),
    workflowId: uuid().references(() => workflow.id, { onDelete: "cascade" }),
    workflowVersion: integer(),
    /** For commands on an existing instance (STOP, PAUSE, RECOVER_*, RERUN, FORCE_SUCCESS). */
    instanceId: uuid(),
    options: jsonb().$type<RunOptions>().notNull().default({}),
    failureStrategy: failureStrategy().notNull().default("END"),
    priority: priority().notNull().default("MEDIUM"),
    workerGroup: text().notNull().default("default"),
    status: commandStatus().notNull().default("PENDING"),
    error: text(),
    createdBy: uuid().references(() => appUser.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    consumedAt: timestamp({ withTimezone: true }),
    consumedBy: text(),
  },
  (t) => [index().on(t.status, t.createdAt), index().on(t.instanceId)],
);

export const workflowInstance = pgTable(
  "workflow_instance",
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => project.id, { onDelete: "cascade" }),
    workflowId: uuid()
      .notNull()
      .references(() => workflow.id, { onDelete: "cascade" }),
    workflowVersion: integer().notNull(),
    /** The START command that created it: unique, so a command delivered twice yields one instance. */
    commandId: uuid()
      .notNull()
      .unique()
      .references(() => command.id),
    name: text().notNull(),
    state: workflowInstanceState().notNull().default("SUBMITTED"),
    runType: runType().notNull().default("MANUAL"),
    failureStrategy: failureStrategy().notNull().default("END"),
    priority: priority().notNull().default("MEDIUM"),
    workerGroup: text().notNull().default("default"),
    options: jsonb().$type<RunOptions>().notNull().default({}),
    dryRun: boolean().notNull().default(false),
    /** Bumped by RERUN: task attempts of older generations are history. */
    generation: integer().notNull().default(1),
    /** Master that runs it, and the fencing epoch of that ownership. */
    owner: text(),
    epoch: integer().notNull().default(0),
    host: text(),
    scheduleTime: timestamp({ withTimezone: true }),
    startTime: timestamp({ withTimezone: true }),
    endTime: timestamp({ withTimezone: true }),
    /** Set on the child instance of a sub_workflow task: the parent instance and the task attempt that started it. */
    parentInstanceId: uuid(),
    parentTaskInstanceId: uuid(),
    createdBy: uuid().references(() => appUser.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index().on(t.parentTaskInstanceId),
    index().on(t.projectId, t.createdAt.desc()),
    index().on(t.projectId, t.state),
    index().on(t.workflowId, t.createdAt.desc()),
    index()
      .on(t.owner)
      .where(sql`${t.state} in ('SUBMITTED','RUNNING','READY_PAUSE','READY_STOP','SERIAL_WAIT')`),
  ],
);

/** One row per attempt; retries, failovers and reruns add rows and never rewrite old ones. */
export const taskInstance = pgTable(
  "task_instance",
  {
    id: uuid().primaryKey().defaultRandom(),
    workflowInstanceId: uuid()
      .notNull()
      .references(() => workflowInstance.id, { onDelete: "cascade" }),
    projectId: uuid().notNull(),
    generation: integer().notNull().default(1),
    taskCode: text().notNull(),
    taskName: text().notNull(),
    taskType: text().notNull(),
    attempt: integer().notNull(),
    state: taskInstanceState().notNull().default("SUBMITTED"),
    workerGroup: text().notNull().default("default"),
    /** Why a waiting task waits (retry interval, delay, no worker in its group...). */
    waitReason: text(),
    host: text(),
    pid: integer(),
    exitCode: integer(),
    error: text(),
    outParams: jsonb().$type<Record<string, string>>(),
    /** What a task type reports beyond OUT params: a switch's chosen branch, a condition's outcome, a child instance id, an HTTP status. */
    detail: jsonb().$type<Record<string, unknown>>(),
    submitTime: timestamp({ withTimezone: true }).notNull().defaultNow(),
    dispatchTime: timestamp({ withTimezone: true }),
    startTime: timestamp({ withTimezone: true }),
    endTime: timestamp({ withTimezone: true }),
  },
  (t) => [
    unique().on(t.workflowInstanceId, t.taskCode, t.attempt),
    index().on(t.projectId, t.submitTime.desc()),
  ],
);

/** Persisted log of a finished attempt, in chunks of lines (each line prefixed by its ISO timestamp). */
export const taskLog = pgTable(
  "task_log",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    taskInstanceId: uuid()
      .notNull()
      .references(() => taskInstance.id, { onDelete: "cascade" }),
    seq: integer().notNull(),
    firstLine: integer().notNull(),
    lineCount: integer().notNull(),
    content: text().notNull(),
  },
  (t) => [unique().on(t.taskInstanceId, t.seq)],
);

/** Timeline of an instance: commands with who and when, and every state change. */
export const instanceEvent = pgTable(
  "instance_event",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    workflowInstanceId: uuid()
      .notNull()
      .references(() => workflowInstance.id, { onDelete: "cascade" }),
    taskInstanceId: uuid(),
    taskCode: text(),
    kind: text().notNull(),
    fromState: text(),
    toState: text(),
    message: text(),
    actor: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.workflowInstanceId, t.id)],
);

/**
 * A registry row's figures (load, leader flag, ...); a worker also lists the ids of the attempts it
 * is running under `attempts`, so the reconciler can tell an attempt whose end report was lost.
 */
export type ServerStats = Record<string, number | string[]>;

/** Registry of masters and workers: heartbeats, load, leases. */
export const server = pgTable(
  "server",
  {
    id: text().primaryKey(),
    kind: serverKind().notNull(),
    host: text().notNull(),
    pid: integer().notNull(),
    workerGroup: text(),
    startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    heartbeatAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    stats: jsonb().$type<ServerStats>().notNull().default({}),
  },
  (t) => [index().on(t.kind, t.heartbeatAt)],
);

/** Named leases for singleton duties (leader election): one holder at a time, fenced by epoch. */
export const lease = pgTable("lease", {
  name: text().primaryKey(),
  holder: text().notNull(),
  epoch: integer().notNull().default(1),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
});
