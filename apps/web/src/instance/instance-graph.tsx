"use client";

import { Background, Controls, ReactFlow, type NodeMouseHandler } from "@xyflow/react";
import { useMemo } from "react";
import { fromDefinition } from "~/editor/from-definition";
import { instanceNodeTypes } from "~/editor/node-types";
import type { InstanceTaskNode } from "~/editor/types";

export interface TaskLive {
  state: string;
  attempt: number;
}

/** The pinned definition's DAG, read-only, each task coloured by its latest attempt's state. */
export function InstanceGraph({
  definition,
  live,
  selectedCode,
  onSelect,
}: {
  definition: unknown;
  live: ReadonlyMap<string, TaskLive>;
  selectedCode: string | null;
  onSelect: (code: string) => void;
}) {
  const graph = useMemo(() => fromDefinition(definition), [definition]);
  const nodes = useMemo<InstanceTaskNode[]>(
    () =>
      graph.nodes.map((n) => {
        const l = live.get(n.id);
        return {
          id: n.id,
          type: "instanceTask",
          position: n.position,
          selected: n.id === selectedCode,
          draggable: false,
          connectable: false,
          data: { task: n.data.task, state: l?.state ?? null, attempt: l?.attempt ?? null },
        };
      }),
    [graph, live, selectedCode],
  );
  const onNodeClick: NodeMouseHandler = (_, node) => onSelect(node.id);
  return (
    <ReactFlow
      nodes={nodes}
      edges={graph.edges}
      nodeTypes={instanceNodeTypes}
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
  );
}
