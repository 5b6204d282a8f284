import { describe, expect, it } from "vitest";
import { diffCanvas } from "./diff-canvas";

const shell = (code: string, script = `echo ${code}`) => ({
  code,
  name: code,
  type: "shell",
  params: { script },
});

describe("diffCanvas", () => {
  it("shows the new version plus removed tasks, each marked, with added and removed edges styled", () => {
    const before = {
      name: "wf",
      tasks: [shell("a"), shell("b"), shell("gone")],
      edges: [
        { from: "a", to: "b" },
        { from: "b", to: "gone" },
      ],
      layout: { a: { x: 0, y: 0 }, b: { x: 200, y: 0 }, gone: { x: 400, y: 0 } },
    };
    const after = {
      name: "wf",
      tasks: [shell("a", "echo changed"), shell("b"), shell("new")],
      edges: [
        { from: "a", to: "b" },
        { from: "b", to: "new" },
      ],
      layout: { a: { x: 0, y: 0 }, b: { x: 200, y: 0 }, new: { x: 400, y: 100 } },
    };
    const d = diffCanvas(before, after);
    expect(Object.fromEntries(d.marks)).toEqual({ a: "changed", new: "added", gone: "removed" });
    expect(d.nodes.map((n) => n.id)).toEqual(["a", "b", "new", "gone"]);
    // The removed task sits where it was.
    expect(d.nodes.find((n) => n.id === "gone")!.position).toEqual({ x: 400, y: 0 });
    const style = (id: string) => d.edges.find((e) => e.id === id)?.style;
    expect(style("a->b")).toBeUndefined();
    expect(style("b->new")).toMatchObject({ stroke: "#10b981" });
    expect(style("removed:b->gone")).toMatchObject({ stroke: "#ef4444" });
    expect(d.diff.tasksChanged[0]!.changes[0]!.field).toBe("params.script");
  });
});
