import { z } from "zod";
import type { TaskTypeDefinition } from "./types";

export const PythonParamsSchema = z.object({
  script: z.string().min(1, "script is required").max(1_000_000),
});
export type PythonParams = z.infer<typeof PythonParamsSchema>;

export const pythonTaskType: TaskTypeDefinition<typeof PythonParamsSchema> = {
  type: "python",
  label: "Python",
  category: "general",
  description: "Runs a Python 3 script (python3 from the worker's PATH); exit code 0 is success.",
  runtime: "worker",
  paramsSchema: PythonParamsSchema,
  defaults: { script: 'print("hello")' },
};
