import dagre from "@dagrejs/dagre";
import { NODE_HEIGHT, NODE_WIDTH } from "./types";

export interface XY {
  x: number;
  y: number;
}

/**
 * Left-to-right layered layout of a graph (dagre). Pure: returns the top-left position of every node.
 * Cycles are tolerated (dagre breaks them), so imported invalid definitions still get a layout.
 */
export function autoLayout(
  codes: readonly string[],
  edges: ReadonlyArray<{ from: string; to: string }>,
  opts: { width?: number; height?: number; rankSep?: number; nodeSep?: number } = {},
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
