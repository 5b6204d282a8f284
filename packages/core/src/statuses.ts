/**
 * Workflow- and task-instance states in DolphinScheduler's words. Declared once here and reused by the
 * database enums, the engine and the UI badges. Compare states only through the predicates below.
 */
export const WORKFLOW_INSTANCE_STATES = [
  "SUBMITTED",
  "RUNNING",
  "READY_PAUSE",
  "PAUSE",
  "READY_STOP",
  "STOP",
  "SUCCESS",
  "FAILURE",
  "SERIAL_WAIT",
] as const;
export type WorkflowInstanceState = (typeof WORKFLOW_INSTANCE_STATES)[number];

export const TASK_INSTANCE_STATES = [
  "SUBMITTED",
  "DELAY_EXECUTION",
  "DISPATCHED",
  "RUNNING",
  "SUCCESS",
  "FAILURE",
  "KILL",
  "PAUSE",
  "NEED_FAILOVER",
  "FORCED_SUCCESS",
] as const;
export type TaskInstanceState = (typeof TASK_INSTANCE_STATES)[number];

export const COMMAND_TYPES = [
  "START",
  "STOP",
  "PAUSE",
  "RECOVER_PAUSED",
  "RECOVER_FAILED",
  "RERUN",
  "FORCE_SUCCESS",
  "SCHEDULED",
  "COMPLEMENT",
  "FAILOVER",
] as const;
export type CommandType = (typeof COMMAND_TYPES)[number];

export const FAILURE_STRATEGIES = ["END", "CONTINUE"] as const;
export type FailureStrategy = (typeof FAILURE_STRATEGIES)[number];

export const PRIORITIES = ["HIGHEST", "HIGH", "MEDIUM", "LOW", "LOWEST"] as const;
export type Priority = (typeof PRIORITIES)[number];

const FINAL_WORKFLOW: ReadonlySet<WorkflowInstanceState> = new Set(["PAUSE", "STOP", "SUCCESS", "FAILURE"]);
const FINAL_TASK: ReadonlySet<TaskInstanceState> = new Set([
  "SUCCESS",
  "FAILURE",
  "KILL",
  "PAUSE",
  "NEED_FAILOVER",
  "FORCED_SUCCESS",
]);

/** The instance will change no more unless a user recovers or reruns it. */
export const isWorkflowFinal = (s: WorkflowInstanceState): boolean => FINAL_WORKFLOW.has(s);
/** The attempt is over (it may still be retried as a new attempt). */
export const isTaskFinal = (s: TaskInstanceState): boolean => FINAL_TASK.has(s);
/** Counts as success for downstream readiness. */
export const isTaskSuccess = (s: TaskInstanceState): boolean => s === "SUCCESS" || s === "FORCED_SUCCESS";
/** A failed outcome that RECOVER_FAILED re-runs and FORCE_SUCCESS may override. */
export const isTaskFailed = (s: TaskInstanceState): boolean => s === "FAILURE" || s === "KILL";
/** Occupies (or is about to occupy) a worker slot. */
export const isTaskActive = (s: TaskInstanceState): boolean =>
  s === "SUBMITTED" || s === "DELAY_EXECUTION" || s === "DISPATCHED" || s === "RUNNING";
/** The instance is being driven by a master (tasks may be dispatched or running). */
export const isWorkflowActive = (s: WorkflowInstanceState): boolean =>
  s === "SUBMITTED" || s === "RUNNING" || s === "READY_PAUSE" || s === "READY_STOP" || s === "SERIAL_WAIT";

/** BullMQ priority (1 = highest) for a task/workflow priority pair: workflow priority dominates. */
export function dispatchPriority(workflow: Priority, task: Priority): number {
  return 1 + PRIORITIES.indexOf(workflow) * 10 + PRIORITIES.indexOf(task);
}
