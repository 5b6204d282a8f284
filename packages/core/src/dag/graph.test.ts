import { describe, expect, it } from "vitest";
import { validateWorkflow } from "../format/validate";
import {
  buildDag,
  type Dag,
  downstreamClosure,
  findCycles,
  pathClosedBy,
  topologicalOrder,
  upstreamClosure,
} from "./graph";

const dagOf = (codes: string, edges: string): Dag =>
  buildDag(
    codes.split(""),
    edges
      .split(" ")
      .filter(Boolean)
      .map((e) => ({ from: e[0]!, to: e[1]! })),
  );

/** a → b, a → c, b → d, c → d */
const diamond = dagOf("abcd", "ab ac bd cd");

const isEdge = (dag: Dag, from: string, to: string) =>
  (dag.downstream.get(from) ?? []).includes(to);

/** Every consecutive pair (and last → first) is an edge of the graph. */
function expectClosedWalk(dag: Dag, cycle: string[]) {
  const pairs = cycle.map((c, i) => [c, cycle[(i + 1) % cycle.length]!] as const);
  for (const [from, to] of pairs) expect(isEdge(dag, from, to), `${from} → ${to}`).toBe(true);
}

const chain = (n: number) => {
  const codes = Array.from({ length: n }, (_, i) => `t${i}`);
  const edges = codes.slice(1).map((to, i) => ({ from: codes[i]!, to }));
  return { codes, edges };
};

describe("buildDag", () => {
  it("ignores edges to unknown codes and repeated edges", () => {
    const dag = buildDag(
      ["a", "b"],
      [
        { from: "a", to: "b" },
        { from: "a", to: "b" },
        { from: "a", to: "zz" },
        { from: "zz", to: "b" },
      ],
    );
    expect(dag.downstream.get("a")).toEqual(["b"]);
    expect(dag.upstream.get("b")).toEqual(["a"]);
    expect(dag.downstream.has("zz")).toBe(false);
  });
});

describe("findCycles", () => {
  it.each([
    { name: "a diamond has none", dag: diamond, cycles: [] },
    { name: "isolated tasks have none", dag: dagOf("abc", ""), cycles: [] },
    { name: "a → b → c → a", dag: dagOf("abcd", "ab bc ca cd"), cycles: [["a", "b", "c"]] },
    { name: "a self-loop", dag: dagOf("ab", "ab bb"), cycles: [["b"]] },
    {
      name: "two separate cycles",
      dag: dagOf("abcd", "ab ba bc cd dc"),
      cycles: [
        ["c", "d"],
        ["a", "b"],
      ],
    },
  ])("$name", ({ dag, cycles }) => {
    expect(findCycles(dag)).toEqual(cycles);
  });

  it("reports a cycle that follows real edges when two loops share a task", () => {
    // a ⇄ b and a ⇄ c form one strongly connected component, but b → c is not an edge.
    const dag = dagOf("abc", "ab ba ac ca");
    const cycles = findCycles(dag);
    expect(cycles).toHaveLength(1);
    expectClosedWalk(dag, cycles[0]!);
  });
});

describe("pathClosedBy", () => {
  it.each([
    { name: "d → a closes a → b → d", from: "d", to: "a", path: ["a", "b", "d"] },
    { name: "c → a closes a → c", from: "c", to: "a", path: ["a", "c"] },
    { name: "a self-loop closes itself", from: "b", to: "b", path: ["b"] },
    { name: "b → c closes nothing (siblings)", from: "b", to: "c", path: null },
    { name: "a → d closes nothing (a shortcut)", from: "a", to: "d", path: null },
  ])("$name", ({ from, to, path }) => {
    expect(pathClosedBy(diamond, from, to)).toEqual(path);
  });
});

describe("topologicalOrder", () => {
  it("orders a diamond", () => {
    expect(topologicalOrder(diamond)).toEqual(["a", "b", "c", "d"]);
  });

  it("puts every edge's source before its target, whatever the code order", () => {
    const dag = dagOf("edcba", "ab bc ad dc ec");
    const order = topologicalOrder(dag);
    expect([...order].sort()).toEqual(["a", "b", "c", "d", "e"]);
    for (const [from, tos] of dag.downstream)
      for (const to of tos) expect(order.indexOf(from)).toBeLessThan(order.indexOf(to));
  });
});

describe("closures", () => {
  it.each([
    { name: "downstream of b", fn: downstreamClosure, start: ["b"], codes: ["b", "d"] },
    { name: "downstream of a", fn: downstreamClosure, start: ["a"], codes: ["a", "b", "c", "d"] },
    { name: "downstream of a leaf", fn: downstreamClosure, start: ["d"], codes: ["d"] },
    { name: "upstream of b", fn: upstreamClosure, start: ["b"], codes: ["a", "b"] },
    { name: "upstream of d", fn: upstreamClosure, start: ["d"], codes: ["a", "b", "c", "d"] },
    { name: "upstream of b and c", fn: upstreamClosure, start: ["b", "c"], codes: ["a", "b", "c"] },
  ])("$name", ({ fn, start, codes }) => {
    expect([...fn(diamond, start)].sort()).toEqual(codes);
  });
});

describe("a 20 000-task chain", () => {
  const n = 20_000;
  const { codes, edges } = chain(n);
  const dag = buildDag(codes, edges);

  it("is walked without overflowing the stack", () => {
    expect(findCycles(dag)).toEqual([]);
    expect(topologicalOrder(dag)).toEqual(codes);
    expect(downstreamClosure(dag, ["t0"]).size).toBe(n);
    expect(upstreamClosure(dag, [`t${n - 1}`]).size).toBe(n);
    expect(pathClosedBy(dag, `t${n - 1}`, "t0")).toEqual(codes);
  });

  it("reports the cycle a back edge closes", () => {
    const cyclic = buildDag(codes, [...edges, { from: `t${n - 1}`, to: "t0" }]);
    expect(findCycles(cyclic)).toEqual([codes]);
  });

  it("validates", () => {
    const tasks = codes.map((code) => ({
      code,
      name: code,
      type: "shell",
      params: { script: "true" },
    }));
    expect(validateWorkflow({ name: "long", tasks, edges }).ok).toBe(true);
    const result = validateWorkflow({
      name: "long",
      tasks,
      edges: [...edges, { from: `t${n - 1}`, to: "t0" }],
    });
    expect(result.ok || result.error.map((i) => i.code)).toEqual(["cycle"]);
  });
});
