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
import { copyFragment, pasteFragment, PasteError } from "./clipboard";
import { createHistory, record, redo, undo, type History } from "./history";
import type { XY } from "./layout";
import { layoutOffThread } from "./layout-client";
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
  /** Undo/redo stacks of definition-level snapshots (never selection or viewport). */
  history: History<Snapshot>;
  /** An auto-layout is running in the worker. */
  layingOut: boolean;

  load: (definition: unknown, version: number) => void;
  importDefinition: (definition: unknown) => void;
  onNodesChange: (changes: NodeChange<TaskNode>[]) => void;
  onEdgesChange: (changes: EdgeChange<DagEdge>[]) => void;
  connect: (connection: Connection) => boolean;
  addTask: (type: string, position: XYPosition) => TaskNode | null;
  updateTask: (code: string, patch: Partial<Omit<TaskDefinition, "code">>) => void;
  setMeta: (patch: Partial<WorkflowMeta>) => void;
  selectTask: (code: string) => void;
  relayout: () => Promise<void>;
  undo: () => void;
  redo: () => void;
  selectAll: () => void;
  deleteSelected: () => void;
  /** The selection as portable JSON for the clipboard, or null when nothing is selected. */
  copySelection: () => string | null;
  /** Adds the tasks of clipboard text at `at` (flow coordinates); false (with a message) if it holds none. */
  paste: (text: string, at: XY) => boolean;
  duplicateSelection: () => void;
  setMessage: (message: CanvasMessage | null) => void;
  saved: (version: number) => void;
  refused: (issues: ValidationIssue[]) => void;
  setSaveError: (error: string | null) => void;
}

const EMPTY_META: WorkflowMeta = { name: "", description: "", globalParams: [] };

/** What undo restores: the definition-level state. Node objects are immutable, so this shares them. */
export interface Snapshot {
  meta: WorkflowMeta;
  nodes: TaskNode[];
  edges: DagEdge[];
}

const HISTORY_LIMIT = 200;
const snapshot = (s: Pick<EditorState, "meta" | "nodes" | "edges">): Snapshot => ({
  meta: s.meta,
  nodes: s.nodes,
  edges: s.edges,
});
/** A restored snapshot comes back unselected (selection is not history) and not mid-drag. */
const restore = (snap: Snapshot) => ({
  meta: snap.meta,
  nodes: snap.nodes.map((n) =>
    n.selected || n.dragging ? { ...n, selected: false, dragging: false } : n,
  ),
  edges: snap.edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
});

