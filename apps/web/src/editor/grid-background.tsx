"use client";

import { useStoreApi } from "@xyflow/react";
import { useLayoutEffect, useRef } from "react";

/** Spacing of the dots in flow units: the snap grid's, so snapped tasks sit on dots. */
const GAP = 16;
/** Dots closer than this on screen (zoomed out) turn into a grey haze; every 4th one is drawn instead. */
const MIN_SCREEN_GAP = 8;

/**
 * The canvas's dot grid, drawn as one CSS pattern on its own compositor layer that is moved, never
 * repainted, while the view pans: the layer is one tile larger than the pane on each side and is
 * shifted by the pan offset modulo the tile. React Flow's <Background> re-renders and repaints a
 * full-screen SVG pattern on every pan frame instead — most of a pan frame's cost on a 1000-task
 * graph in a software-rendered browser. Only a zoom changes the pattern (and so repaints it).
 */
export function GridBackground({ color = "#cbd5e1" }: { color?: string }) {
  const store = useStoreApi();
  const ref = useRef<HTMLDivElement>(null);

  // Written to the DOM from a store subscription, as React Flow's own viewport does: a pan frame
  // must not re-render React.
  useLayoutEffect(() => {
    let last = { tx: NaN, ty: NaN, zoom: NaN };
    const apply = () => {
      const el = ref.current;
      const [tx, ty, zoom] = store.getState().transform;
      if (!el || (tx === last.tx && ty === last.ty && zoom === last.zoom)) return;
      let gap = GAP * zoom;
      while (gap < MIN_SCREEN_GAP) gap *= 4;
      if (zoom !== last.zoom) {
        el.style.backgroundSize = `${gap}px ${gap}px`;
        el.style.inset = `${-gap}px`;
      }
      last = { tx, ty, zoom };
      // A dot sits at each tile's centre; put one on the flow origin (screen tx, ty).
      const mod = (v: number) => (((v - gap / 2) % gap) + gap) % gap;
      el.style.transform = `translate3d(${mod(tx)}px, ${mod(ty)}px, 0)`;
    };
    apply();
    return store.subscribe(apply);
  }, [store]);

  return (
    <div
      ref={ref}
      aria-hidden
      data-testid="grid-background"
      className="pointer-events-none absolute will-change-transform"
      style={{
        zIndex: -1,
        backgroundImage: `radial-gradient(circle at center, ${color} 0, ${color} 1px, transparent 1.5px)`,
      }}
    />
  );
}
