import { z } from "zod";
import type { TaskTypeDefinition } from "./types";

export const SubWorkflowParamsSchema = z.object({
  /** A workflow of the same project. */
  workflowId: z.uuid("pick a workflow"),
  /** A pinned version; null runs the version that is current when the task starts. */
  version: z.number().int().min(1).nullable().default(null),
});
export type SubWorkflowParams = z.infer<typeof SubWorkflowParamsSchema>;

export const subWorkflowTaskType: TaskTypeDefinition<typeof SubWorkflowParamsSchema> = {
  type: "sub_workflow",
  label: "Sub-workflow",
  category: "logic",
  description:
    "Runs another workflow of this project as a child instance with this instance's params; the task ends as the child does. Stop and pause reach the child.",
  runtime: "master",
  paramsSchema: SubWorkflowParamsSchema,
  // workflowId must be picked before the workflow can be saved.
  defaults: { workflowId: "", version: null },
};

/** The sub-workflow references of one workflow version: task code, name and the referenced workflow. */
export interface SubWorkflowRef {
  taskCode: string;
  taskName: string;
  workflowId: string;
  version: number | null;
}

/** The sub_workflow tasks of a definition (tasks whose params do not parse are left to validation). */
export function subWorkflowRefs(
  tasks: ReadonlyArray<{ code: string; name: string; type: string; params: unknown }>,
): SubWorkflowRef[] {
  const refs: SubWorkflowRef[] = [];
  for (const t of tasks) {
    if (t.type !== subWorkflowTaskType.type) continue;
    const p = SubWorkflowParamsSchema.safeParse(t.params);
    if (p.success)
      refs.push({
        taskCode: t.code,
        taskName: t.name,
        workflowId: p.data.workflowId,
        version: p.data.version,
      });
  }
  return refs;
}

/**
 * Finds a chain of sub-workflows from `start` back to `self` (the workflow being saved), following
 * `refsOf` (the references of a workflow version, loaded by the caller). Returns the workflow ids on the
 * path, `start` first and `self` last, or null when the reference does not lead back.
 */
export async function findSubWorkflowLoop(
  self: string,
  start: string,
  refsOf: (workflowId: string, version: number | null) => Promise<SubWorkflowRef[]>,
  startVersion: number | null = null,
): Promise<string[] | null> {
  const seen = new Set<string>();
  const walk = async (
    id: string,
    version: number | null,
    path: string[],
  ): Promise<string[] | null> => {
    if (id === self) return [...path, id];
    const key = `${id}@${version ?? "current"}`;
    if (seen.has(key)) return null;
    seen.add(key);
    for (const ref of await refsOf(id, version)) {
      const found = await walk(ref.workflowId, ref.version, [...path, id]);
      if (found) return found;
    }
    return null;
  };
  return walk(start, startVersion, []);
}
