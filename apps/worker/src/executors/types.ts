import type { LineEnd } from "@shoal/core";
import type { Db } from "@shoal/db";
import type { TaskJob } from "@shoal/protocol";

/** What executors that reach beyond their process need: sql tasks read their data source from Postgres. */
export interface ExecResources {
  db: Db;
  /** Decrypts data source passwords; null when the worker has no SHOAL_SECRET_KEY. */
  secretKey: Buffer | null;
}

export interface ExecContext {
  job: TaskJob;
  /** A fresh directory for this attempt, removed afterwards. */
  workDir: string;
  env: Record<string, string>;
  /** One line of the task's output, without its `\n` (`end` says what followed it; default a newline). */
  log: (text: string, opts?: { stderr?: boolean; end?: LineEnd }) => void;
  /** Aborted when the task must be killed (stop, timeout). */
  signal: AbortSignal;
  killGraceMs: number;
  resources: ExecResources;
}

export interface ExecResult {
  outcome: "SUCCESS" | "FAILURE" | "KILL";
  exitCode: number | null;
  error: string | null;
  outParams: Record<string, string>;
  /** What the task reports beyond OUT params (an HTTP status, rows affected), kept on the attempt. */
  detail?: Record<string, unknown>;
}

export type Executor = (ctx: ExecContext) => Promise<ExecResult>;
