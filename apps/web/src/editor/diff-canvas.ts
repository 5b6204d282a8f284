import { diffWorkflows, type WorkflowDiff } from "@shoal/core";
import { fromDefinition, makeEdge } from "./from-definition";
import type { DagEdge, TaskNode } from "./types";
import type { DiffMark } from "./view-mode";

export interface DiffCanvas {
  diff: WorkflowDiff;
  marks: Map<string, DiffMark>;
  nodes: TaskNode[];
  edges: DagEdge[];
}

const ADDED_EDGE = { stroke: "#10b981", strokeWidth: 2.5 };
const REMOVED_EDGE = { stroke: "#ef4444", strokeWidth: 2, strokeDasharray: "6 4" };

/**
 * The canvas for "what changed from `before` to `after`": `after`'s tasks plus `before`'s removed ones
 * (at their old positions), marked added/removed/changed, with added edges green and removed ones red.
 */
export function diffCanvas(before: unknown, after: unknown): DiffCanvas {
  const a = fromDefinition(before);
  const b = fromDefinition(after);
  const toDef = (g: typeof a) => ({
    name: g.meta.name,
    description: g.meta.description,
    globalParams: g.meta.globalParams,
    tasks: g.nodes.map((n) => n.data.task),
    edges: g.edges.map((e) => ({ from: e.source, to: e.target })),
  });
  const diff = diffWorkflows(toDef(a), toDef(b));
  const marks = new Map<string, DiffMark>();
  for (const t of diff.tasksAdded) marks.set(t.code, "added");
  for (const t of diff.tasksChanged) marks.set(t.code, "changed");
  for (const t of diff.tasksRemoved) marks.set(t.code, "removed");

  const removed = new Set(diff.tasksRemoved.map((t) => t.code));
  const nodes = [...b.nodes, ...a.nodes.filter((n) => removed.has(n.id))];
  const added = new Set(diff.edgesAdded.map((e) => `${e.from}->${e.to}`));
  const edges: DagEdge[] = [
    ...b.edges.map((e) => (added.has(e.id) ? { ...e, style: ADDED_EDGE } : e)),
    ...diff.edgesRemoved.map((e) => ({
      ...makeEdge(e.from, e.to),
      id: `removed:${e.from}->${e.to}`,
      style: REMOVED_EDGE,
    })),
  ];
  return { diff, marks, nodes, edges };
}
