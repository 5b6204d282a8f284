import { validateWorkflow } from "@shoal/core";
import { describe, expect, it } from "vitest";
import { fromDefinition } from "./from-definition";
import { toDefinition } from "./to-definition";

const shell = (code: string, name: string, extra: Record<string, unknown> = {}) => ({
  code,
  name,
  type: "shell",
  params: { script: `echo ${name}` },
  ...extra,
});

describe("fromDefinition / toDefinition", () => {
  it("round-trips a valid definition, keeping codes, params, edges and positions", () => {
    const input = {
      name: "etl",
      description: "nightly",
      globalParams: [{ name: "day", value: "$[yyyyMMdd-1]" }],
      tasks: [shell("t1", "extract", { retries: 2, priority: "HIGH" }), shell("t2", "load")],
      edges: [{ from: "t1", to: "t2" }],
      layout: { t1: { x: 10, y: 20 }, t2: { x: 300, y: 20 } },
    };
    const g = fromDefinition(input);
    expect(g.nodes.map((n) => n.id)).toEqual(["t1", "t2"]);
    expect(g.nodes[0]!.position).toEqual({ x: 10, y: 20 });
    expect(g.edges.map((e) => [e.source, e.target])).toEqual([["t1", "t2"]]);

    const out = toDefinition(g.meta, g.nodes, g.edges);
    const valid = validateWorkflow(out);
    expect(valid.ok).toBe(true);
    expect(out.tasks[0]).toMatchObject({
      code: "t1",
      name: "extract",
      retries: 2,
      priority: "HIGH",
      workerGroup: "default",
    });
    expect(out.edges).toEqual([{ from: "t1", to: "t2" }]);
    expect(out.layout).toEqual(input.layout);
    expect(out.globalParams).toEqual(input.globalParams);
  });

  it("lays out tasks without positions left to right", () => {
    const g = fromDefinition({
      name: "x",
      tasks: [shell("a", "a"), shell("b", "b"), shell("c", "c")],
      edges: [
        { from: "a", to: "b" },
        { from: "b", to: "c" },
      ],
    });
    const x = Object.fromEntries(g.nodes.map((n) => [n.id, n.position.x]));
    expect(x.a).toBeLessThan(x.b!);
    expect(x.b).toBeLessThan(x.c!);
  });

  it("loads what the server will refuse (cycles, unknown edges and types) without complaint", () => {
    const g = fromDefinition({
      tasks: [shell("a", "a"), { code: "b", name: "b", type: "nope" }, { name: "no-code" }],
      edges: [
        { from: "a", to: "b" },
        { from: "b", to: "a" },
        { from: "a", to: "ghost" },
        { from: "a", to: "b" },
      ],
    });
    expect(g.nodes).toHaveLength(3);
    expect(g.nodes[2]!.id).toMatch(/^t[a-z0-9]{8}$/);
    expect(g.edges.map((e) => e.id)).toEqual(["a->b", "b->a", "a->ghost"]);
    const out = toDefinition(g.meta, g.nodes, g.edges);
    const res = validateWorkflow({ ...out, name: "w" });
    expect(res.ok).toBe(false);
    if (!res.ok) {
      const codes = res.error.map((i) => i.code);
      expect(codes).toContain("cycle");
      expect(codes).toContain("unknown_task_type");
      expect(codes).toContain("unknown_edge_task");
    }
  });
});
