import type { z } from "zod";

/** Where a task type runs: process-based tasks on workers, logic tasks inside the owning master. */
export type TaskRuntime = "worker" | "master";

export interface TaskTypeDefinition<S extends z.ZodType = z.ZodType> {
  type: string;
  label: string;
  category: "general" | "logic" | "data";
  description: string;
  runtime: TaskRuntime;
  /** Params schema shared by the editor's form, the API and the executor. */
  paramsSchema: S;
  /** Params of a freshly dropped node. */
  defaults: z.input<S>;
}
