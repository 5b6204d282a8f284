import dagre from "@dagrejs/dagre";
import { NODE_HEIGHT, NODE_WIDTH } from "./types";

export interface XY {
  x: number;
  y: number;
}

export interface LayoutOptions {
  width?: number;
  height?: number;
  rankSep?: number;
  nodeSep?: number;
}

type LayoutEdge = { from: string; to: string };

/** Up to this many tasks dagre lays out (nicer edge routing); above it, dagre takes seconds to minutes. */
export const DAGRE_MAX_TASKS = 60;

/**
 * Left-to-right layered layout of a graph. Pure: returns the top-left position of every node.
 * Small graphs use dagre; big ones a linear-time layered layout (`layeredLayout`). Cycles are
 * tolerated, so imported invalid definitions still get a layout.
 */
export function autoLayout(
  codes: readonly string[],
  edges: readonly LayoutEdge[],
  opts: LayoutOptions = {},
): Map<string, XY> {
  return codes.length <= DAGRE_MAX_TASKS
    ? dagreLayout(codes, edges, opts)
    : layeredLayout(codes, edges, opts);
}

export function dagreLayout(
  codes: readonly string[],
  edges: readonly LayoutEdge[],
  opts: LayoutOptions = {},
): Map<string, XY> {
  const width = opts.width ?? NODE_WIDTH;
  const height = opts.height ?? NODE_HEIGHT;
  const g = new dagre.graphlib.Graph();
  g.setGraph({
    rankdir: "LR",
    ranksep: opts.rankSep ?? 80,
    nodesep: opts.nodeSep ?? 32,
    marginx: 20,
    marginy: 20,
  });
  g.setDefaultEdgeLabel(() => ({}));
  const known = new Set(codes);
  for (const code of codes) g.setNode(code, { width, height });
  for (const e of edges)
    if (known.has(e.from) && known.has(e.to) && e.from !== e.to) g.setEdge(e.from, e.to);
  dagre.layout(g);
  const out = new Map<string, XY>();
  for (const code of codes) {
    const n = g.node(code) as { x: number; y: number } | undefined;
    out.set(
      code,
      n ? { x: Math.round(n.x - width / 2), y: Math.round(n.y - height / 2) } : { x: 0, y: 0 },
    );
  }
  return out;
}

/**
 * A Sugiyama-style layout in O(sweeps · (V + E)): longest-path ranks (back edges of cycles ignored),
 * barycenter ordering sweeps within each rank, then each node placed near the mean height of its
 * neighbours in the previous rank without overlapping its rank's others. Unlike dagre it routes no
 * long edges around nodes, which is the price of laying out thousands of tasks in milliseconds.
 */
export function layeredLayout(
  codes: readonly string[],
  edges: readonly LayoutEdge[],
  opts: LayoutOptions = {},
): Map<string, XY> {
  const width = opts.width ?? NODE_WIDTH;
  const height = opts.height ?? NODE_HEIGHT;
  const rankSep = opts.rankSep ?? 80;
  const nodeSep = opts.nodeSep ?? 32;
  const n = codes.length;
  const index = new Map<string, number>();
  codes.forEach((c, i) => index.set(c, i));
  const outs: number[][] = Array.from({ length: n }, () => []);
  const ins: number[][] = Array.from({ length: n }, () => []);
  for (const e of edges) {
    const a = index.get(e.from);
    const b = index.get(e.to);
    if (a === undefined || b === undefined || a === b) continue;
    outs[a]!.push(b);
    ins[b]!.push(a);
  }

  // Ranks: Kahn's order; nodes left on cycles get ranked after their ranked predecessors.
  const rank = new Int32Array(n);
  const indeg = Int32Array.from(ins, (l) => l.length);
  const done = new Uint8Array(n);
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (indeg[i] === 0) queue.push(i);
  let seen = 0;
  for (;;) {
    while (seen < queue.length) {
      const v = queue[seen++]!;
      done[v] = 1;
      for (const w of outs[v]!) {
        if (done[w]) continue; // a back edge of a cycle
        rank[w] = Math.max(rank[w]!, rank[v]! + 1);
        if (--indeg[w]! === 0) queue.push(w);
      }
    }
    if (queue.length === n) break;
    // A cycle: release its first unfinished node as if its pending in-edges were back edges.
    let next = -1;
    for (let i = 0; i < n && next < 0; i++) if (!done[i] && indeg[i]! > 0) next = i;
    indeg[next] = 0;
    queue.push(next);
  }

  const maxRank = n ? Math.max(...rank) : 0;
  const layers: number[][] = Array.from({ length: maxRank + 1 }, () => []);
  for (const v of queue) layers[rank[v]!]!.push(v);

  // Ordering: barycenter sweeps, down then up.
  const pos = new Float64Array(n);
  const renumber = (layer: number[]) => layer.forEach((v, i) => (pos[v] = i));
  layers.forEach(renumber);
  const sweep = (layer: number[], neighbours: number[][]) => {
    const key = new Map<number, number>();
    for (const v of layer) {
      const ns = neighbours[v]!;
      let sum = 0;
      for (const w of ns) sum += pos[w]!;
      key.set(v, ns.length ? sum / ns.length : pos[v]!);
    }
    layer.sort((a, b) => key.get(a)! - key.get(b)! || pos[a]! - pos[b]!);
    renumber(layer);
  };
  for (let it = 0; it < 4; it++) {
    for (let r = 1; r <= maxRank; r++) sweep(layers[r]!, ins);
    for (let r = maxRank - 1; r >= 0; r--) sweep(layers[r]!, outs);
  }

  // Coordinates: each node wants the mean y of its upstreams; keep order and spacing within a rank.
  const step = height + nodeSep;
  const y = new Float64Array(n);
  layers.forEach((layer, r) => {
    const want = layer.map((v) => {
      const ups = ins[v]!.filter((u) => rank[u]! < r);
      return ups.length ? ups.reduce((s, u) => s + y[u]!, 0) / ups.length : NaN;
    });
    let prev = -Infinity;
    layer.forEach((v, i) => {
      const w = want[i]!;
      const at = Number.isNaN(w) ? (r === 0 ? i * step : prev + step) : w;
      y[v] = Math.max(at, prev + step);
      prev = y[v]!;
    });
    // Centre the rank on where its tasks wanted to be, so pushed-down ranks don't drift ever lower.
    let shift = 0;
    let count = 0;
    layer.forEach((v, i) => {
      if (Number.isNaN(want[i]!)) return;
      shift += y[v]! - want[i]!;
      count++;
    });
    if (r > 0 && count) for (const v of layer) y[v] = y[v]! - shift / count;
  });
  let minY = Infinity;
  for (let i = 0; i < n; i++) minY = Math.min(minY, y[i]!);
  const out = new Map<string, XY>();
  for (let i = 0; i < n; i++)
    out.set(codes[i]!, {
      x: Math.round(20 + rank[i]! * (width + rankSep)),
      y: Math.round(20 + y[i]! - minY),
    });
  return out;
}
