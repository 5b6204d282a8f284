import { describe, expect, it } from "vitest";
import { autoLayout, layeredLayout } from "./layout";
import { NODE_HEIGHT, NODE_WIDTH } from "./types";

function layered(n: number, width: number) {
  const codes = Array.from({ length: n }, (_, i) => `t${i}`);
  const edges: Array<{ from: string; to: string }> = [];
  for (let i = width; i < n; i++) {
    const layer = Math.floor(i / width);
    edges.push({ from: `t${(layer - 1) * width + (i % width)}`, to: `t${i}` });
    edges.push({ from: `t${(layer - 1) * width + ((i * 7) % width)}`, to: `t${i}` });
  }
  return { codes, edges };
}

function overlaps(pos: Map<string, { x: number; y: number }>): boolean {
  const seen = new Set<string>();
  for (const p of pos.values()) {
    const key = `${p.x}:${Math.round(p.y / NODE_HEIGHT)}`;
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

describe("layout", () => {
  it("places every upstream task left of its downstreams (small graphs: dagre)", () => {
    const { codes, edges } = layered(12, 3);
    const pos = autoLayout(codes, edges);
    for (const e of edges) expect(pos.get(e.from)!.x).toBeLessThan(pos.get(e.to)!.x);
  });

  it("lays out thousands of tasks left to right without overlaps, quickly", () => {
    const { codes, edges } = layered(5000, 50);
    const pos = layeredLayout(codes, edges);
    expect(pos.size).toBe(5000);
    for (const e of edges)
      expect(pos.get(e.to)!.x - pos.get(e.from)!.x).toBeGreaterThanOrEqual(NODE_WIDTH);
    // Within one rank (same x) tasks are at least a node height apart.
    const byX = new Map<number, number[]>();
    for (const p of pos.values()) byX.set(p.x, [...(byX.get(p.x) ?? []), p.y]);
    for (const ys of byX.values()) {
      ys.sort((a, b) => a - b);
      for (let i = 1; i < ys.length; i++)
        expect(ys[i]! - ys[i - 1]!).toBeGreaterThanOrEqual(NODE_HEIGHT);
    }
    expect(overlaps(pos)).toBe(false);
  });

  it("still lays out a graph with a cycle", () => {
    const codes = ["a", "b", "c", "d"];
    const edges = [
      { from: "a", to: "b" },
      { from: "b", to: "c" },
      { from: "c", to: "b" },
      { from: "c", to: "d" },
    ];
    const pos = layeredLayout(codes, edges);
    expect(pos.get("a")!.x).toBeLessThan(pos.get("b")!.x);
    expect(pos.get("c")!.x).toBeLessThan(pos.get("d")!.x);
    expect(new Set([...pos.values()].map((p) => `${p.x},${p.y}`)).size).toBe(4);
  });
});