// A node drag arrives as many position changes; the history gets one entry, taken when it starts.
let dragging = false;

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
  history: createHistory<Snapshot>(HISTORY_LIMIT),
  layingOut: false,

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
      history: createHistory<Snapshot>(HISTORY_LIMIT),
    }));
  },

  importDefinition(definition) {
    const g = fromDefinition(definition);
    set((s) => ({
      history: record(s.history, snapshot(s)),
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
    let key: string | null | undefined; // undefined: no history entry
    if (removed.size) key = null;
    else if (changes.some((c) => c.type === "add" || c.type === "replace")) key = null;
    else {
      const moves = changes.filter((c) => c.type === "position");
      if (moves.some((c) => c.dragging)) {
        if (!dragging) key = null;
        dragging = true;
      } else if (moves.length) {
        // The drop that ends a drag belongs to its entry; arrow-key nudges coalesce into one.
        const byId = new Map(get().nodes.map((n) => [n.id, n.position]));
        const moved = moves.some((c) => {
          const was = byId.get(c.id);
          return c.position && was && (c.position.x !== was.x || c.position.y !== was.y);
        });
        if (!dragging && moved) key = "nudge";
        dragging = false;
      }
    }
    set((s) => ({
      history: key === undefined ? s.history : record(s.history, snapshot(s), key, Date.now()),
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
    set((s) => ({
      history: edits ? record(s.history, snapshot(s)) : s.history,
      edges: applyEdgeChanges(changes, s.edges),
      dirty: s.dirty || edits,
    }));
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
    set((s) => ({
      history: record(s.history, snapshot(s)),
      edges: [...s.edges, makeEdge(source, target)],
      dirty: true,
      message: null,
    }));
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
      history: record(s.history, snapshot(s)),
      nodes: [...s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node],
      edges: s.edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
      dirty: true,
    }));
    return node;
  },

  updateTask(code, patch) {
    // Typing into one field is one undo step (edits to the same fields within a second coalesce).
    const key = `task:${code}:${Object.keys(patch).sort().join(",")}`;
    set((s) => ({
      history: record(s.history, snapshot(s), key, Date.now()),
      nodes: s.nodes.map((n) =>
        n.id === code ? { ...n, data: { ...n.data, task: { ...n.data.task, ...patch } } } : n,
      ),
      dirty: true,
    }));
  },

  setMeta(patch) {
    const key = `meta:${Object.keys(patch).sort().join(",")}`;
    set((s) => ({
      history: record(s.history, snapshot(s), key, Date.now()),
      meta: { ...s.meta, ...patch },
      dirty: true,
    }));
  },

  selectTask(code) {
    set((s) => ({
      nodes: s.nodes.map((n) =>
        n.selected !== (n.id === code) ? { ...n, selected: n.id === code } : n,
      ),
      edges: s.edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
    }));
  },

  async relayout() {
    const { nodes, edges, layingOut } = get();
    if (layingOut || nodes.length === 0) return;
    set({ layingOut: true });
    try {
      const pos = await layoutOffThread(
        nodes.map((n) => n.id),
        edges.map((e) => ({ from: e.source, to: e.target })),
      );
      set((s) => ({
        history: record(s.history, snapshot(s)),
        nodes: s.nodes.map((n) => {
          const p = pos.get(n.id);
          return p && (p.x !== n.position.x || p.y !== n.position.y) ? { ...n, position: p } : n;
        }),
        dirty: true,
        graphEpoch: s.graphEpoch + 1,
      }));
    } finally {
      set({ layingOut: false });
    }
  },

  undo() {
    const s = get();
    const step = undo(s.history, snapshot(s));
    if (!step) return;
    dragging = false;
    set({ ...restore(step.state), history: step.history, dirty: true, message: null });
  },

  redo() {
    const s = get();
    const step = redo(s.history, snapshot(s));
    if (!step) return;
    dragging = false;
    set({ ...restore(step.state), history: step.history, dirty: true, message: null });
  },

  selectAll() {
    set((s) => ({
      nodes: s.nodes.map((n) => (n.selected ? n : { ...n, selected: true })),
      edges: s.edges.map((e) => (e.selected ? e : { ...e, selected: true })),
    }));
  },

  deleteSelected() {
    const s = get();
    const gone = new Set(s.nodes.filter((n) => n.selected).map((n) => n.id));
    const edges = s.edges.filter((e) => !e.selected && !gone.has(e.source) && !gone.has(e.target));
    if (gone.size === 0 && edges.length === s.edges.length) return;
    set({
      history: record(s.history, snapshot(s)),
      nodes: gone.size ? s.nodes.filter((n) => !gone.has(n.id)) : s.nodes,
      edges,
      dirty: true,
    });
  },

  copySelection() {
    const { nodes, edges } = get();
    const fragment = copyFragment(nodes, edges);
    return fragment.tasks.length ? JSON.stringify(fragment, null, 2) : null;
  },

  paste(text, at) {
    let pasted: ReturnType<typeof pasteFragment>;
    try {
      pasted = pasteFragment(text, get().nodes, at);
    } catch (error) {
      if (!(error instanceof PasteError)) throw error;
      set({ message: { kind: "error", text: error.message } });
      return false;
    }
    set((s) => ({
      history: record(s.history, snapshot(s)),
      nodes: [...s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...pasted.nodes],
      edges: [...s.edges.map((e) => (e.selected ? { ...e, selected: false } : e)), ...pasted.edges],
      dirty: true,
      message: {
        kind: "info",
        text: `Pasted ${pasted.nodes.length} task${pasted.nodes.length === 1 ? "" : "s"}${
          pasted.edges.length
            ? ` and ${pasted.edges.length} edge${pasted.edges.length === 1 ? "" : "s"}`
            : ""
        }.`,
      },
    }));
    return true;
  },

  duplicateSelection() {
    const s = get();
    const text = s.copySelection();
    if (!text) return;
    const picked = s.nodes.filter((n) => n.selected);
    const x = Math.min(...picked.map((n) => n.position.x)) + 40;
    const y = Math.min(...picked.map((n) => n.position.y)) + 40;
    s.paste(text, { x, y });
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
