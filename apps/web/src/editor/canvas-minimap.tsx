"use client";

import { Panel, useReactFlow, useStoreApi, type ReactFlowState } from "@xyflow/react";
import { useLayoutEffect, useRef, type PointerEvent, type WheelEvent } from "react";
import { useEditorStore } from "./store";
import { NODE_HEIGHT, NODE_WIDTH, type TaskNode } from "./types";

const WIDTH = 160;
const HEIGHT = 100;
const PAD = 4;
const TASK = "#94a3b8";
const SELECTED = "#0284c7";
const VIEW = "#0f172a";

interface Frame {
  /** Flow coordinates of the minimap's top-left corner, and minimap pixels per flow unit. */
  x: number;
  y: number;
  scale: number;
}

type View = Pick<ReactFlowState, "transform" | "width" | "height">;

/** What the minimap shows: every task and the view, scaled to fit with the same margin all round. */
function frameOf(nodes: readonly TaskNode[], s: View): Frame {
  const [tx, ty, zoom] = s.transform;
  let [minX, minY] = [-tx / zoom, -ty / zoom];
  let [maxX, maxY] = [minX + s.width / zoom, minY + s.height / zoom];
  for (const n of nodes) {
    minX = Math.min(minX, n.position.x);
    minY = Math.min(minY, n.position.y);
    maxX = Math.max(maxX, n.position.x + NODE_WIDTH);
    maxY = Math.max(maxY, n.position.y + NODE_HEIGHT);
  }
  const scale = Math.min(
    (WIDTH - 2 * PAD) / Math.max(1, maxX - minX),
    (HEIGHT - 2 * PAD) / Math.max(1, maxY - minY),
  );
  // Centre the content in the box.
  const x = (minX + maxX) / 2 - WIDTH / 2 / scale;
  const y = (minY + maxY) / 2 - HEIGHT / 2 / scale;
  return { x, y, scale };
}

function draw(ctx: CanvasRenderingContext2D, nodes: readonly TaskNode[], s: View, f: Frame) {
  ctx.clearRect(0, 0, WIDTH, HEIGHT);
  const at = (vx: number, vy: number) => [(vx - f.x) * f.scale, (vy - f.y) * f.scale] as const;
  // One path per colour: a 5000-task graph is two fills, not 5000 elements to repaint.
  for (const selected of [false, true]) {
    ctx.beginPath();
    const w = Math.max(1, NODE_WIDTH * f.scale);
    const h = Math.max(1, NODE_HEIGHT * f.scale);
    for (const n of nodes) {
      if (!!n.selected !== selected) continue;
      const [x, y] = at(n.position.x, n.position.y);
      ctx.rect(x, y, w, h);
    }
    ctx.fillStyle = selected ? SELECTED : TASK;
    ctx.fill();
  }
  const [tx, ty, zoom] = s.transform;
  const [vx, vy] = at(-tx / zoom, -ty / zoom);
  const [vw, vh] = [(s.width / zoom) * f.scale, (s.height / zoom) * f.scale];
  // Dim what lies outside the view.
  ctx.fillStyle = "rgba(241, 245, 249, 0.6)";
  ctx.beginPath();
  ctx.rect(0, 0, WIDTH, HEIGHT);
  ctx.rect(vx, vy, vw, vh);
  ctx.fill("evenodd");
  ctx.strokeStyle = VIEW;
  ctx.lineWidth = 1;
  ctx.strokeRect(Math.round(vx) + 0.5, Math.round(vy) + 0.5, Math.round(vw), Math.round(vh));
}

/**
 * The canvas's minimap: every task of the workflow (from the editor's store: React Flow holds only
 * those near the view), drawn on a <canvas> at most once per animation frame. React Flow's <MiniMap>
 * is an SVG of one element per task that the browser repaints in full on every pan frame (the
 * viewport mask moves); at 1000 tasks that alone drops frames. Click or drag to move the view there;
 * the wheel zooms around the view's centre.
 */
export function CanvasMiniMap() {
  const store = useStoreApi();
  const { setViewport } = useReactFlow();
  const canvas = useRef<HTMLCanvasElement>(null);
  const frame = useRef<Frame>({ x: 0, y: 0, scale: 1 });

  useLayoutEffect(() => {
    const el = canvas.current;
    const ctx = el?.getContext("2d");
    if (!el || !ctx) return;
    const ratio = window.devicePixelRatio || 1;
    el.width = WIDTH * ratio;
    el.height = HEIGHT * ratio;
    ctx.scale(ratio, ratio);
    let seen: (View & { nodes: unknown }) | null = null;
    let pending = 0;
    const redraw = () => {
      pending = 0;
      const nodes = useEditorStore.getState().nodes;
      const s = store.getState();
      frame.current = frameOf(nodes, s);
      draw(ctx, nodes, s, frame.current);
    };
    const onChange = () => {
      const { transform, width, height } = store.getState();
      const nodes = useEditorStore.getState().nodes;
      // Both stores change for many reasons (hover, connection drags); draw only for what is shown.
      if (
        seen &&
        seen.nodes === nodes &&
        seen.transform === transform &&
        seen.width === width &&
        seen.height === height
      )
        return;
      seen = { nodes, transform, width, height };
      if (!pending) pending = requestAnimationFrame(redraw);
    };
    onChange();
    const offFlow = store.subscribe(onChange);
    const offEditor = useEditorStore.subscribe(onChange);
    return () => {
      offFlow();
      offEditor();
      cancelAnimationFrame(pending);
    };
  }, [store]);

  /** Centres the view on the flow point under the pointer, keeping the zoom. */
  const moveTo = (e: PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const f = frame.current;
    const fx = f.x + (e.clientX - r.left) / f.scale;
    const fy = f.y + (e.clientY - r.top) / f.scale;
    const { width, height, transform } = store.getState();
    const zoom = transform[2];
    void setViewport({ x: width / 2 - fx * zoom, y: height / 2 - fy * zoom, zoom });
  };

  const onWheel = (e: WheelEvent<HTMLCanvasElement>) => {
    const { width, height, transform, minZoom, maxZoom } = store.getState();
    const [tx, ty, zoom] = transform;
    const next = Math.min(maxZoom, Math.max(minZoom, zoom * Math.pow(2, -e.deltaY / 300)));
    // Keep the flow point at the view's centre where it is.
    const cx = (width / 2 - tx) / zoom;
    const cy = (height / 2 - ty) / zoom;
    void setViewport({ x: width / 2 - cx * next, y: height / 2 - cy * next, zoom: next });
  };

  return (
    <Panel position="bottom-right" className="!m-3">
      <canvas
        ref={canvas}
        data-testid="minimap"
        role="img"
        aria-label="Minimap of the workflow: click or drag to move the view, scroll to zoom"
        title="Minimap: click or drag to move the view, scroll to zoom"
        className="block cursor-pointer rounded-md bg-white shadow-sm ring-1 ring-slate-200"
        style={{ width: WIDTH, height: HEIGHT }}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          moveTo(e);
        }}
        onPointerMove={(e) => {
          if (e.currentTarget.hasPointerCapture(e.pointerId)) moveTo(e);
        }}
        onWheel={onWheel}
      />
    </Panel>
  );
}
