import { describe, expect, it } from "vitest";
import { copyFragment, pasteFragment, PasteError } from "./clipboard";
import { fromDefinition } from "./from-definition";

const shell = (code: string, name: string) => ({
  code,
  name,
  type: "shell",
  params: { script: `echo ${name}` },
});

function graph() {
  const g = fromDefinition({
    name: "w",
    tasks: [shell("a1", "extract"), shell("b2", "transform"), shell("c3", "load")],
    edges: [
      { from: "a1", to: "b2" },
      { from: "b2", to: "c3" },
    ],
    layout: { a1: { x: 100, y: 50 }, b2: { x: 400, y: 80 }, c3: { x: 700, y: 50 } },
  });
  return g;
}

describe("clipboard", () => {
  it("copies the selected tasks with only the edges among them", () => {
    const { nodes, edges } = graph();
    const picked = nodes.map((n) => ({ ...n, selected: n.id !== "c3" }));
    const f = copyFragment(picked, edges);
    expect(f.tasks.map((t) => t.name)).toEqual(["extract", "transform"]);
    expect(f.edges).toEqual([{ from: "a1", to: "b2" }]);
    expect(f.layout).toEqual({ a1: { x: 100, y: 50 }, b2: { x: 400, y: 80 } });
  });

  it("pastes with fresh codes, unique names and the arrangement moved to the target point", () => {
    const { nodes, edges } = graph();
    const text = JSON.stringify(
      copyFragment(
        nodes.map((n) => ({ ...n, selected: true })),
        edges,
      ),
    );
    const out = pasteFragment(text, nodes, { x: 1000, y: 1000 });
    const codes = out.nodes.map((n) => n.id);
    expect(codes.some((c) => ["a1", "b2", "c3"].includes(c))).toBe(false);
    expect(new Set(codes).size).toBe(3);
    expect(out.nodes.map((n) => n.data.task.name)).toEqual([
      "extract-copy",
      "transform-copy",
      "load-copy",
    ]);
    expect(out.nodes.map((n) => n.position)).toEqual([
      { x: 1000, y: 1000 },
      { x: 1300, y: 1030 },
      { x: 1600, y: 1000 },
    ]);
    expect(out.edges.map((e) => [e.source, e.target])).toEqual([
      [codes[0], codes[1]],
      [codes[1], codes[2]],
    ]);
    expect(out.nodes.every((n) => n.selected)).toBe(true);
    // Pasting the copies again numbers the names on.
    const again = pasteFragment(text, [...nodes, ...out.nodes], { x: 0, y: 0 });
    expect(again.nodes[0]!.data.task.name).toBe("extract-copy-2");
  });

  it("keeps names when the target workflow does not use them", () => {
    const { nodes, edges } = graph();
    const text = JSON.stringify(
      copyFragment(
        nodes.map((n) => ({ ...n, selected: true })),
        edges,
      ),
    );
    const out = pasteFragment(text, [], { x: 0, y: 0 });
    expect(out.nodes.map((n) => n.data.task.name)).toEqual(["extract", "transform", "load"]);
  });

  it("accepts a whole exported workflow and remaps task codes inside params", () => {
    const text = JSON.stringify({
      name: "exported",
      tasks: [
        shell("x1", "check"),
        {
          code: "x2",
          name: "branch",
          type: "conditions",
          params: { relation: "AND", conditions: [{ taskCode: "x1", state: "SUCCESS" }] },
        },
      ],
      edges: [{ from: "x1", to: "x2" }],
    });
    const out = pasteFragment(text, [], { x: 10, y: 20 });
    const [check, branch] = out.nodes;
    expect(branch!.data.task.params).toEqual({
      relation: "AND",
      conditions: [{ taskCode: check!.id, state: "SUCCESS" }],
    });
    expect(out.nodes.map((n) => n.position)).toEqual([
      { x: 10, y: 20 },
      { x: 230, y: 20 },
    ]);
  });

  it("refuses text that holds no tasks, saying why", () => {
    expect(() => pasteFragment("hello", [], { x: 0, y: 0 })).toThrow(PasteError);
    expect(() => pasteFragment('{"a":1}', [], { x: 0, y: 0 })).toThrow(/no "tasks" list/);
    expect(() => pasteFragment('{"tasks":[]}', [], { x: 0, y: 0 })).toThrow(/no tasks/);
  });
});
