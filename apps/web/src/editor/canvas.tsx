"use client";

import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
} from "@xyflow/react";
import { useCallback, useEffect, useRef, type DragEvent } from "react";
import { editorNodeTypes } from "./node-types";
import { DRAG_MIME } from "./palette";
import { useEditorStore } from "./store";
import { NODE_HEIGHT, NODE_WIDTH } from "./types";

/** The editable DAG: drop palette items, connect handles, select and delete. */
export function Canvas() {
  const nodes = useEditorStore((s) => s.nodes);
  const edges = useEditorStore((s) => s.edges);
  const onNodesChange = useEditorStore((s) => s.onNodesChange);
  const onEdgesChange = useEditorStore((s) => s.onEdgesChange);
  const connect = useEditorStore((s) => s.connect);
  const addTask = useEditorStore((s) => s.addTask);
  const graphEpoch = useEditorStore((s) => s.graphEpoch);
  const { screenToFlowPosition, fitView } = useReactFlow();

  // Fit the view whenever the whole graph was replaced (load, import, auto-layout) — only then: fitting
  // after every added node would move the canvas under the user's mouse.
  const fittedEpoch = useRef(0);
  useEffect(() => {
    if (graphEpoch === fittedEpoch.current) return;
    fittedEpoch.current = graphEpoch;
    if (useEditorStore.getState().nodes.length === 0) return;
    requestAnimationFrame(() => void fitView({ padding: 0.25, maxZoom: 1, duration: 0 }));
  }, [graphEpoch, fitView]);

  const onDragOver = useCallback((e: DragEvent) => {
    if (!e.dataTransfer.types.includes(DRAG_MIME)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "move";
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(DRAG_MIME);
      if (!type) return;
      e.preventDefault();
      const p = screenToFlowPosition({ x: e.clientX, y: e.clientY });
      addTask(type, { x: p.x - NODE_WIDTH / 2, y: p.y - NODE_HEIGHT / 2 });
    },
    [screenToFlowPosition, addTask],
  );

  const onConnect = useCallback((c: Connection) => void connect(c), [connect]);

  return (
    <div
      data-testid="canvas"
      className="relative h-full w-full"
      onDragOver={onDragOver}
      onDrop={onDrop}
    >
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={editorNodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        deleteKeyCode={["Delete", "Backspace"]}
        multiSelectionKeyCode={["Meta", "Control", "Shift"]}
        zoomOnDoubleClick={false}
        minZoom={0.2}
        maxZoom={2}
        defaultViewport={{ x: 40, y: 40, zoom: 1 }}
        proOptions={{ hideAttribution: true }}
        defaultEdgeOptions={{ type: "smoothstep" }}
        connectionRadius={30}
      >
        <Background gap={16} color="#cbd5e1" />
        <Controls showInteractive={false} />
        <MiniMap
          pannable
          zoomable
          className="!bg-white"
          nodeColor="#94a3b8"
          style={{ width: 140, height: 90 }}
        />
      </ReactFlow>
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
