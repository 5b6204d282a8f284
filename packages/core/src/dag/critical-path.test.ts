import { describe, expect, it } from "vitest";
import { criticalPath } from "./critical-path";
import { buildDag } from "./graph";

const dag = (codes: string[], edges: [string, string][]) =>
  buildDag(
    codes,
    edges.map(([from, to]) => ({ from, to })),
  );
const durations = (d: Record<string, number>) => (code: string) => d[code];

describe("criticalPath", () => {
  it("is empty when nothing ran", () => {
    expect(criticalPath(dag(["a", "b"], [["a", "b"]]), () => undefined)).toEqual({
      codes: [],
      total: 0,
    });
  });

  it("follows a chain", () => {
    const g = dag(
      ["a", "b", "c"],
      [
        ["a", "b"],
        ["b", "c"],
      ],
    );
    expect(criticalPath(g, durations({ a: 1, b: 2, c: 3 }))).toEqual({
      codes: ["a", "b", "c"],
      total: 6,
    });
  });

  it("takes the slower branch of a diamond", () => {
    const g = dag(
      ["s", "fast", "slow", "e"],
      [
        ["s", "fast"],
        ["s", "slow"],
        ["fast", "e"],
        ["slow", "e"],
      ],
    );
    expect(criticalPath(g, durations({ s: 1, fast: 2, slow: 10, e: 1 }))).toEqual({
      codes: ["s", "slow", "e"],
      total: 12,
    });
    expect(criticalPath(g, durations({ s: 1, fast: 20, slow: 10, e: 1 }))).toEqual({
      codes: ["s", "fast", "e"],
      total: 22,
    });
  });

  it("picks the longest of independent chains, whichever is listed first", () => {
    const g = dag(["a", "b", "x"], [["a", "b"]]);
    expect(criticalPath(g, durations({ a: 1, b: 1, x: 5 }))).toEqual({ codes: ["x"], total: 5 });
    expect(criticalPath(g, durations({ a: 3, b: 2, x: 5 }))).toEqual({
      codes: ["a", "b"],
      total: 5,
    });
  });

  it("breaks ties by definition order, so the answer is stable", () => {
    const g = dag(
      ["s", "p", "q", "e"],
      [
        ["s", "p"],
        ["s", "q"],
        ["p", "e"],
        ["q", "e"],
      ],
    );
    expect(criticalPath(g, durations({ s: 1, p: 4, q: 4, e: 1 })).codes).toEqual(["s", "p", "e"]);
    const swapped = dag(
      ["s", "q", "p", "e"],
      [
        ["s", "p"],
        ["s", "q"],
        ["p", "e"],
        ["q", "e"],
      ],
    );
    expect(criticalPath(swapped, durations({ s: 1, p: 4, q: 4, e: 1 })).codes).toEqual([
      "s",
      "q",
      "e",
    ]);
  });

  it("leaves out tasks that did not run but still measures through those that did", () => {
    const g = dag(
      ["a", "b", "c"],
      [
        ["a", "b"],
        ["b", "c"],
      ],
    );
    // Run from b downstream: a never ran.
    expect(criticalPath(g, durations({ b: 2, c: 3 }))).toEqual({ codes: ["b", "c"], total: 5 });
  });

  it("treats negative durations (clock skew) as zero", () => {
    const g = dag(["a", "b"], [["a", "b"]]);
    expect(criticalPath(g, durations({ a: -5, b: 2 }))).toEqual({ codes: ["a", "b"], total: 2 });
  });

  it("terminates on a cycle instead of looping", () => {
    const g = dag(
      ["a", "b"],
      [
        ["a", "b"],
        ["b", "a"],
      ],
    );
    expect(criticalPath(g, durations({ a: 1, b: 1 })).codes.length).toBeGreaterThan(0);
  });

  it("handles a 20 000-task chain without recursion", () => {
    const codes = Array.from({ length: 20_000 }, (_, i) => `t${i}`);
    const edges = codes.slice(1).map((c, i) => [codes[i]!, c] as [string, string]);
    const r = criticalPath(dag(codes, edges), () => 1);
    expect(r.total).toBe(20_000);
    expect(r.codes).toHaveLength(20_000);
  });
});
