"use client";

import {
  Background,
  Controls,
  MiniMap,
  Position,
  ReactFlow,
  SelectionMode,
  useReactFlow,
  type Connection,
  type NodeHandle,
} from "@xyflow/react";
import {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type DragEvent,
  type PointerEvent,
} from "react";
import { lastPointer, useCanvasSettings, useMiniMapShown } from "./canvas-settings";
import { CanvasToolbar } from "./canvas-toolbar";
import { editorNodeTypes } from "./node-types";
import { DRAG_MIME } from "./palette";
import { benchHook, stockCanvas } from "./perf-flags";
import { SearchBox } from "./search-box";
import { ShortcutsHelp, useEditorShortcuts } from "./shortcuts";
import { useEditorStore } from "./store";
import { NODE_HEIGHT, NODE_WIDTH, type TaskNode } from "./types";
import { useViewMode } from "./view-mode";

const PAN_BUTTONS = [1, 2]; // middle and right mouse; the left one box-selects
const SNAP_GRID: [number, number] = [16, 16];
const FIT = { padding: 0.25, maxZoom: 1, duration: 0 } as const;
/** A graph that fits the view only below this zoom opens at its top-left corner instead, readable. */
const MIN_FIT_ZOOM = 0.4;
const FIRST_VIEW_ZOOM = 0.8;

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
function withSize(n: TaskNode): TaskNode {
  let s = sized.get(n);
  if (!s) {
    s = { ...n, width: NODE_WIDTH, height: NODE_HEIGHT, measured: SIZE, handles: TASK_HANDLES };
    sized.set(n, s);
  }
  return s;
}

/** The editable DAG: drop palette items, connect handles, box-select, and the canvas's own controls. */
export function Canvas() {
  const nodes = useEditorStore((s) => s.nodes);
  const edges = useEditorStore((s) => s.edges);
  const onNodesChange = useEditorStore((s) => s.onNodesChange);
  const onEdgesChange = useEditorStore((s) => s.onEdgesChange);
  const connect = useEditorStore((s) => s.connect);
  const addTask = useEditorStore((s) => s.addTask);
  const graphEpoch = useEditorStore((s) => s.graphEpoch);
  const readOnly = useViewMode((s) => s.readOnly);
  const snapToGrid = useCanvasSettings((s) => s.snapToGrid);
  const miniMap = useMiniMapShown();
  const [stock] = useState(stockCanvas);
  const shownNodes = useMemo(() => (stock ? nodes : nodes.map(withSize)), [nodes, stock]);
  const { screenToFlowPosition, fitView, setViewport } = useReactFlow();
  useEditorShortcuts();
  useEffect(() => {
    if (benchHook()) Object.assign(window, { shoalEditor: useEditorStore });
  }, []);

  // Fit the view whenever the whole graph was replaced (load, import, auto-layout) — only then: fitting
  // after every added node would move the canvas under the user's mouse. A big graph opens on its
  // start (top-left) at a readable zoom instead of a fog of thousands of dots; F fits it all.
  const fittedEpoch = useRef(0);
  const wrapper = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (graphEpoch === fittedEpoch.current) return;
    fittedEpoch.current = graphEpoch;
    const all = useEditorStore.getState().nodes;
    if (all.length === 0) return;
    let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const n of all) {
      minX = Math.min(minX, n.position.x);
      minY = Math.min(minY, n.position.y);
      maxX = Math.max(maxX, n.position.x + NODE_WIDTH);
      maxY = Math.max(maxY, n.position.y + NODE_HEIGHT);
    }
    const box = wrapper.current?.getBoundingClientRect();
    const fitZoom = box
      ? Math.min(box.width / (maxX - minX), box.height / (maxY - minY)) / 1.25
      : 1;
    if (stock || fitZoom >= MIN_FIT_ZOOM) {
      requestAnimationFrame(() => void fitView(FIT));
      return;
    }
    void setViewport({
      x: 40 - minX * FIRST_VIEW_ZOOM,
      y: 40 - minY * FIRST_VIEW_ZOOM,
      zoom: FIRST_VIEW_ZOOM,
    });
  }, [graphEpoch, fitView, setViewport, stock]);

  const onDragOver = useCallback((e: DragEvent) => {
    if (!e.dataTransfer.types.includes(DRAG_MIME)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "move";
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(DRAG_MIME);
      if (!type || useViewMode.getState().readOnly) return;
      e.preventDefault();
      const p = screenToFlowPosition({ x: e.clientX, y: e.clientY });
      addTask(type, { x: p.x - NODE_WIDTH / 2, y: p.y - NODE_HEIGHT / 2 });
    },
    [screenToFlowPosition, addTask],
  );

  const onConnect = useCallback((c: Connection) => void connect(c), [connect]);
  const onPointerMove = useCallback((e: PointerEvent) => {
    lastPointer.x = e.clientX;
    lastPointer.y = e.clientY;
    lastPointer.inside = true;
  }, []);
  const onPointerLeave = useCallback(() => void (lastPointer.inside = false), []);

  return (
    <div
      ref={wrapper}
      data-testid="canvas"
      data-task-count={nodes.length}
      className="relative h-full w-full"
      onDragOver={onDragOver}
      onDrop={onDrop}
      onPointerMove={onPointerMove}
      onPointerLeave={onPointerLeave}
    >
      <ReactFlow
        nodes={shownNodes}
        edges={edges}
        nodeTypes={editorNodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        // The editor's own Delete handler removes nodes and edges as one undo step.
        deleteKeyCode={null}
        multiSelectionKeyCode={["Meta", "Control", "Shift"]}
        onlyRenderVisibleElements={!stock}
        selectionOnDrag={!stock}
        panOnDrag={stock ? true : PAN_BUTTONS}
        panOnScroll={!stock}
        panActivationKeyCode="Space"
        selectionMode={SelectionMode.Partial}
        snapToGrid={snapToGrid}
        snapGrid={SNAP_GRID}
        zoomOnDoubleClick={false}
        minZoom={0.05}
        maxZoom={2}
        defaultViewport={{ x: 40, y: 40, zoom: 1 }}
        proOptions={{ hideAttribution: true }}
        defaultEdgeOptions={{ type: "smoothstep" }}
        connectionRadius={30}
      >
        <Background gap={16} color="#cbd5e1" />
        <Controls showInteractive={false} />
        {(miniMap || stock) && (
          <MiniMap
            pannable
            zoomable
            className="!bg-white"
            nodeColor="#94a3b8"
            style={{ width: 140, height: 90 }}
          />
        )}
      </ReactFlow>
      <CanvasToolbar />
      <SearchBox />
      <ShortcutsHelp />
      {nodes.length === 0 && (
        <div className="pointer-events-none absolute inset-0 flex items-center justify-center">
          <p className="rounded-lg bg-white/90 px-4 py-3 text-sm text-slate-500 shadow-sm ring-1 ring-slate-200">
            Drag a task type from the palette onto the canvas — or import a JSON definition.
          </p>
        </div>
      )}
    </div>
  );
}
