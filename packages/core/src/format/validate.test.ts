import { describe, expect, it } from "vitest";
import type { ValidationIssue } from "../errors";
import { TASK_TYPES } from "../task-types";
import { validateWorkflow } from "./validate";
import type { TaskDefinitionInput } from "./workflow";

const shell = (
  code: string,
  name: string,
  extra: Partial<TaskDefinitionInput> = {},
): TaskDefinitionInput => ({
  code,
  name,
  type: "shell",
  params: { script: `echo ${code}` },
  ...extra,
});
const edge = (from: string, to: string) => ({ from, to });

const extract = shell("a", "Extract");
const transform = shell("b", "Transform");
const load = shell("c", "Load");
const report = shell("d", "Report");

interface Case {
  name: string;
  input: unknown;
  issues: ValidationIssue[];
}

const cases: Case[] = [
  {
    name: "a cycle a → b → c → a, naming its tasks in order",
    input: {
      name: "etl",
      tasks: [extract, transform, load],
      edges: [edge("a", "b"), edge("b", "c"), edge("c", "a")],
    },
    issues: [
      {
        code: "cycle",
        taskCode: "a",
        taskName: "Extract",
        field: "edges",
        message: "cycle between tasks: Extract → Transform → Load → Extract",
      },
    ],
  },
  {
    name: "two loops through one task, naming a path that exists",
    input: {
      name: "etl",
      tasks: [extract, transform, load],
      edges: [edge("a", "b"), edge("b", "a"), edge("a", "c"), edge("c", "a")],
    },
    issues: [
      {
        code: "cycle",
        taskCode: "a",
        taskName: "Extract",
        field: "edges",
        message: "cycle between tasks: Extract → Transform → Extract",
      },
    ],
  },
  {
    name: "a self-loop",
    input: { name: "etl", tasks: [extract, transform], edges: [edge("a", "b"), edge("b", "b")] },
    issues: [
      {
        code: "cycle",
        taskCode: "b",
        taskName: "Transform",
        field: "edges",
        message: "cycle between tasks: Transform → Transform",
      },
    ],
  },
  {
    name: "two separate cycles, one issue each",
    input: {
      name: "etl",
      tasks: [extract, transform, load, report],
      edges: [edge("a", "b"), edge("b", "a"), edge("b", "c"), edge("c", "d"), edge("d", "c")],
    },
    issues: [
      {
        code: "cycle",
        taskCode: "a",
        taskName: "Extract",
        field: "edges",
        message: "cycle between tasks: Extract → Transform → Extract",
      },
      {
        code: "cycle",
        taskCode: "c",
        taskName: "Load",
        field: "edges",
        message: "cycle between tasks: Load → Report → Load",
      },
    ].reverse(), // Tarjan finishes the downstream component first
  },
  {
    name: "an edge to an unknown code",
    input: { name: "etl", tasks: [extract], edges: [edge("a", "zz")] },
    issues: [
      {
        code: "unknown_edge_task",
        taskCode: "a",
        taskName: "Extract",
        field: "edges[0].to",
        message: 'edge a → zz: no task has code "zz"',
      },
    ],
  },
  {
    name: "an edge from an unknown code",
    input: { name: "etl", tasks: [extract, transform], edges: [edge("a", "b"), edge("zz", "b")] },
    issues: [
      {
        code: "unknown_edge_task",
        taskCode: "b",
        taskName: "Transform",
        field: "edges[1].from",
        message: 'edge zz → b: no task has code "zz"',
      },
    ],
  },
  {
    name: "the same edge twice",
    input: { name: "etl", tasks: [extract, transform], edges: [edge("a", "b"), edge("a", "b")] },
    issues: [
      { code: "duplicate_edge", field: "edges[1]", message: "edge a → b appears more than once" },
    ],
  },
  {
    name: "two tasks with the same code",
    input: { name: "etl", tasks: [extract, shell("a", "Extract again")] },
    issues: [
      {
        code: "duplicate_code",
        taskCode: "a",
        taskName: "Extract again",
        field: "code",
        message: 'task "Extract again": code "a" is used by more than one task',
      },
    ],
  },
  {
    name: "two tasks with the same name",
    input: { name: "etl", tasks: [extract, shell("b", "Extract")] },
    issues: [
      {
        code: "duplicate_name",
        taskCode: "b",
        taskName: "Extract",
        field: "name",
        message: 'task "Extract": the name is used by more than one task',
      },
    ],
  },
  {
    name: "an unknown task type",
    input: { name: "etl", tasks: [extract, shell("b", "Transform", { type: "spark" })] },
    issues: [
      {
        code: "unknown_task_type",
        taskCode: "b",
        taskName: "Transform",
        field: "type",
        message: `task "Transform": unknown task type "spark" (known: ${Object.keys(TASK_TYPES).join(", ")})`,
      },
    ],
  },
  {
    name: "a shell task without a script",
    input: { name: "etl", tasks: [shell("a", "Extract", { params: {} })] },
    issues: [
      {
        code: "invalid_params",
        taskCode: "a",
        taskName: "Extract",
        field: "params.script",
        message:
          'task "Extract": params.script: Invalid input: expected string, received undefined',
      },
    ],
  },
  {
    name: "a shell task with an empty script",
    input: { name: "etl", tasks: [shell("a", "Extract", { params: { script: "" } })] },
    issues: [
      {
        code: "invalid_params",
        taskCode: "a",
        taskName: "Extract",
        field: "params.script",
        message: 'task "Extract": params.script: script is required',
      },
    ],
  },
  {
    name: "negative retries on a task",
    input: { name: "etl", tasks: [extract, shell("b", "Transform", { retries: -1 })] },
    issues: [
      {
        code: "invalid_field",
        taskCode: "b",
        taskName: "Transform",
        field: "retries",
        message: 'task "Transform": retries: Too small: expected number to be >=0',
      },
    ],
  },
  {
    name: "a bad nested field on a task",
    input: {
      name: "etl",
      tasks: [shell("a", "Extract", { timeout: { seconds: 0, strategy: "fail" } })],
    },
    issues: [
      {
        code: "invalid_field",
        taskCode: "a",
        taskName: "Extract",
        field: "timeout.seconds",
        message: 'task "Extract": timeout.seconds: Too small: expected number to be >=1',
      },
    ],
  },
  {
    name: "a blank workflow name",
    input: { name: "   ", tasks: [extract] },
    issues: [{ code: "invalid_field", field: "name", message: "name: workflow name is required" }],
  },
  {
    name: "no workflow name at all",
    input: { tasks: [extract] },
    issues: [
      {
        code: "invalid_field",
        field: "name",
        message: "name: Invalid input: expected string, received undefined",
      },
    ],
  },
];

