"use client";

import { Position, useStoreApi, type NodeHandle } from "@xyflow/react";
import { useEffect, useMemo, useState } from "react";
import { taskBounds } from "./fit-all";
import { grow, needsNewWindow, tasksInWindow, union, viewRect, type Rect } from "./render-window";
import { useEditorStore } from "./store";
import { NODE_HEIGHT, NODE_WIDTH, type TaskNode } from "./types";

/** Where a task's handles sit (globals.css draws them 10px, centred on its left and right edges). */
const HANDLE = 10;
const HANDLE_Y = (NODE_HEIGHT - HANDLE) / 2;
const TASK_HANDLES: NodeHandle[] = [
  {
    type: "target",
    position: Position.Left,
    x: -HANDLE / 2,
    y: HANDLE_Y,
    width: HANDLE,
    height: HANDLE,
  },
  {
    type: "source",
    position: Position.Right,
    x: NODE_WIDTH - HANDLE / 2,
    y: HANDLE_Y,
    width: HANDLE,
    height: HANDLE,
  },
];

/**
 * Tasks have a fixed size (NODE_WIDTH × NODE_HEIGHT), so React Flow is given it and their handles up
 * front: otherwise it keeps each mounted task hidden until a ResizeObserver has measured it and a
 * "dimensions" change went through the store and re-rendered the canvas — a whole extra round on
 * open. `measured` too: only then does React Flow count the nodes as initialised (a queued fitView
 * waits for that). Cached per node object so unchanged nodes stay identical for React Flow.
 */
const SIZE = { width: NODE_WIDTH, height: NODE_HEIGHT };
const sized = new WeakMap<TaskNode, TaskNode>();
const sizedHidden = new WeakMap<TaskNode, TaskNode>();
function withSize(n: TaskNode, hidden = false): TaskNode {
  const cache = hidden ? sizedHidden : sized;
  let s = cache.get(n);
  if (!s) {
    s = { ...n, width: NODE_WIDTH, height: NODE_HEIGHT, measured: SIZE, handles: TASK_HANDLES };
    if (hidden) s.hidden = true;
    cache.set(n, s);
  }
  return s;
}

/** How far a drawn edge may bend beyond the tasks it joins (smoothstep offsets, arrowheads). */
const EDGE_SLACK = 64;

/** Overscan of the render window: this share of the view's width and height on every side. */
const WINDOW_MARGIN = 0.25;

/**
 * The render window (see render-window.ts): follows React Flow's viewport through a store
 * subscription and changes — re-rendering the canvas — only when the view leaves it.
 */
function useRenderWindow(enabled: boolean): Rect | null {
  const store = useStoreApi();
  const [win, setWin] = useState<Rect | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let current: Rect | null = null;
    const check = () => {
      const { transform, width, height } = store.getState();
      if (!width || !height) return;
      const view = viewRect(transform, width, height);
      if (!needsNewWindow(current, view, WINDOW_MARGIN)) return;
      current = grow(view, WINDOW_MARGIN);
      setWin(current);
    };
    check();
    return store.subscribe(check);
  }, [store, enabled]);
  return win;
}

/**
 * What React Flow gets: the tasks in the render window with their edges, plus selected tasks outside
 * it as hidden nodes (not mounted, but a drag still moves the whole selection).
 */
export function useRenderedGraph(stock: boolean) {
  const nodes = useEditorStore((s) => s.nodes);
  const edges = useEditorStore((s) => s.edges);
  const win = useRenderWindow(!stock);
  return useMemo(() => {
    if (stock) return { nodes, edges, area: null };
    if (!win) return { nodes: [], edges: [], area: null };
    const ids = tasksInWindow(nodes, edges, win, SIZE);
    const shown: TaskNode[] = [];
    for (const n of nodes) {
      if (ids.has(n.id)) shown.push(withSize(n));
      else if (n.selected) shown.push(withSize(n, true));
    }
    const shownEdges = edges.filter((e) => ids.has(e.source) && ids.has(e.target));
    // What the grid must cover: the window, and every task drawn (with its edges) beyond it.
    const drawn = taskBounds(shown.filter((n) => !n.hidden));
    const area = drawn ? union(win, grow(drawn, 0, EDGE_SLACK)) : win;
    return { nodes: shown, edges: shownEdges, area };
  }, [nodes, edges, win, stock]);
}
