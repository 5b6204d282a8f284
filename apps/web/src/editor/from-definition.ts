import type { MarkerType } from "@xyflow/react";
import { PRIORITIES, type Param, type Priority, type TaskDefinition } from "@shoal/core";
import { newTaskCode } from "./codes";
import { autoLayout } from "./layout";
import type { DagEdge, TaskNode, WorkflowMeta } from "./types";

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown, fallback: string) => (typeof v === "string" ? v : fallback);
const int = (v: unknown, fallback: number) =>
  typeof v === "number" && Number.isFinite(v) ? v : fallback;

/**
 * Fills a task's optional fields with the format's defaults without validating anything: the editor must
 * be able to show (and try to save) definitions the server will refuse, so the server's issues show up.
 */
export function normalizeTask(raw: unknown, taken: Set<string>): TaskDefinition {
  const t = isObj(raw) ? raw : {};
  const code = typeof t.code === "string" && t.code !== "" ? t.code : newTaskCode(taken);
  taken.add(code);
  const rawTimeout = isObj(t.timeout) ? t.timeout : null;
  const timeout = rawTimeout
    ? {
        seconds: int(rawTimeout.seconds, 60),
        strategy:
          (["warn", "fail", "warnfail"] as const).find((s) => s === rawTimeout.strategy) ?? "fail",
      }
    : null;
  return {
    code,
    name: str(t.name, code),
    description: str(t.description, ""),
    type: str(t.type, "shell"),
    params: isObj(t.params) ? { ...t.params } : {},
    workerGroup: str(t.workerGroup, "default"),
    priority: (PRIORITIES as readonly string[]).includes(t.priority as string)
      ? (t.priority as Priority)
      : "MEDIUM",
    retries: int(t.retries, 0),
    retryIntervalSeconds: int(t.retryIntervalSeconds, 0),
    timeout,
    delaySeconds: int(t.delaySeconds, 0),
    prohibitExecution: t.prohibitExecution === true,
    localParams: Array.isArray(t.localParams) ? (t.localParams as Param[]) : [],
  };
}

export function edgeId(from: string, to: string): string {
  return `${from}->${to}`;
}

export function makeEdge(from: string, to: string): DagEdge {
  return {
    id: edgeId(from, to),
    source: from,
    target: to,
    type: "smoothstep",
    markerEnd: { type: "arrowclosed" as MarkerType.ArrowClosed, width: 18, height: 18 },
  };
}

export interface CanvasGraph {
  meta: WorkflowMeta;
  nodes: TaskNode[];
  edges: DagEdge[];
}

/**
 * Portable workflow format → editor canvas. Positions come from `layout`; tasks without one are laid
 * out with dagre. Accepts anything JSON-shaped (imports are not validated here).
 */
export function fromDefinition(input: unknown): CanvasGraph {
  const def = isObj(input) ? input : {};
  const taken = new Set<string>();
  const tasks = (Array.isArray(def.tasks) ? def.tasks : []).map((t) => normalizeTask(t, taken));
  const edges = (Array.isArray(def.edges) ? def.edges : [])
    .filter(isObj)
    .map((e) => ({ from: str(e.from, ""), to: str(e.to, "") }));
  const layout = isObj(def.layout) ? def.layout : {};
  const codes = tasks.map((t) => t.code);
  const missing = codes.some((c) => !isObj(layout[c]));
  const auto = missing ? autoLayout(codes, edges) : new Map<string, { x: number; y: number }>();

  const nodes: TaskNode[] = tasks.map((task) => {
    const p = layout[task.code];
    const position = isObj(p)
      ? { x: int(p.x, 0), y: int(p.y, 0) }
      : (auto.get(task.code) ?? { x: 0, y: 0 });
    return { id: task.code, type: "task", position, data: { task } };
  });
  const seen = new Set<string>();
  const flowEdges: DagEdge[] = [];
  for (const e of edges) {
    const id = edgeId(e.from, e.to);
    if (seen.has(id)) continue;
    seen.add(id);
    flowEdges.push(makeEdge(e.from, e.to));
  }
  return {
    meta: {
      name: str(def.name, ""),
      description: str(def.description, ""),
      globalParams: Array.isArray(def.globalParams) ? (def.globalParams as Param[]) : [],
    },
    nodes,
    edges: flowEdges,
  };
}
