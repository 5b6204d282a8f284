import type { WorkflowDefinition } from "@shoal/core";
import type { DagEdge, TaskNode, WorkflowMeta } from "./types";

/**
 * Editor canvas → portable workflow format (tasks in canvas order, edges by code, positions as
 * `layout`). Pure; validation is the server's job (`validateWorkflow`), so this never refuses.
 */
export function toDefinition(
  meta: WorkflowMeta,
  nodes: readonly TaskNode[],
  edges: readonly DagEdge[],
): WorkflowDefinition {
  const layout: Record<string, { x: number; y: number }> = {};
  for (const n of nodes)
    layout[n.id] = { x: Math.round(n.position.x), y: Math.round(n.position.y) };
  return {
    name: meta.name,
    description: meta.description,
    globalParams: meta.globalParams,
    tasks: nodes.map((n) => ({ ...n.data.task, code: n.id })),
    edges: edges.map((e) => ({ from: e.source, to: e.target })),
    layout,
  };
}
