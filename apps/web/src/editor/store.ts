import {
  applyEdgeChanges,
  applyNodeChanges,
  type Connection,
  type EdgeChange,
  type NodeChange,
  type XYPosition,
} from "@xyflow/react";
import {
  buildDag,
  getTaskType,
  pathClosedBy,
  type TaskDefinition,
  type ValidationIssue,
} from "@shoal/core";
import { create } from "zustand";
import { defaultTaskName, newTaskCode } from "./codes";
import { fromDefinition, makeEdge } from "./from-definition";
import { autoLayout } from "./layout";
import { toDefinition } from "./to-definition";
import type { DagEdge, TaskNode, WorkflowMeta } from "./types";

export interface CanvasMessage {
  kind: "error" | "info";
  text: string;
}

interface EditorState {
  meta: WorkflowMeta;
  nodes: TaskNode[];
  edges: DagEdge[];
  /** Saved version shown in the badge (0: never saved). */
  version: number;
  dirty: boolean;
  /** Inline message over the canvas (e.g. a refused connection). */
  message: CanvasMessage | null;
  /** Issues of the last refused save, as the server reported them. */
  issues: ValidationIssue[];
  /** Error of the last failed save or run that is not a validation issue. */
  saveError: string | null;
  /** Bumped when the whole graph is replaced, so the canvas can fit it into view. */
  graphEpoch: number;

  load: (definition: unknown, version: number) => void;
  importDefinition: (definition: unknown) => void;
  onNodesChange: (changes: NodeChange<TaskNode>[]) => void;
  onEdgesChange: (changes: EdgeChange<DagEdge>[]) => void;
  connect: (connection: Connection) => boolean;
  addTask: (type: string, position: XYPosition) => TaskNode | null;
  updateTask: (code: string, patch: Partial<Omit<TaskDefinition, "code">>) => void;
  setMeta: (patch: Partial<WorkflowMeta>) => void;
  selectTask: (code: string) => void;
  relayout: () => void;
  setMessage: (message: CanvasMessage | null) => void;
  saved: (version: number) => void;
  refused: (issues: ValidationIssue[]) => void;
  setSaveError: (error: string | null) => void;
}

const EMPTY_META: WorkflowMeta = { name: "", description: "", globalParams: [] };

function withIssues(nodes: TaskNode[], issues: ValidationIssue[]): TaskNode[] {
  const byCode = new Map<string, string[]>();
  for (const i of issues) {
    if (!i.taskCode) continue;
    byCode.set(i.taskCode, [...(byCode.get(i.taskCode) ?? []), i.message]);
  }
  return nodes.map((n) => {
    const mine = byCode.get(n.id);
    if (!mine && !n.data.issues) return n;
    return { ...n, data: { ...n.data, issues: mine } };
  });
}

