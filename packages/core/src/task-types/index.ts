import { httpTaskType } from "./http";
import { pythonTaskType } from "./python";
import { shellTaskType } from "./shell";
import { sqlTaskType } from "./sql";
import type { TaskTypeDefinition } from "./types";

export * from "./types";
export * from "./shell";
export * from "./python";
export * from "./http";
export * from "./sql";
export * from "./json-path";

/** Every task type Shoal can run, by its `type` name. */
export const TASK_TYPES: Readonly<Record<string, TaskTypeDefinition>> = {
  [shellTaskType.type]: shellTaskType,
  [pythonTaskType.type]: pythonTaskType,
  [httpTaskType.type]: httpTaskType,
  [sqlTaskType.type]: sqlTaskType,
};

export function getTaskType(type: string): TaskTypeDefinition | undefined {
  return Object.hasOwn(TASK_TYPES, type) ? TASK_TYPES[type] : undefined;
}
