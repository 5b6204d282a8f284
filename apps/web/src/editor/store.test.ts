import { beforeEach, describe, expect, it } from "vitest";
import { useEditorStore } from "./store";

const s = () => useEditorStore.getState();

describe("editor store", () => {
  beforeEach(() => s().load({ name: "w", tasks: [], edges: [] }, 0));

  it("names new tasks <type>-<n> from the registry defaults, with unique codes", () => {
    const a = s().addTask("shell", { x: 0, y: 0 })!;
    const b = s().addTask("shell", { x: 0, y: 100 })!;
    expect(a.data.task.name).toBe("shell-1");
    expect(b.data.task.name).toBe("shell-2");
    expect(a.id).not.toBe(b.id);
    expect(a.data.task.params).toEqual({ script: "echo hello" });
    expect(s().dirty).toBe(true);
    expect(s().addTask("no-such-type", { x: 0, y: 0 })).toBeNull();
  });

  it("refuses an edge that would close a cycle and names the cycle", () => {
    const ids = ["a", "b", "c"].map((name, i) => {
      const n = s().addTask("shell", { x: i * 200, y: 0 })!;
      s().updateTask(n.id, { name });
      return n.id;
    });
    const [a, b, c] = ids as [string, string, string];
    expect(s().connect({ source: a, target: b, sourceHandle: null, targetHandle: null })).toBe(
      true,
    );
    expect(s().connect({ source: b, target: c, sourceHandle: null, targetHandle: null })).toBe(
      true,
    );
    expect(s().connect({ source: c, target: a, sourceHandle: null, targetHandle: null })).toBe(
      false,
    );
    expect(s().edges).toHaveLength(2);
    expect(s().message?.text).toContain("cycle between tasks: c → a → b → c");
    expect(s().connect({ source: a, target: a, sourceHandle: null, targetHandle: null })).toBe(
      false,
    );
  });

  it("marks the tasks a refused save names, and clears them on the next save", () => {
    const n = s().addTask("shell", { x: 0, y: 0 })!;
    s().refused([
      { code: "invalid_params", taskCode: n.id, message: "task x: params.script: required" },
    ]);
    expect(s().nodes[0]!.data.issues).toEqual(["task x: params.script: required"]);
    s().saved(3);
    expect(s().nodes[0]!.data.issues).toBeUndefined();
    expect(s().version).toBe(3);
    expect(s().dirty).toBe(false);
  });
});

describe("editor store history", () => {
  beforeEach(() => s().load({ name: "w", tasks: [], edges: [] }, 0));
  const conn = (source: string, target: string) =>
    s().connect({ source, target, sourceHandle: null, targetHandle: null });

  it("undoes and redoes adds, connects, deletes and param edits, one step each", () => {
    const a = s().addTask("shell", { x: 0, y: 0 })!;
    const b = s().addTask("shell", { x: 300, y: 0 })!;
    conn(a.id, b.id);
    // Typing into the script field coalesces into one step.
    s().updateTask(a.id, { params: { script: "e" } });
    s().updateTask(a.id, { params: { script: "ec" } });
    s().updateTask(a.id, { params: { script: "echo" } });
    s().selectTask(b.id);
    s().deleteSelected();
    expect(s().nodes).toHaveLength(1);
    expect(s().edges).toHaveLength(0);

    s().undo(); // delete
    expect(s().nodes).toHaveLength(2);
    expect(s().edges).toHaveLength(1);
    expect(s().nodes.some((n) => n.selected)).toBe(false);
    s().undo(); // the typing
    expect(s().nodes[0]!.data.task.params).toEqual({ script: "echo hello" });
    s().undo(); // connect
    expect(s().edges).toHaveLength(0);
    s().undo(); // add b
    s().undo(); // add a
    expect(s().nodes).toHaveLength(0);
    s().undo(); // nothing left: no-op
    expect(s().nodes).toHaveLength(0);

    for (let i = 0; i < 5; i++) s().redo();
    expect(s().nodes).toHaveLength(1);
    expect(s().nodes[0]!.data.task.params).toEqual({ script: "echo" });
  });

  it("records a node drag as one step however many frames it takes", () => {
    const a = s().addTask("shell", { x: 0, y: 0 })!;
    const before = s().history.past.length;
    for (let i = 1; i <= 30; i++)
      s().onNodesChange([
        { type: "position", id: a.id, position: { x: i * 5, y: 0 }, dragging: true },
      ]);
    s().onNodesChange([
      { type: "position", id: a.id, position: { x: 150, y: 0 }, dragging: false },
    ]);
    expect(s().history.past.length).toBe(before + 1);
    expect(s().nodes[0]!.position).toEqual({ x: 150, y: 0 });
    s().undo();
    expect(s().nodes[0]!.position).toEqual({ x: 0, y: 0 });
  });

  it("pastes copied tasks with new codes and names as one undoable step", () => {
    const a = s().addTask("shell", { x: 0, y: 0 })!;
    const b = s().addTask("shell", { x: 300, y: 0 })!;
    conn(a.id, b.id);
    s().selectAll();
    const text = s().copySelection()!;
    expect(s().paste(text, { x: 0, y: 200 })).toBe(true);
    expect(s().nodes).toHaveLength(4);
    expect(s().edges).toHaveLength(2);
    expect(new Set(s().nodes.map((n) => n.data.task.name)).size).toBe(4);
    s().undo();
    expect(s().nodes).toHaveLength(2);
    expect(s().paste("not json", { x: 0, y: 0 })).toBe(false);
    expect(s().message?.kind).toBe("error");
  });

  it("lays out left to right as one undoable step", async () => {
    const a = s().addTask("shell", { x: 500, y: 0 })!;
    const b = s().addTask("shell", { x: 0, y: 0 })!;
    conn(a.id, b.id);
    await s().relayout();
    const pos = (id: string) => s().nodes.find((n) => n.id === id)!.position;
    expect(pos(a.id).x).toBeLessThan(pos(b.id).x);
    s().undo();
    expect(pos(a.id)).toEqual({ x: 500, y: 0 });
  });
});