/** Editor UI state: the canvas graph, selection, dirty flag and the last save's outcome. */
export const useEditorStore = create<EditorState>()((set, get) => ({
  meta: EMPTY_META,
  nodes: [],
  edges: [],
  version: 0,
  dirty: false,
  message: null,
  issues: [],
  saveError: null,
  graphEpoch: 0,

  load(definition, version) {
    const g = fromDefinition(definition);
    set((s) => ({
      meta: g.meta,
      nodes: g.nodes,
      edges: g.edges,
      version,
      dirty: false,
      message: null,
      issues: [],
      saveError: null,
      graphEpoch: s.graphEpoch + 1,
    }));
  },

  importDefinition(definition) {
    const g = fromDefinition(definition);
    set((s) => ({
      meta: { ...s.meta, description: g.meta.description, globalParams: g.meta.globalParams },
      nodes: g.nodes,
      edges: g.edges,
      dirty: true,
      message: {
        kind: "info",
        text: `Imported ${g.nodes.length} tasks and ${g.edges.length} edges (not saved yet).`,
      },
      issues: [],
      saveError: null,
      graphEpoch: s.graphEpoch + 1,
    }));
  },

  onNodesChange(changes) {
    const edits = changes.some((c) => c.type !== "select" && c.type !== "dimensions");
    const removed = new Set(changes.flatMap((c) => (c.type === "remove" ? [c.id] : [])));
    set((s) => ({
      nodes: applyNodeChanges(changes, s.nodes),
      // Edges of removed nodes go too (React Flow also reports them, but don't rely on it).
      edges: removed.size
        ? s.edges.filter((e) => !removed.has(e.source) && !removed.has(e.target))
        : s.edges,
      dirty: s.dirty || edits,
    }));
  },

  onEdgesChange(changes) {
    const edits = changes.some((c) => c.type !== "select");
    set((s) => ({ edges: applyEdgeChanges(changes, s.edges), dirty: s.dirty || edits }));
  },

  connect({ source, target }) {
    const { nodes, edges } = get();
    if (!source || !target) return false;
    const name = (code: string) => nodes.find((n) => n.id === code)?.data.task.name ?? code;
    if (source === target) {
      set({
        message: { kind: "error", text: `A task cannot depend on itself (${name(source)}).` },
      });
      return false;
    }
    if (edges.some((e) => e.source === source && e.target === target)) return false;
    const dag = buildDag(
      nodes.map((n) => n.id),
      edges.map((e) => ({ from: e.source, to: e.target })),
    );
    const path = pathClosedBy(dag, source, target);
    if (path) {
      const cycle = [source, ...path].map(name).join(" → ");
      set({
        message: {
          kind: "error",
          text: `Refused: ${name(source)} → ${name(target)} would close a cycle between tasks: ${cycle}`,
        },
      });
      return false;
    }
    set((s) => ({ edges: [...s.edges, makeEdge(source, target)], dirty: true, message: null }));
    return true;
  },

  addTask(type, position) {
    const taskType = getTaskType(type);
    if (!taskType) return null;
    const { nodes } = get();
    const code = newTaskCode(new Set(nodes.map((n) => n.id)));
    const name = defaultTaskName(type, new Set(nodes.map((n) => n.data.task.name)));
    const task: TaskDefinition = {
      code,
      name,
      description: "",
      type,
      params: structuredClone(taskType.defaults) as Record<string, unknown>,
      workerGroup: "default",
      priority: "MEDIUM",
      retries: 0,
      retryIntervalSeconds: 0,
      timeout: null,
      delaySeconds: 0,
      prohibitExecution: false,
      localParams: [],
    };
    const node: TaskNode = { id: code, type: "task", position, data: { task }, selected: true };
    set((s) => ({
      nodes: [...s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node],
      edges: s.edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
      dirty: true,
    }));
    return node;
  },

  updateTask(code, patch) {
    set((s) => ({
      nodes: s.nodes.map((n) =>
        n.id === code ? { ...n, data: { ...n.data, task: { ...n.data.task, ...patch } } } : n,
      ),
      dirty: true,
    }));
  },

  setMeta(patch) {
    set((s) => ({ meta: { ...s.meta, ...patch }, dirty: true }));
  },

  selectTask(code) {
    set((s) => ({
      nodes: s.nodes.map((n) =>
        n.selected !== (n.id === code) ? { ...n, selected: n.id === code } : n,
      ),
      edges: s.edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
    }));
  },

  relayout() {
    const { nodes, edges } = get();
    const pos = autoLayout(
      nodes.map((n) => n.id),
      edges.map((e) => ({ from: e.source, to: e.target })),
    );
    set((s) => ({
      nodes: s.nodes.map((n) => ({ ...n, position: pos.get(n.id) ?? n.position })),
      dirty: true,
      graphEpoch: s.graphEpoch + 1,
    }));
  },

  setMessage(message) {
    set({ message });
  },

  saved(version) {
    set((s) => ({
      version,
      dirty: false,
      issues: [],
      saveError: null,
      nodes: withIssues(s.nodes, []),
    }));
  },

  refused(issues) {
    set((s) => ({ issues, saveError: null, nodes: withIssues(s.nodes, issues) }));
  },

  setSaveError(saveError) {
    set({ saveError });
  },
}));

/** The current canvas as a portable definition. */
export function currentDefinition() {
  const { meta, nodes, edges } = useEditorStore.getState();
  return toDefinition(meta, nodes, edges);
}
