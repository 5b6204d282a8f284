import { describe, expect, it } from "vitest";
import { transitionWorkflow } from "../machines/workflow-instance";
import { type FailureStrategy, isTaskFailed, type TaskInstanceState } from "../statuses";
import { buildDag, type Dag } from "./graph";
import { type Readiness, readiness } from "./readiness";

const dagOf = (codes: string[], edges: string): Dag =>
  buildDag(
    codes,
    edges
      .split(" ")
      .filter(Boolean)
      .map((e) => {
        const [from, to] = e.split(">");
        return { from: from!, to: to! };
      }),
  );

/** a → b, a → c, b → d, c → d */
const diamond = dagOf(["a", "b", "c", "d"], "a>b a>c b>d c>d");
/** a → b → c, and an independent x → y */
const branches = dagOf(["a", "b", "c", "x", "y"], "a>b b>c x>y");

interface Case {
  name: string;
  dag: Dag;
  states: Record<string, TaskInstanceState>;
  failureStrategy?: FailureStrategy;
  scope?: string[];
  expected: Readiness;
}

const notDone = (ready: string[], active: string[] = [], blocked: string[] = []): Readiness => ({
  ready,
  active,
  blocked,
  done: false,
});
const done = (outcome: "SUCCESS" | "FAILURE", blocked: string[] = []): Readiness => ({
  ready: [],
  active: [],
  blocked,
  done: true,
  outcome,
});

const cases: Case[] = [
  // progress through a diamond
  {
    name: "a fresh DAG: the roots are ready",
    dag: branches,
    states: {},
    expected: notDone(["a", "x"]),
  },
  {
    name: "diamond: a done, b and c ready",
    dag: diamond,
    states: { a: "SUCCESS" },
    expected: notDone(["b", "c"]),
  },
  {
    name: "diamond: d waits for c still running",
    dag: diamond,
    states: { a: "SUCCESS", b: "SUCCESS", c: "RUNNING" },
    expected: notDone([], ["c"]),
  },
  {
    name: "diamond: every waiting or running attempt is active",
    dag: diamond,
    states: { a: "SUCCESS", b: "DELAY_EXECUTION", c: "DISPATCHED" },
    expected: notDone([], ["b", "c"]),
  },
  {
    name: "diamond: d ready once both b and c succeeded",
    dag: diamond,
    states: { a: "SUCCESS", b: "SUCCESS", c: "SUCCESS" },
    expected: notDone(["d"]),
  },
  {
    name: "diamond: all succeeded",
    dag: diamond,
    states: { a: "SUCCESS", b: "SUCCESS", c: "SUCCESS", d: "SUCCESS" },
    expected: done("SUCCESS"),
  },
  {
    name: "FORCED_SUCCESS unblocks downstream like SUCCESS",
    dag: diamond,
    states: { a: "SUCCESS", b: "SUCCESS", c: "FORCED_SUCCESS" },
    expected: notDone(["d"]),
  },
  {
    name: "FORCED_SUCCESS counts towards a successful outcome",
    dag: diamond,
    states: { a: "FORCED_SUCCESS", b: "SUCCESS", c: "SUCCESS", d: "FORCED_SUCCESS" },
    expected: done("SUCCESS"),
  },

  // failure strategy END
  {
    name: "END: a failure stops new dispatches while other tasks finish",
    dag: branches,
    states: { a: "SUCCESS", b: "FAILURE", x: "RUNNING" },
    failureStrategy: "END",
    expected: notDone([], ["x"], ["c"]),
  },
  {
    name: "END: done as FAILURE once nothing is active, though y could run",
    dag: branches,
    states: { a: "SUCCESS", b: "FAILURE", x: "SUCCESS" },
    failureStrategy: "END",
    expected: done("FAILURE", ["c"]),
  },
  {
    name: "END: a root failing keeps the other root from starting",
    dag: branches,
    states: { a: "FAILURE" },
    failureStrategy: "END",
    expected: done("FAILURE", ["b", "c"]),
  },

  // failure strategy CONTINUE
  {
    name: "CONTINUE: the branch not downstream of the failure goes on",
    dag: branches,
    states: { a: "SUCCESS", b: "FAILURE", x: "SUCCESS" },
    failureStrategy: "CONTINUE",
    expected: notDone(["y"], [], ["c"]),
  },
  {
    name: "CONTINUE: done as FAILURE when the rest has run",
    dag: branches,
    states: { a: "SUCCESS", b: "FAILURE", x: "SUCCESS", y: "SUCCESS" },
    failureStrategy: "CONTINUE",
    expected: done("FAILURE", ["c"]),
  },
  {
    name: "CONTINUE: a killed task blocks its downstream like a failure",
    dag: diamond,
    states: { a: "SUCCESS", b: "KILL", c: "RUNNING" },
    failureStrategy: "CONTINUE",
    expected: notDone([], ["c"], ["d"]),
  },
  {
    name: "CONTINUE: a failed root blocks everything transitively downstream",
    dag: branches,
    states: { a: "FAILURE" },
    failureStrategy: "CONTINUE",
    expected: notDone(["x"], [], ["b", "c"]),
  },

  // scope: run only some tasks
  {
    name: "scope: tasks outside count as succeeded",
    dag: diamond,
    states: {},
    scope: ["b", "d"],
    expected: notDone(["b"]),
  },
  {
    name: "scope: downstream ready once the in-scope upstream succeeded",
    dag: diamond,
    states: { b: "SUCCESS" },
    scope: ["b", "d"],
    expected: notDone(["d"]),
  },
  {
    name: "scope: done as SUCCESS though tasks outside never ran",
    dag: diamond,
    states: { b: "SUCCESS", d: "SUCCESS" },
    scope: ["b", "d"],
    expected: done("SUCCESS"),
  },
  {
    name: "scope: an old failure outside the scope is ignored",
    dag: diamond,
    states: { a: "SUCCESS", c: "FAILURE" },
    scope: ["b", "d"],
    failureStrategy: "END",
    expected: notDone(["b"]),
  },

  // pause and failover
  {
    name: "PAUSE: downstream waits (not blocked) while other tasks run",
    dag: diamond,
    states: { a: "SUCCESS", b: "PAUSE", c: "RUNNING" },
    expected: notDone([], ["c"]),
  },
  {
    name: "PAUSE: done, not successful, nothing blocked, once nothing is active",
    dag: diamond,
    states: { a: "SUCCESS", b: "PAUSE", c: "SUCCESS" },
    expected: done("FAILURE"),
  },
  {
    name: "NEED_FAILOVER: downstream waits for the failover attempt",
    dag: diamond,
    states: { a: "SUCCESS", b: "NEED_FAILOVER", c: "RUNNING" },
    expected: notDone([], ["c"]),
  },
];

