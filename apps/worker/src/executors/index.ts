import { PythonParamsSchema, ShellParamsSchema } from "@shoal/core";
import { runHttp } from "./http";
import { runScript } from "./process";
import { runSql } from "./sql";
import type { Executor } from "./types";

export type { ExecContext, ExecResources, ExecResult, Executor } from "./types";

/** Executors by task type; a type the master dispatches but a worker lacks fails the attempt with a clear error. */
export const EXECUTORS: Readonly<Record<string, Executor>> = {
  shell: (ctx) =>
    runScript(ctx, "bash", "script.sh", ShellParamsSchema.parse(ctx.job.params).script),
  python: (ctx) =>
    runScript(ctx, "python3", "script.py", PythonParamsSchema.parse(ctx.job.params).script),
  http: runHttp,
  sql: runSql,
};
