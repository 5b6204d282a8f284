import { describe, expect, it } from "vitest";
import type { TaskInstanceState } from "../statuses";
import { conditionsOutcome, ConditionsParamsSchema } from "../task-types/conditions";
import { branchDecisions, skippedTasks } from "./branches";
import { buildDag } from "./graph";
import { readiness } from "./readiness";

const dagOf = (codes: string[], edges: string) =>
  buildDag(
    codes,
    edges.split(" ").map((e) => {
      const [from, to] = e.split(">");
      return { from: from!, to: to! };
    }),
  );
const states = (s: Record<string, TaskInstanceState>) =>
  new Map<string, TaskInstanceState | undefined>(Object.entries(s));

/** a → cond → {ok → okJoin, bad}; okJoin also after x; end after ok and bad */
const conditionsDag = dagOf(
  ["a", "cond", "ok", "bad", "x", "join", "end"],
  "a>cond cond>ok cond>bad ok>join x>join ok>end bad>end",
);
const conditions = new Set(["cond"]);

describe("conditionsOutcome", () => {
  const params = ConditionsParamsSchema.parse({
    relation: "AND",
    conditions: [
      { taskCode: "a", state: "SUCCESS" },
      { taskCode: "b", state: "FAILURE" },
    ],
    successNext: ["ok"],
    failureNext: ["bad"],
  });

  it.each([
    { relation: "AND", a: "SUCCESS", b: "FAILURE", outcome: "success", next: ["ok"] },
    { relation: "AND", a: "SUCCESS", b: "SUCCESS", outcome: "failure", next: ["bad"] },
    { relation: "AND", a: "FORCED_SUCCESS", b: "KILL", outcome: "success", next: ["ok"] },
    { relation: "OR", a: "FAILURE", b: "FAILURE", outcome: "success", next: ["ok"] },
    { relation: "OR", a: "FAILURE", b: "SUCCESS", outcome: "failure", next: ["bad"] },
    { relation: "OR", a: "FAILURE", b: undefined, outcome: "failure", next: ["bad"] },
  ] as const)("$relation with a=$a b=$b → $outcome", ({ relation, a, b, outcome, next }) => {
    const r = conditionsOutcome(
      { ...params, relation },
      new Map([
        ["a", a],
        ["b", b],
      ]),
    );
    expect(r.outcome).toBe(outcome);
    expect(r.next).toEqual(next);
    expect(r.checks.map((c) => c.actual)).toEqual([a, b ?? "NOT_RUN"]);
  });
});

describe("skippedTasks", () => {
  it("skips the branch not taken and what only it leads to, not a join with a live upstream", () => {
    expect(skippedTasks(conditionsDag, new Map([["cond", ["bad"]]]))).toEqual(new Set(["ok"]));
    // join waits on x too; end on bad: neither is skipped.
    const chain = dagOf(["s", "a", "b", "a2", "b2"], "s>a s>b a>a2 b>b2");
    expect(skippedTasks(chain, new Map([["s", ["a"]]]))).toEqual(new Set(["b", "b2"]));
  });

  it("skips a join once all its upstreams are skipped", () => {
    const d = dagOf(["s", "a", "b", "c", "j"], "s>a s>b s>c a>j b>j");
    expect(skippedTasks(d, new Map([["s", ["c"]]]))).toEqual(new Set(["a", "b", "j"]));
  });
});

describe("readiness with branches", () => {
  const run = (
    s: Record<string, TaskInstanceState>,
    skipped: string[] = [],
    failureStrategy: "END" | "CONTINUE" = "END",
  ) =>
    readiness(conditionsDag, states(s), { failureStrategy, conditions, skipped: new Set(skipped) });

  it("runs a conditions task after a failed upstream, without stopping dispatch", () => {
    expect(run({ a: "FAILURE", x: "SUCCESS" })).toMatchObject({
      ready: ["cond"],
      blocked: [],
      done: false,
    });
  });

  it("runs a conditions task after a successful upstream", () => {
    expect(run({ a: "SUCCESS", x: "SUCCESS" }).ready).toEqual(["cond"]);
  });

  it("ends SUCCESS when the taken failure branch succeeds and the other is skipped", () => {
    const s = { a: "FAILURE", cond: "SUCCESS", bad: "SUCCESS", x: "SUCCESS" } as const;
    const skipped = [...skippedTasks(conditionsDag, new Map([["cond", ["bad"]]]))];
    // join still has x, a live upstream: it runs.
    expect(run(s, skipped)).toMatchObject({ ready: ["join", "end"], done: false });
    expect(run({ ...s, join: "SUCCESS", end: "SUCCESS" }, skipped)).toEqual({
      ready: [],
      active: [],
      blocked: [],
      done: true,
      outcome: "SUCCESS",
    });
  });

  it("runs a join whose other upstream was skipped", () => {
    const s = { a: "SUCCESS", cond: "SUCCESS", ok: "SUCCESS", x: "SUCCESS" } as const;
    expect(run(s, ["bad"]).ready).toEqual(["join", "end"]);
  });

  it("still fails on a failure no conditions task handles", () => {
    expect(run({ a: "SUCCESS", cond: "SUCCESS", ok: "FAILURE", x: "SUCCESS" }, ["bad"])).toEqual({
      ready: [],
      active: [],
      blocked: ["join", "end"],
      done: true,
      outcome: "FAILURE",
    });
  });

  it("blocks a conditions task whose upstream can never run", () => {
    const d = dagOf(["p", "a", "cond", "n"], "p>a a>cond cond>n");
    expect(
      readiness(d, states({ p: "FAILURE" }), { failureStrategy: "CONTINUE", conditions }),
    ).toMatchObject({
      blocked: ["a", "cond", "n"],
      done: true,
      outcome: "FAILURE",
    });
  });
});

describe("branchDecisions", () => {
  it("reads next from successful switch and conditions attempts only", () => {
    expect(
      branchDecisions([
        {
          taskCode: "sw",
          taskType: "switch",
          state: "SUCCESS",
          detail: { branch: 0, next: ["a"] },
        },
        {
          taskCode: "c",
          taskType: "conditions",
          state: "FORCED_SUCCESS",
          detail: { outcome: "failure", next: ["f", 3] },
        },
        { taskCode: "bad", taskType: "switch", state: "FAILURE", detail: { next: ["x"] } },
        { taskCode: "sh", taskType: "shell", state: "SUCCESS", detail: { next: ["y"] } },
        { taskCode: "new", taskType: "switch", state: "RUNNING", detail: null },
      ]),
    ).toEqual(
      new Map([
        ["sw", ["a"]],
        ["c", ["f"]],
      ]),
    );
  });
});