describe("readiness", () => {
  it.each(cases)("$name", ({ dag, states, failureStrategy = "END", scope, expected }) => {
    const result = readiness(dag, new Map(Object.entries(states)), {
      failureStrategy,
      scope: scope && new Set(scope),
    });
    expect(result).toEqual(expected);
  });
});

describe("readiness drives the workflow machine", () => {
  const settle = (state: "RUNNING" | "READY_PAUSE", states: Record<string, TaskInstanceState>) => {
    const r = readiness(diamond, new Map(Object.entries(states)), { failureStrategy: "END" });
    expect(r.done).toBe(true);
    const anyFailed = Object.values(states).some(isTaskFailed);
    return transitionWorkflow(state, { type: "settled", outcome: r.outcome!, anyFailed });
  };

  it("a paused instance whose paused tasks left it unfinished ends PAUSE", () => {
    const next = settle("READY_PAUSE", { a: "SUCCESS", b: "PAUSE", c: "SUCCESS" });
    expect(next).toEqual({
      ok: true,
      state: "PAUSE",
      effects: [{ type: "notify", event: "workflowPaused" }],
    });
  });

  it("a pausing instance with a failed task ends FAILURE", () => {
    const next = settle("READY_PAUSE", { a: "SUCCESS", b: "PAUSE", c: "FAILURE" });
    expect(next).toMatchObject({ ok: true, state: "FAILURE" });
  });

  it("a pausing instance that finished everything anyway ends SUCCESS", () => {
    const next = settle("READY_PAUSE", { a: "SUCCESS", b: "SUCCESS", c: "SUCCESS", d: "SUCCESS" });
    expect(next).toMatchObject({ ok: true, state: "SUCCESS" });
  });
});
