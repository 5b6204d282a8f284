import { describe, expect, it } from "vitest";
import { diffLines, diffWorkflows, isEmptyDiff } from "./diff";
import type { TaskDefinition } from "./workflow";

function task(code: string, patch: Partial<TaskDefinition> = {}): TaskDefinition {
  return {
    code,
    name: code,
    description: "",
    type: "shell",
    params: { script: `echo ${code}` },
    workerGroup: "default",
    priority: "MEDIUM",
    retries: 0,
    retryIntervalSeconds: 0,
    timeout: null,
    delaySeconds: 0,
    prohibitExecution: false,
    localParams: [],
    ...patch,
  };
}

const base = {
  name: "wf",
  description: "",
  globalParams: [{ name: "dt", value: "$[yyyyMMdd]" }],
  tasks: [task("a"), task("b"), task("c")],
  edges: [
    { from: "a", to: "b" },
    { from: "b", to: "c" },
  ],
};

describe("diffWorkflows", () => {
  it("finds nothing between equal definitions, even when positions moved", () => {
    const d = diffWorkflows(base, {
      ...(JSON.parse(JSON.stringify(base)) as typeof base),
      layout: { a: { x: 1, y: 2 } },
    } as typeof base);
    expect(isEmptyDiff(d)).toBe(true);
  });

  it("lists added and removed tasks and edges", () => {
    const after = {
      ...base,
      tasks: [task("a"), task("b"), task("d", { name: "deploy", type: "python" })],
      edges: [
        { from: "a", to: "b" },
        { from: "b", to: "d" },
      ],
    };
    const d = diffWorkflows(base, after);
    expect(d.tasksAdded).toEqual([{ code: "d", name: "deploy", type: "python" }]);
    expect(d.tasksRemoved).toEqual([{ code: "c", name: "c", type: "shell" }]);
    expect(d.edgesAdded).toEqual([{ from: "b", to: "d" }]);
    expect(d.edgesRemoved).toEqual([{ from: "b", to: "c" }]);
    expect(d.tasksChanged).toEqual([]);
    expect(isEmptyDiff(d)).toBe(false);
  });

  it("reports changed fields by path, nested ones included", () => {
    const after = {
      ...base,
      tasks: [
        task("a", { retries: 3, timeout: { seconds: 60, strategy: "warn" } }),
        task("b", {
          params: { script: "echo b", extra: { headers: [{ name: "X", value: "2" }] } },
        }),
        task("c"),
      ],
    };
    const before = {
      ...base,
      tasks: [
        task("a"),
        task("b", {
          params: { script: "echo b", extra: { headers: [{ name: "X", value: "1" }] } },
        }),
        task("c"),
      ],
    };
    const d = diffWorkflows(before, after);
    expect(d.tasksChanged).toEqual([
      {
        code: "a",
        name: "a",
        type: "shell",
        changes: [
          { field: "retries", before: 0, after: 3 },
          { field: "timeout", before: null, after: { seconds: 60, strategy: "warn" } },
        ],
      },
      {
        code: "b",
        name: "b",
        type: "shell",
        changes: [{ field: "params.extra.headers[0].value", before: "1", after: "2" }],
      },
    ]);
  });

  it("shows the changed line of a multi-line script", () => {
    const before = {
      ...base,
      tasks: [task("a", { params: { script: "set -e\necho one\necho two\nexit 0" } })],
    };
    const after = {
      ...base,
      tasks: [task("a", { params: { script: "set -e\necho one\necho TWO\nexit 0" } })],
    };
    const [change] = diffWorkflows(before, after).tasksChanged[0]!.changes;
    expect(change!.field).toBe("params.script");
    expect(change!.lines).toEqual([
      { op: "-", line: 3, text: "echo two" },
      { op: "+", line: 3, text: "echo TWO" },
    ]);
  });

  it("compares global params by name and the workflow's own fields", () => {
    const after = {
      ...base,
      name: "wf2",
      globalParams: [
        { name: "env", value: "prod" },
        { name: "dt", value: "$[yyyyMMdd-1]" },
      ],
    };
    expect(diffWorkflows(base, after).workflow).toEqual([
      { field: "name", before: "wf", after: "wf2" },
      { field: "globalParams.dt", before: "$[yyyyMMdd]", after: "$[yyyyMMdd-1]" },
      { field: "globalParams.env", before: undefined, after: "prod" },
    ]);
  });

  it("a task whose param key was removed reports it as gone", () => {
    const before = { ...base, tasks: [task("a", { params: { script: "x", mode: "fast" } })] };
    const after = { ...base, tasks: [task("a", { params: { script: "x" } })] };
    expect(diffWorkflows(before, after).tasksChanged[0]!.changes).toEqual([
      { field: "params.mode", before: "fast", after: undefined },
    ]);
  });
});

describe("diffLines", () => {
  it("keeps common lines out and numbers lines on their own side", () => {
    expect(diffLines("a\nb\nc", "a\nx\nb\nc\nd")).toEqual([
      { op: "+", line: 2, text: "x" },
      { op: "+", line: 5, text: "d" },
    ]);
    expect(diffLines("a\nb\nc", "a\nc")).toEqual([{ op: "-", line: 2, text: "b" }]);
    expect(diffLines("same", "same")).toEqual([]);
  });

  it("handles long texts with one edited line", () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i}`);
    const edited = [...lines];
    edited[12_345] = "changed";
    expect(diffLines(lines.join("\n"), edited.join("\n"))).toEqual([
      { op: "-", line: 12_346, text: "line 12345" },
      { op: "+", line: 12_346, text: "changed" },
    ]);
  });
});
