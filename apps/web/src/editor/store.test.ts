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