describe("validateWorkflow rejects", () => {
  it.each(cases)("$name", ({ input, issues }) => {
    const result = validateWorkflow(input);
    expect(result).toEqual({ ok: false, error: issues });
  });
});

describe("validateWorkflow accepts", () => {
  it("a diamond, filling every default", () => {
    const result = validateWorkflow({
      name: "diamond",
      tasks: [extract, transform, load, report],
      edges: [edge("a", "b"), edge("a", "c"), edge("b", "d"), edge("c", "d")],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toEqual({
      name: "diamond",
      description: "",
      globalParams: [],
      tasks: [extract, transform, load, report].map((t) => ({
        code: t.code,
        name: t.name,
        description: "",
        type: "shell",
        params: t.params,
        workerGroup: "default",
        priority: "MEDIUM",
        retries: 0,
        retryIntervalSeconds: 0,
        timeout: null,
        delaySeconds: 0,
        prohibitExecution: false,
        localParams: [],
      })),
      edges: [edge("a", "b"), edge("a", "c"), edge("b", "d"), edge("c", "d")],
    });
  });

  it("strips unknown params keys through the task type's schema", () => {
    const result = validateWorkflow({
      name: "w",
      tasks: [shell("a", "Extract", { params: { script: "echo", stray: 1 } })],
    });
    expect(result.ok && result.value.tasks[0]?.params).toEqual({ script: "echo" });
  });

  it("an empty workflow", () => {
    expect(validateWorkflow({ name: "empty", tasks: [] }).ok).toBe(true);
  });
});

describe("validateWorkflow reports every problem at once", () => {
  it("keeps unrelated issues from different tasks", () => {
    const result = validateWorkflow({
      name: "etl",
      tasks: [shell("a", "Extract", { type: "spark" }), shell("b", "Transform", { params: {} })],
      edges: [edge("a", "b"), edge("b", "a")],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.map((i) => [i.code, i.taskCode])).toEqual([
      ["unknown_task_type", "a"],
      ["invalid_params", "b"],
      ["cycle", "a"],
    ]);
  });
});
