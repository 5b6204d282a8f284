import { z } from "zod";
import type { TaskTypeDefinition } from "./types";

export const ShellParamsSchema = z.object({
  script: z.string().min(1, "script is required").max(1_000_000),
});
export type ShellParams = z.infer<typeof ShellParamsSchema>;

export const shellTaskType: TaskTypeDefinition<typeof ShellParamsSchema> = {
  type: "shell",
  label: "Shell",
  category: "general",
  description: "Runs a bash script on a worker; exit code 0 is success.",
  runtime: "worker",
  paramsSchema: ShellParamsSchema,
  defaults: { script: "echo hello" },
};
