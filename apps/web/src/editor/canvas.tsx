"use client";

import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  SelectionMode,
  useReactFlow,
  type Connection,
} from "@xyflow/react";
import { useCallback, useEffect, useRef, useState, type DragEvent, type PointerEvent } from "react";
import {
  FIT_ALL_MAX_TASKS,
  lastPointer,
  stockCanvas,
  useCanvasSettings,
  useMiniMapShown,
} from "./canvas-settings";
import { CanvasToolbar } from "./canvas-toolbar";
import { editorNodeTypes } from "./node-types";
import { DRAG_MIME } from "./palette";
import { SearchBox } from "./search-box";
import { ShortcutsHelp, useEditorShortcuts } from "./shortcuts";
import { useEditorStore } from "./store";
import { NODE_HEIGHT, NODE_WIDTH } from "./types";
import { useViewMode } from "./view-mode";

const PAN_BUTTONS = [1, 2]; // middle and right mouse; the left one box-selects
const SNAP_GRID: [number, number] = [16, 16];
const FIT = { padding: 0.25, maxZoom: 1, duration: 0 } as const;
/** How many of the first (leftmost) tasks a big graph's first view shows. */
const FIRST_VIEW_TASKS = 40;

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
  const { screenToFlowPosition, fitView } = useReactFlow();
  useEditorShortcuts();

  // Fit the view whenever the whole graph was replaced (load, import, auto-layout) — only then: fitting
  // after every added node would move the canvas under the user's mouse. A big graph opens on its
  // first tasks at a readable zoom instead of a fog of thousands of dots.
  const fittedEpoch = useRef(0);
  useEffect(() => {
    if (graphEpoch === fittedEpoch.current) return;
    fittedEpoch.current = graphEpoch;
    const all = useEditorStore.getState().nodes;
    if (all.length === 0) return;
    const first =
      !stock && all.length > FIT_ALL_MAX_TASKS
        ? [...all]
            .sort((a, b) => a.position.x - b.position.x || a.position.y - b.position.y)
            .slice(0, FIRST_VIEW_TASKS)
            .map((n) => ({ id: n.id }))
        : undefined;
    requestAnimationFrame(
      () => void fitView({ ...FIT, nodes: first, minZoom: first ? 0.6 : undefined }),
    );
  }, [graphEpoch, fitView, stock]);

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
      data-testid="canvas"
      data-task-count={nodes.length}
      className="relative h-full w-full"
      onDragOver={onDragOver}
      onDrop={onDrop}
      onPointerMove={onPointerMove}
      onPointerLeave={onPointerLeave}
    >
      <ReactFlow
        nodes={nodes}
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
