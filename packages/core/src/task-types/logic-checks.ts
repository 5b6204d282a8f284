import type { Dag } from "../dag/graph";
import type { ValidationIssue } from "../errors";
import { ConditionsParamsSchema } from "./conditions";
import { SwitchParamsSchema } from "./switch";

interface TaskLike {
  code: string;
  name: string;
  type: string;
  params: unknown;
}

/**
 * Checks that conditions and switch tasks refer to their neighbours: a condition names a direct
 * upstream task, a branch a direct downstream one (the edge is what orders them in the DAG).
 */
export function logicTaskIssues(tasks: readonly TaskLike[], dag: Dag): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const names = new Map(tasks.map((t) => [t.code, t.name]));
  const label = (code: string) =>
    names.has(code) ? `"${names.get(code)}"` : `"${code}" (no such task)`;
  for (const task of tasks) {
    const issue = (field: string, message: string) =>
      issues.push({
        code: "invalid_branch",
        taskCode: task.code,
        taskName: task.name,
        field,
        message: `task "${task.name}": ${field}: ${message}`,
      });
    const up = dag.upstream.get(task.code) ?? [];
    const down = dag.downstream.get(task.code) ?? [];
    const mustFollow = (field: string, code: string) => {
      if (!down.includes(code))
        issue(
          field,
          `branch task ${label(code)} must be connected after this task (add an edge to it)`,
        );
    };
    if (task.type === "conditions") {
      const p = ConditionsParamsSchema.safeParse(task.params);
      if (!p.success) continue;
      p.data.conditions.forEach((c, i) => {
        if (!up.includes(c.taskCode)) {
          issue(
            `params.conditions[${i}].taskCode`,
            `task ${label(c.taskCode)} must be connected before this task (add an edge from it)`,
          );
        }
      });
      p.data.successNext.forEach((c, i) => mustFollow(`params.successNext[${i}]`, c));
      p.data.failureNext.forEach((c, i) => mustFollow(`params.failureNext[${i}]`, c));
    } else if (task.type === "switch") {
      const p = SwitchParamsSchema.safeParse(task.params);
      if (!p.success) continue;
      p.data.branches.forEach((b, i) => mustFollow(`params.branches[${i}].next`, b.next));
      if (p.data.defaultNext) mustFollow("params.defaultNext", p.data.defaultNext);
    }
  }
  return issues;
}
