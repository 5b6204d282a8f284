import { describe, expect, it } from "vitest";
import { skippedOf, skipReason } from "./skipped";

const def = (codes: string[], edges: string[]) => ({
  tasks: codes.map((c) => ({ code: c, name: `${c}-name` })),
  edges: edges.map((e) => {
    const [from, to] = e.split(">");
    return { from: from!, to: to! };
  }),
});
const done = (
  taskCode: string,
  taskType = "shell",
  detail: Record<string, unknown> | null = null,
) => ({
  taskCode,
  taskType,
  state: "SUCCESS",
  detail,
});

// route switches to us | eu | other; eu and other join.
const routed = def(
  ["route", "us", "eu", "other", "join", "after-us"],
  ["route>us", "route>eu", "route>other", "eu>join", "other>join", "us>after-us"],
);

describe("skippedOf", () => {
  it("lists the branches a switch did not take, with the switch's name, and what only they lead to", () => {
    const s = skippedOf(routed, [
      done("route", "switch", { branch: 1, next: ["eu"] }),
      done("eu"),
      done("join"),
    ]);
    expect([...s.keys()].sort()).toEqual(["after-us", "other", "us"]);
    expect(s.get("us")).toEqual({ by: ["route-name"] });
    expect(s.get("after-us")).toEqual({ by: ["route-name"] }); // inherited from its skipped upstream
    expect(skipReason(s.get("other")!)).toBe("branch not taken by route-name");
  });

  it("skips nothing before the switch has decided, or when it failed", () => {
    expect(skippedOf(routed, []).size).toBe(0);
    expect(
      skippedOf(routed, [{ taskCode: "route", taskType: "switch", state: "RUNNING", detail: null }])
        .size,
    ).toBe(0);
    expect(
      skippedOf(routed, [
        { taskCode: "route", taskType: "switch", state: "FAILURE", detail: { next: ["eu"] } },
      ]).size,
    ).toBe(0);
  });

  it("follows a conditions task's outcome and never lists a task that has an attempt", () => {
    const d = def(["a", "check", "ok", "bad"], ["a>check", "check>ok", "check>bad"]);
    const decided = done("check", "conditions", { outcome: "failure", next: ["bad"] });
    expect([...skippedOf(d, [done("a"), decided]).keys()]).toEqual(["ok"]);
    expect(skippedOf(d, [done("a"), decided, done("ok")]).size).toBe(0);
  });

  it("names every decider of a join whose upstreams were all ruled out by different tasks", () => {
    const d = def(
      ["s1", "s2", "x", "y", "x2", "y2", "join"],
      ["s1>x", "s1>x2", "s2>y", "s2>y2", "x>join", "y>join"],
    );
    const s = skippedOf(d, [
      done("s1", "switch", { next: ["x2"] }),
      done("s2", "switch", { next: ["y2"] }),
    ]);
    expect(s.get("join")?.by.sort()).toEqual(["s1-name", "s2-name"]);
    expect(skipReason(s.get("join")!)).toMatch(/^branch not taken by s\d-name, s\d-name$/);
  });
});
