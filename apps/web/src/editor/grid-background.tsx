"use client";

import { useStore, ViewportPortal, type ReactFlowState } from "@xyflow/react";
import type { Rect } from "./render-window";

/** Spacing of the dots in flow units: the snap grid's, so snapped tasks sit on dots. */
const GAP = 16;
/** Dots closer than this on screen (zoomed out) turn into a grey haze; every 4th one is drawn instead. */
const MIN_SCREEN_GAP = 8;

const zoomOf = (s: ReactFlowState) => s.transform[2];

/**
 * The canvas's dot grid: one CSS pattern inside the viewport, under all tasks drawn, so a pan
 * moves it with the tasks and never repaints it (React Flow's <Background> re-renders and repaints a
 * full-screen SVG on every pan frame). It also keeps the viewport one dense compositor layer: without
 * a backdrop under everything drawn, Chrome splits the tasks and long edges scattered over a big
 * graph into dozens of layers (a sparse layer wastes memory), and re-layerising those on every pan
 * frame costs more than drawing them.
 */
export function GridBackground({
  area,
  color = "#cbd5e1",
  fill = "#f8fafc",
}: {
  area: Rect | null;
  color?: string;
  fill?: string;
}) {
  const zoom = useStore(zoomOf);
  if (!area) return null;
  let gap = GAP;
  while (gap * zoom < MIN_SCREEN_GAP) gap *= 4;
  // Dots one screen pixel in radius at any zoom, on multiples of `gap` in flow coordinates.
  const r = 1 / zoom;
  const x = Math.floor(area.x / gap) * gap;
  const y = Math.floor(area.y / gap) * gap;
  return (
    <ViewportPortal>
      <div
        aria-hidden
        data-testid="grid-background"
        className="pointer-events-none absolute"
        style={{
          zIndex: -1,
          left: x - gap / 2,
          top: y - gap / 2,
          width: Math.ceil((area.x + area.width - x) / gap + 1) * gap,
          height: Math.ceil((area.y + area.height - y) / gap + 1) * gap,
          // Opaque: Chrome keeps a layer's text sharp (LCD) only where the layer is known opaque; on
          // a transparent one it gives every task name a layer of its own instead.
          backgroundColor: fill,
          backgroundImage: `radial-gradient(circle at center, ${color} 0, ${color} ${r}px, transparent ${r * 1.5}px)`,
          backgroundSize: `${gap}px ${gap}px`,
        }}
      />
    </ViewportPortal>
  );
}
