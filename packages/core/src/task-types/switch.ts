import { z } from "zod";
import type { Result } from "../errors";
import { TASK_CODE_PATTERN } from "../format/workflow";
import { evaluateCondition, MAX_EXPRESSION_LENGTH } from "./expression";
import type { TaskTypeDefinition } from "./types";

const code = z.string().regex(TASK_CODE_PATTERN, "pick a task");

export const SwitchParamsSchema = z.object({
  /** Checked in order; the first whose condition holds wins. */
  branches: z
    .array(
      z.object({
        condition: z.string().trim().min(1, "condition is required").max(MAX_EXPRESSION_LENGTH),
        next: code,
      }),
    )
    .max(100)
    .default([]),
  /** Taken when no branch matches; without it, no match fails the task. */
  defaultNext: code.nullable().default(null),
});
export type SwitchParams = z.infer<typeof SwitchParamsSchema>;

export const switchTaskType: TaskTypeDefinition<typeof SwitchParamsSchema> = {
  type: "switch",
  label: "Switch",
  category: "logic",
  description:
    'Continues with the first branch whose condition holds (e.g. ${region} == "eu" && ${n} > 3), else the default branch; the other branches are skipped. Conditions are evaluated safely in the master, never as code.',
  runtime: "master",
  paramsSchema: SwitchParamsSchema,
  defaults: { branches: [], defaultNext: null },
};

export interface SwitchChoice {
  /** 0-based index of the matching branch, or "default". */
  branch: number | "default";
  next: string;
}

/**
 * Picks a switch's branch. Errors name the branch (1-based) and what is wrong with its condition, or
 * say that nothing matched and there is no default; callers prefix the task.
 */
export function chooseSwitchBranch(
  params: SwitchParams,
  vars: Readonly<Record<string, string>>,
): Result<SwitchChoice, string> {
  for (const [i, branch] of params.branches.entries()) {
    const r = evaluateCondition(branch.condition, vars);
    if (!r.ok) return { ok: false, error: `branch ${i + 1} (${branch.condition}): ${r.error}` };
    if (r.value) return { ok: true, value: { branch: i, next: branch.next } };
  }
  if (params.defaultNext)
    return { ok: true, value: { branch: "default", next: params.defaultNext } };
  return {
    ok: false,
    error:
      params.branches.length === 0
        ? "no branches and no default branch"
        : `none of the ${params.branches.length} branch conditions matched and there is no default branch`,
  };
}
