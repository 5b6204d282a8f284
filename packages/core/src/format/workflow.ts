import { z } from "zod";
import { PRIORITIES } from "../statuses";

export const TASK_CODE_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
export const PARAM_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.]{0,63}$/;

export const ParamSchema = z.object({
  name: z.string().regex(PARAM_NAME_PATTERN, "param name must start with a letter or _ and use letters, digits, _ or ."),
  value: z.string().max(100_000).default(""),
});
export type Param = z.infer<typeof ParamSchema>;

export const TimeoutSchema = z.object({
  seconds: z.number().int().min(1).max(7 * 24 * 3600),
  strategy: z.enum(["warn", "fail", "warnfail"]),
});

export const TaskDefinitionSchema = z.object({
  code: z.string().regex(TASK_CODE_PATTERN, "code must be 1-64 letters, digits, _ . or -"),
  name: z.string().trim().min(1, "name is required").max(200),
  description: z.string().max(2000).default(""),
  type: z.string().min(1, "type is required"),
  /** Validated against the task type's own schema by `validateWorkflow`. */
  params: z.record(z.string(), z.unknown()).default({}),
  workerGroup: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "worker group must be 1-64 letters, digits, _ . or -").default("default"),
  priority: z.enum(PRIORITIES).default("MEDIUM"),
  retries: z.number().int().min(0).max(100).default(0),
  retryIntervalSeconds: z.number().int().min(0).max(24 * 3600).default(0),
  timeout: TimeoutSchema.nullable().default(null),
  delaySeconds: z.number().int().min(0).max(24 * 3600).default(0),
  prohibitExecution: z.boolean().default(false),
  localParams: z.array(ParamSchema).default([]),
});
export type TaskDefinition = z.infer<typeof TaskDefinitionSchema>;
export type TaskDefinitionInput = z.input<typeof TaskDefinitionSchema>;

export const EdgeSchema = z.object({ from: z.string(), to: z.string() });
export type Edge = z.infer<typeof EdgeSchema>;

export const PositionSchema = z.object({ x: z.number().finite(), y: z.number().finite() });

/** The portable workflow format: editor import/export, API, tests and workflows-as-code. */
export const WorkflowDefinitionSchema = z.object({
  name: z.string().trim().min(1, "workflow name is required").max(200),
  description: z.string().max(5000).default(""),
  globalParams: z.array(ParamSchema).default([]),
  tasks: z.array(TaskDefinitionSchema).max(20_000),
  edges: z.array(EdgeSchema).max(100_000).default([]),
  /** Optional node positions by task code; missing ones are laid out automatically. */
  layout: z.record(z.string(), PositionSchema).optional(),
});
export type WorkflowDefinition = z.infer<typeof WorkflowDefinitionSchema>;
export type WorkflowDefinitionInput = z.input<typeof WorkflowDefinitionSchema>;
