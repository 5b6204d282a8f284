/**
 * Which tasks the canvas hands to React Flow: those near the view, not all of them.
 *
 * React Flow's own culling (`onlyRenderVisibleElements`) keeps every task in its store and re-tests
 * all of them and all edges against the exact view on every pan frame, mounting and unmounting tasks
 * at the edges as it goes: each frame then re-renders, repaints and re-rasterises. Here the canvas
 * renders a window larger than the view (an overscan margin on each side) and only moves it when the
 * view leaves it, so a pan within the margin is a compositor-only transform; and React Flow's store
 * holds a few hundred tasks even on a 5000-task workflow, which makes drags and edits cheaper too.
 */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface Box {
  id: string;
  position: { x: number; y: number };
}
interface Link {
  source: string;
  target: string;
}

/** The part of the flow the pane shows, in flow coordinates. */
export function viewRect(
  [tx, ty, zoom]: readonly [number, number, number],
  width: number,
  height: number,
): Rect {
  return { x: -tx / zoom, y: -ty / zoom, width: width / zoom, height: height / zoom };
}

/** `r` grown by `margin` × its size, plus `pad`, on every side. */
export function grow(r: Rect, margin: number, pad = 0): Rect {
  const dx = r.width * margin + pad;
  const dy = r.height * margin + pad;
  return { x: r.x - dx, y: r.y - dy, width: r.width + 2 * dx, height: r.height + 2 * dy };
}

/** The smallest rectangle holding both. */
export function union(a: Rect, b: Rect): Rect {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return {
    x,
    y,
    width: Math.max(a.x + a.width, b.x + b.width) - x,
    height: Math.max(a.y + a.height, b.y + b.height) - y,
  };
}

export function contains(outer: Rect, inner: Rect): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height
  );
}

/**
 * Whether the window must move for this view: the view left it, or zooming in made the window so
 * much larger than the view that it renders far more than can be seen.
 */
export function needsNewWindow(win: Rect | null, view: Rect, margin: number): boolean {
  if (!win) return true;
  if (!contains(win, view)) return true;
  const fullArea = grow(view, margin);
  return win.width * win.height > 4 * fullArea.width * fullArea.height;
}

function overlaps(a: Rect, x1: number, y1: number, x2: number, y2: number): boolean {
  return x1 <= a.x + a.width && x2 >= a.x && y1 <= a.y + a.height && y2 >= a.y;
}

/**
 * The ids of the tasks to render for window `win`: each task whose box meets it, and both ends of
 * each edge whose bounding box meets it (so a long edge crossing the view is drawn even when its
 * tasks lie far outside). Edges are drawn between rendered tasks only.
 */
export function tasksInWindow(
  nodes: readonly Box[],
  edges: readonly Link[],
  win: Rect,
  size: { width: number; height: number },
): Set<string> {
  const ids = new Set<string>();
  const at = new Map<string, { x: number; y: number }>();
  for (const n of nodes) {
    at.set(n.id, n.position);
    const { x, y } = n.position;
    if (overlaps(win, x, y, x + size.width, y + size.height)) ids.add(n.id);
  }
  for (const e of edges) {
    if (ids.has(e.source) && ids.has(e.target)) continue;
    const s = at.get(e.source);
    const t = at.get(e.target);
    if (!s || !t) continue;
    const x1 = Math.min(s.x, t.x);
    const y1 = Math.min(s.y, t.y);
    const x2 = Math.max(s.x, t.x) + size.width;
    const y2 = Math.max(s.y, t.y) + size.height;
    if (overlaps(win, x1, y1, x2, y2)) {
      ids.add(e.source);
      ids.add(e.target);
    }
  }
  return ids;
}
