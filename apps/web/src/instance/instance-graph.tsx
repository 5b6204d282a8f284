"use client";

import {
  applyNodeChanges,
  Background,
  Controls,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type NodeChange,
  type NodeMouseHandler,
} from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { fromDefinition, type CanvasGraph } from "~/editor/from-definition";
import { instanceNodeTypes } from "~/editor/node-types";
import type { DagEdge, InstanceTaskNode } from "~/editor/types";
import { skipReason, type Skipped } from "./skipped";
import { instanceEdgeTypes, SKIPPED_EDGE_COLOR, type SkippedEdge } from "./skipped-edge";

export interface TaskLive {
  state: string;
  attempt: number;
  /** Why a waiting task waits (shown on hover and under its name). */
  waitReason?: string | null;
}

/** Instance nodes from the graph and live states, keeping what React Flow measured on the previous ones. */
function buildNodes(
  graph: CanvasGraph,
  live: ReadonlyMap<string, TaskLive>,
  skipped: ReadonlyMap<string, Skipped>,
  selectedCode: string | null,
  prev: readonly InstanceTaskNode[],
): InstanceTaskNode[] {
  const old = new Map(prev.map((n) => [n.id, n]));
  return graph.nodes.map((n) => {
    const l = live.get(n.id);
    const skip = skipped.get(n.id);
    const base: InstanceTaskNode = old.get(n.id) ?? {
      id: n.id,
      type: "instanceTask",
      position: n.position,
      draggable: false,
      connectable: false,
      data: { task: n.data.task, state: null, attempt: null, waitReason: null },
    };
    return {
      ...base,
      selected: n.id === selectedCode,
      data: {
        task: n.data.task,
        state: l?.state ?? null,
        attempt: l?.attempt ?? null,
        waitReason: l?.waitReason ?? null,
        skippedBy: skip?.by ?? null,
      },
    };
  });
}

/** Edges into skipped tasks greyed and dashed, saying why on hover and to screen readers. */
function buildEdges(
  graph: CanvasGraph,
  skipped: ReadonlyMap<string, Skipped>,
): (DagEdge | SkippedEdge)[] {
  const names = new Map(graph.nodes.map((n) => [n.id, n.data.task.name]));
  return graph.edges.map((e) => {
    const skip = skipped.get(e.target);
    if (!skip) return e;
    const from = names.get(e.source) ?? e.source;
    const to = names.get(e.target) ?? e.target;
    return {
      ...e,
      type: "skipped",
      className: "skipped-edge",
      data: { hint: `${from} → ${to}: not followed, ${skipReason(skip)}` },
      ariaLabel: `Edge from ${from} to ${to}, not followed: ${skipReason(skip)}`,
      style: { stroke: SKIPPED_EDGE_COLOR, strokeDasharray: "5 4" },
      markerEnd:
        typeof e.markerEnd === "object"
          ? { ...e.markerEnd, color: SKIPPED_EDGE_COLOR }
          : e.markerEnd,
    };
  });
}

/** The pinned definition's DAG, read-only, each task coloured by its latest attempt's state (or shown skipped). */
export function InstanceGraph(props: {
  definition: unknown;
  live: ReadonlyMap<string, TaskLive>;
  skipped: ReadonlyMap<string, Skipped>;
  selectedCode: string | null;
  onSelect: (code: string) => void;
}) {
  return (
    <ReactFlowProvider>
      <Graph {...props} />
    </ReactFlowProvider>
  );
}

function Graph({
  definition,
  live,
  skipped,
  selectedCode,
  onSelect,
}: {
  definition: unknown;
  live: ReadonlyMap<string, TaskLive>;
  skipped: ReadonlyMap<string, Skipped>;
  selectedCode: string | null;
  onSelect: (code: string) => void;
}) {
  const graph = useMemo(() => fromDefinition(definition), [definition]);
  const edges = useMemo(() => buildEdges(graph, skipped), [graph, skipped]);
  const [nodes, setNodes] = useState<InstanceTaskNode[]>(() =>
    buildNodes(graph, live, skipped, selectedCode, []),
  );
  useEffect(() => {
    setNodes((prev) => buildNodes(graph, live, skipped, selectedCode, prev));
  }, [graph, live, skipped, selectedCode]);
  // Controlled nodes must take React Flow's measurements back, or a re-created node stays hidden.
  const onNodesChange = useCallback(
    (changes: NodeChange<InstanceTaskNode>[]) =>
      setNodes((nds) =>
        applyNodeChanges(
          changes.filter((c) => c.type === "dimensions"),
          nds,
        ),
      ),
    [],
  );
  const onNodeClick: NodeMouseHandler = (_, node) => onSelect(node.id);

  // Re-fit when the pane changes size (e.g. the log drawer opens beside it).
  const { fitView } = useReactFlow();
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let first = true;
    const ro = new ResizeObserver(() => {
      if (first) {
        first = false;
        return;
      }
      void fitView({ padding: 0.2, maxZoom: 1 });
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [fitView]);

  return (
    <div ref={box} className="h-full w-full">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={instanceNodeTypes}
        edgeTypes={instanceEdgeTypes}
        onNodesChange={onNodesChange}
        onNodeClick={onNodeClick}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        edgesFocusable={false}
        deleteKeyCode={null}
        zoomOnDoubleClick={false}
        fitView
        fitViewOptions={{ padding: 0.2, maxZoom: 1 }}
        minZoom={0.2}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={16} color="#e2e8f0" />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
