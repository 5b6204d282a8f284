import type { LineEnd } from "@shoal/core";
import type { TaskJob } from "@shoal/protocol";

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
}

export interface ExecResult {
  outcome: "SUCCESS" | "FAILURE" | "KILL";
  exitCode: number | null;
  error: string | null;
  outParams: Record<string, string>;
}

export type Executor = (ctx: ExecContext) => Promise<ExecResult>;
