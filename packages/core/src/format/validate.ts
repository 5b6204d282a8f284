import type { z } from "zod";
import { buildDag, findCycles } from "../dag/graph";
import type { Result, ValidationIssue } from "../errors";
import { getTaskType, logicTaskIssues, TASK_TYPES } from "../task-types";
import { type WorkflowDefinition, WorkflowDefinitionSchema } from "./workflow";

function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === "number" ? `[${p}]` : String(p)))
    .join(".")
    .replace(/\.\[/g, "[");
}

function zodIssues(error: z.ZodError, input: unknown): ValidationIssue[] {
  const tasks = (input as { tasks?: unknown } | null)?.tasks;
  return error.issues.map((issue) => {
    const [head, index, ...rest] = issue.path;
    if (head === "tasks" && typeof index === "number" && Array.isArray(tasks)) {
      const raw = tasks[index] as { code?: unknown; name?: unknown } | undefined;
      const code = typeof raw?.code === "string" ? raw.code : undefined;
      const name = typeof raw?.name === "string" ? raw.name : undefined;
      const field = fieldPath(rest);
      const who = name ?? code ?? `#${index + 1}`;
      return {
        code: "invalid_field",
        taskCode: code,
        taskName: name,
        field,
        message: `task "${who}": ${field || "task"}: ${issue.message}`,
      };
    }
    const field = fieldPath(issue.path);
    return { code: "invalid_field", field, message: `${field || "workflow"}: ${issue.message}` };
  });
}

/**
 * Parses and checks a workflow definition in the portable format. Never throws: every problem comes back
 * as an issue naming the task and field (structure, duplicate codes or names, unknown types, bad params,
 * edges to unknown codes, cycles with the tasks on them).
 */
export function validateWorkflow(input: unknown): Result<WorkflowDefinition, ValidationIssue[]> {
  const parsed = WorkflowDefinitionSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: zodIssues(parsed.error, input) };
  const wf = parsed.data;
  const issues: ValidationIssue[] = [];
  const byCode = new Map<string, (typeof wf.tasks)[number]>();
  const names = new Map<string, string>();

  for (const task of wf.tasks) {
    const label = `task "${task.name}"`;
    if (byCode.has(task.code)) {
      issues.push({
        code: "duplicate_code",
        taskCode: task.code,
        taskName: task.name,
        field: "code",
        message: `${label}: code "${task.code}" is used by more than one task`,
      });
    } else byCode.set(task.code, task);
    const other = names.get(task.name);
    if (other !== undefined && other !== task.code) {
      issues.push({
        code: "duplicate_name",
        taskCode: task.code,
        taskName: task.name,
        field: "name",
        message: `${label}: the name is used by more than one task`,
      });
    } else names.set(task.name, task.code);

    const type = getTaskType(task.type);
    if (!type) {
      issues.push({
        code: "unknown_task_type",
        taskCode: task.code,
        taskName: task.name,
        field: "type",
        message: `${label}: unknown task type "${task.type}" (known: ${Object.keys(TASK_TYPES).join(", ")})`,
      });
      continue;
    }
    const params = type.paramsSchema.safeParse(task.params);
    if (!params.success) {
      for (const issue of params.error.issues) {
        const field = fieldPath(["params", ...issue.path]);
        issues.push({
          code: "invalid_params",
          taskCode: task.code,
          taskName: task.name,
          field,
          message: `${label}: ${field}: ${issue.message}`,
        });
      }
    } else {
      task.params = params.data as Record<string, unknown>;
    }
  }

  const seenEdges = new Set<string>();
  for (const [i, edge] of wf.edges.entries()) {
    for (const end of ["from", "to"] as const) {
      if (!byCode.has(edge[end])) {
        const other = byCode.get(end === "from" ? edge.to : edge.from);
        issues.push({
          code: "unknown_edge_task",
          taskCode: other?.code,
          taskName: other?.name,
          field: `edges[${i}].${end}`,
          message: `edge ${edge.from} → ${edge.to}: no task has code "${edge[end]}"`,
        });
      }
    }
    const key = `${edge.from}\u0000${edge.to}`;
    if (seenEdges.has(key)) {
      issues.push({
        code: "duplicate_edge",
        field: `edges[${i}]`,
        message: `edge ${edge.from} → ${edge.to} appears more than once`,
      });
    }
    seenEdges.add(key);
  }

  const dag = buildDag([...byCode.keys()], wf.edges);
  for (const cycle of findCycles(dag)) {
    const names = cycle.map((c) => byCode.get(c)?.name ?? c);
    const first = byCode.get(cycle[0]!);
    issues.push({
      code: "cycle",
      taskCode: first?.code,
      taskName: first?.name,
      field: "edges",
      message: `cycle between tasks: ${[...names, names[0]].join(" → ")}`,
    });
  }

  issues.push(...logicTaskIssues(wf.tasks, dag));

  return issues.length > 0 ? { ok: false, error: issues } : { ok: true, value: wf };
}
