"use client";

import { getViewportForBounds, useReactFlow, useStoreApi } from "@xyflow/react";
import { useCallback } from "react";
import { stockCanvas } from "./perf-flags";
import { useEditorStore } from "./store";
import { NODE_HEIGHT, NODE_WIDTH } from "./types";

const STOCK = stockCanvas();

/** The box around every task of the workflow, or null when it has none. */
export function taskBounds(nodes: ReadonlyArray<{ position: { x: number; y: number } }>) {
  if (nodes.length === 0) return null;
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const n of nodes) {
    minX = Math.min(minX, n.position.x);
    minY = Math.min(minY, n.position.y);
    maxX = Math.max(maxX, n.position.x + NODE_WIDTH);
    maxY = Math.max(maxY, n.position.y + NODE_HEIGHT);
  }
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

/**
 * Fits every task of the workflow into the view. React Flow's fitView would fit only the tasks the
 * canvas has handed it (those near the view, see render-window.ts), so the bounds come from the
 * editor's store.
 */
export function useFitAll() {
  const store = useStoreApi();
  const { setViewport, fitView } = useReactFlow();
  return useCallback(
    (opts: { padding: number; maxZoom: number; duration?: number }) => {
      if (STOCK) return void fitView(opts);
      const bounds = taskBounds(useEditorStore.getState().nodes);
      const { minZoom, domNode, ...s } = store.getState();
      // Right after mounting, React Flow may not have measured its pane yet.
      const box = s.width && s.height ? s : domNode?.getBoundingClientRect();
      const { width = 0, height = 0 } = box ?? {};
      if (!bounds || !width || !height) return;
      const vp = getViewportForBounds(bounds, width, height, minZoom, opts.maxZoom, opts.padding);
      void setViewport(vp, { duration: opts.duration ?? 0 });
    },
    [store, setViewport, fitView],
  );
}
