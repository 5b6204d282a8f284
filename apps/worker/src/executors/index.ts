import { PythonParamsSchema, ShellParamsSchema } from "@shoal/core";
import { runScript } from "./process";
import type { Executor } from "./types";

export type { ExecContext, ExecResult, Executor } from "./types";

/** Executors by task type; a type the master dispatches but a worker lacks fails the attempt with a clear error. */
export const EXECUTORS: Readonly<Record<string, Executor>> = {
  shell: (ctx) => runScript(ctx, "bash", "script.sh", ShellParamsSchema.parse(ctx.job.params).script),
  python: (ctx) => runScript(ctx, "python3", "script.py", PythonParamsSchema.parse(ctx.job.params).script),
};
