import { z } from "zod";
import { TASK_CODE_PATTERN } from "../format/workflow";
import { isTaskFailed, isTaskSuccess, type TaskInstanceState } from "../statuses";
import type { TaskTypeDefinition } from "./types";

const code = z.string().regex(TASK_CODE_PATTERN, "pick a task");

export const ConditionsParamsSchema = z.object({
  /** AND: every condition must hold; OR: one is enough. */
  relation: z.enum(["AND", "OR"]).default("AND"),
  /** Each names a direct upstream task and the state it must have ended in. */
  conditions: z
    .array(z.object({ taskCode: code, state: z.enum(["SUCCESS", "FAILURE"]) }))
    .min(1, "add at least one condition on an upstream task")
    .max(100),
  /** Direct downstream tasks that run when the conditions hold; the others are skipped. */
  successNext: z.array(code).max(100).default([]),
  /** Direct downstream tasks that run when they do not hold. */
  failureNext: z.array(code).max(100).default([]),
});
export type ConditionsParams = z.infer<typeof ConditionsParamsSchema>;

export const conditionsTaskType: TaskTypeDefinition<typeof ConditionsParamsSchema> = {
  type: "conditions",
  label: "Conditions",
  category: "logic",
  description:
    "Runs once its upstream tasks have finished, successfully or not; checks their states (AND/OR) and continues with the success or the failure branch. The other branch is skipped.",
  runtime: "master",
  paramsSchema: ConditionsParamsSchema,
  defaults: { relation: "AND", conditions: [], successNext: [], failureNext: [] },
};

export interface ConditionsOutcome {
  /** Whether the conditions held. */
  outcome: "success" | "failure";
  /** The branch to run. */
  next: string[];
  /** One line per condition, for the task's detail. */
  checks: Array<{
    taskCode: string;
    expected: "SUCCESS" | "FAILURE";
    actual: TaskInstanceState | "NOT_RUN";
    met: boolean;
  }>;
}

/**
 * Decides a conditions task from the final states of its upstream tasks' latest attempts (`undefined`
 * = the task did not run, e.g. it was skipped: it meets neither SUCCESS nor FAILURE).
 */
export function conditionsOutcome(
  params: ConditionsParams,
  states: ReadonlyMap<string, TaskInstanceState | undefined>,
): ConditionsOutcome {
  const checks = params.conditions.map((c) => {
    const actual = states.get(c.taskCode);
    const met =
      actual !== undefined &&
      (c.state === "SUCCESS" ? isTaskSuccess(actual) : isTaskFailed(actual));
    return { taskCode: c.taskCode, expected: c.state, actual: actual ?? ("NOT_RUN" as const), met };
  });
  const held = params.relation === "AND" ? checks.every((c) => c.met) : checks.some((c) => c.met);
  return held
    ? { outcome: "success", next: params.successNext, checks }
    : { outcome: "failure", next: params.failureNext, checks };
}
