"use client";

import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  SelectionMode,
  useReactFlow,
  type Connection,
  type Viewport,
} from "@xyflow/react";
import { useCallback, useEffect, useRef, useState, type DragEvent, type PointerEvent } from "react";
import { CanvasMiniMap } from "./canvas-minimap";
import { lastPointer, useCanvasSettings } from "./canvas-settings";
import { CanvasToolbar } from "./canvas-toolbar";
import { taskBounds, useFitAll } from "./fit-all";
import { GridBackground } from "./grid-background";
import { editorNodeTypes } from "./node-types";
import { DRAG_MIME } from "./palette";
import { benchHook, stockCanvas } from "./perf-flags";
import { useRenderedGraph } from "./rendered-graph";
import { SearchBox } from "./search-box";
import { ShortcutsHelp, useEditorShortcuts } from "./shortcuts";
import { useEditorStore } from "./store";
import { NODE_HEIGHT, NODE_WIDTH } from "./types";
import { useViewMode } from "./view-mode";

const PAN_BUTTONS = [1, 2]; // middle and right mouse; the left one box-selects
const SNAP_GRID: [number, number] = [16, 16];
const FIT = { padding: 0.25, maxZoom: 1, duration: 0 } as const;
/** A graph that fits the view only below this zoom opens at its top-left corner instead, readable. */
const MIN_FIT_ZOOM = 0.4;
const FIRST_VIEW_ZOOM = 0.8;

/** The editable DAG: drop palette items, connect handles, box-select, and the canvas's own controls. */
export function Canvas() {
  const taskCount = useEditorStore((s) => s.nodes.length);
  const onNodesChange = useEditorStore((s) => s.onNodesChange);
  const onEdgesChange = useEditorStore((s) => s.onEdgesChange);
  const connect = useEditorStore((s) => s.connect);
  const addTask = useEditorStore((s) => s.addTask);
  const graphEpoch = useEditorStore((s) => s.graphEpoch);
  const readOnly = useViewMode((s) => s.readOnly);
  const snapToGrid = useCanvasSettings((s) => s.snapToGrid);
  const miniMap = useCanvasSettings((s) => s.showMiniMap);
  const [stock] = useState(stockCanvas);
  const rendered = useRenderedGraph(stock);
  const { screenToFlowPosition, setViewport } = useReactFlow();
  const fitAll = useFitAll();
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
    const bounds = taskBounds(useEditorStore.getState().nodes);
    if (!bounds) return;
    const box = wrapper.current?.getBoundingClientRect();
    const fitZoom = box ? Math.min(box.width / bounds.width, box.height / bounds.height) / 1.25 : 1;
    if (stock) {
      // React Flow's fitView waits for its nodes to be measured.
      requestAnimationFrame(() => fitAll(FIT));
    } else if (fitZoom >= MIN_FIT_ZOOM) {
      fitAll(FIT);
    } else {
      void setViewport({
        x: 40 - bounds.x * FIRST_VIEW_ZOOM,
        y: 40 - bounds.y * FIRST_VIEW_ZOOM,
        zoom: FIRST_VIEW_ZOOM,
      });
    }
  }, [graphEpoch, fitAll, setViewport, stock]);

  // The viewport is its own compositor layer (globals.css), which keeps the raster scale it had when
  // it was promoted: after a zoom, demote it for two frames so tasks are redrawn sharp at the new scale.
  const rasterZoom = useRef<number | null>(null);
  const onMoveEnd = useCallback((_: unknown, vp: Viewport) => {
    if (rasterZoom.current === vp.zoom) return;
    rasterZoom.current = vp.zoom;
    const el = wrapper.current?.querySelector<HTMLElement>(".react-flow__viewport");
    if (!el) return;
    el.style.willChange = "auto";
    requestAnimationFrame(() => requestAnimationFrame(() => (el.style.willChange = "")));
  }, []);

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
      data-task-count={taskCount}
      className="shoal-canvas relative h-full w-full"
      onDragOver={onDragOver}
      onDrop={onDrop}
      onPointerMove={onPointerMove}
      onPointerLeave={onPointerLeave}
    >
      <ReactFlow
        nodes={rendered.nodes}
        edges={rendered.edges}
        nodeTypes={editorNodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onMoveEnd={stock ? undefined : onMoveEnd}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        // The editor's own Delete handler removes nodes and edges as one undo step.
        deleteKeyCode={null}
        multiSelectionKeyCode={["Meta", "Control", "Shift"]}
        // Culling is the render window's job (useRenderedGraph); React Flow's own would redo it per frame.
        onlyRenderVisibleElements={false}
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
        <Controls showInteractive={false} />
        {stock ? (
          <>
            <Background gap={16} color="#cbd5e1" />
            <MiniMap pannable zoomable nodeColor="#94a3b8" style={{ width: 160, height: 100 }} />
          </>
        ) : (
          <>
            <GridBackground area={rendered.area} />
            {miniMap && <CanvasMiniMap />}
          </>
        )}
      </ReactFlow>
      <CanvasToolbar />
      <SearchBox />
      <ShortcutsHelp />
      {taskCount === 0 && (
        <div className="pointer-events-none absolute inset-0 flex items-center justify-center">
          <p className="rounded-lg bg-white/90 px-4 py-3 text-sm text-slate-500 shadow-sm ring-1 ring-slate-200">
            Drag a task type from the palette onto the canvas — or import a JSON definition.
          </p>
        </div>
      )}
    </div>
  );
}
