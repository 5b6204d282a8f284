import { httpTaskType } from "./http";
import { conditionsTaskType } from "./conditions";
import { dependentTaskType } from "./dependent";
import { pythonTaskType } from "./python";
import { shellTaskType } from "./shell";
import { subWorkflowTaskType } from "./sub-workflow";
import { switchTaskType } from "./switch";
import { sqlTaskType } from "./sql";
import type { TaskTypeDefinition } from "./types";

export * from "./types";
export * from "./shell";
export * from "./python";
export * from "./conditions";
export * from "./switch";
export * from "./sub-workflow";
export * from "./dependent";
export * from "./expression";
export * from "./logic-checks";
export * from "./http";
export * from "./sql";
export * from "./json-path";

/** Every task type Shoal can run, by its `type` name. */
export const TASK_TYPES: Readonly<Record<string, TaskTypeDefinition>> = {
  [shellTaskType.type]: shellTaskType,
  [pythonTaskType.type]: pythonTaskType,
  [conditionsTaskType.type]: conditionsTaskType,
  [switchTaskType.type]: switchTaskType,
  [subWorkflowTaskType.type]: subWorkflowTaskType,
  [dependentTaskType.type]: dependentTaskType,
  [httpTaskType.type]: httpTaskType,
  [sqlTaskType.type]: sqlTaskType,
};

export function getTaskType(type: string): TaskTypeDefinition | undefined {
  return Object.hasOwn(TASK_TYPES, type) ? TASK_TYPES[type] : undefined;
}
