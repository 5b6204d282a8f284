import { describe, expect, it } from "vitest";
import { evaluateCondition, evaluateExpression } from "./expression";
import { chooseSwitchBranch, SwitchParamsSchema } from "./switch";

const vars = { region: "eu", n: "5", empty: "", flag: "false", quote: 'a" || "1" == "1' };

describe("evaluateCondition", () => {
  it.each([
    ['${region} == "eu" && ${n} > 3', true],
    ['${region} == "us" || ${n} > 3', true],
    ['${region} == "eu" && ${n} > 5', false],
    ["${n} >= 5 && ${n} <= 5", true],
    ["${n} == 5.0", true], // numeric strings compare as numbers
    ['${n} == "05"', true],
    ["${n} + 1 == 6", true],
    ['${region} + "-west" == "eu-west"', true],
    ['"${region}" == "eu"', true], // DolphinScheduler's quoted style
    ["!${flag}", true], // "false" is false
    ["${empty}", false],
    ["${n} % 2 == 1 ? true : false", true],
    ['${region} != "eu"', false],
    ["10 > 9", true], // numbers, not strings ("10" < "9")
  ])("%s → %s", (expr, expected) => {
    expect(evaluateCondition(expr, vars)).toEqual({ ok: true, value: expected });
  });

  it("keeps a value with quotes inside its string literal", () => {
    // Spliced into a literal, the value cannot close it and add `|| true`.
    expect(evaluateCondition('"${quote}" == "x"', vars)).toEqual({ ok: true, value: false });
    expect(evaluateExpression('"${quote}"', vars)).toEqual({ ok: true, value: vars.quote });
    // As a bare reference it is a value, never code.
    expect(evaluateCondition("${quote}", vars)).toEqual({ ok: true, value: true });
    expect(evaluateCondition('${quote} == "1"', vars)).toEqual({ ok: true, value: false });
  });

  it.each([
    ['constructor.constructor("return process")()', "function calls are not allowed"],
    ['"".constructor.constructor', "property access is not allowed"],
    ["this", "`this` is not allowed"],
    ["[1, 2]", "arrays are not allowed"],
    ["process", 'unknown name "process": reference params as ${process} and quote strings'],
    ["${region}.length > 1", "property access is not allowed"],
    ['${region}["constructor"]', "property access is not allowed"],
    ["1 | 2", "operator | is not allowed"],
    ["~1", "operator ~ is not allowed"],
    ["a = 1", 'syntax error: Unexpected "=" at character 2'],
    ["${nope} == 1", "unknown param ${nope}"],
    ["${region} - 1", 'operator - needs numbers, got "eu" and 1'.replace("operator ", "")],
  ])("refuses %s", (expr, message) => {
    expect(evaluateCondition(expr, vars)).toEqual({ ok: false, error: message });
  });

  it("reports syntax errors", () => {
    const r = evaluateCondition("${n} > ", vars);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^syntax error: /);
  });

  it("refuses an over-long expression", () => {
    expect(evaluateCondition("1 == 1 && ".repeat(300) + "true", vars).ok).toBe(false);
  });
});

describe("chooseSwitchBranch", () => {
  const params = SwitchParamsSchema.parse({
    branches: [
      { condition: '${region} == "us"', next: "us" },
      { condition: '${region} == "eu" && ${n} > 3', next: "eu" },
      { condition: "${n} > 0", next: "positive" },
    ],
    defaultNext: "other",
  });

  it("takes the first branch whose condition holds", () => {
    expect(chooseSwitchBranch(params, vars)).toEqual({
      ok: true,
      value: { branch: 1, next: "eu" },
    });
  });

  it("takes the default branch when nothing matches", () => {
    expect(chooseSwitchBranch(params, { region: "apac", n: "0" })).toEqual({
      ok: true,
      value: { branch: "default", next: "other" },
    });
  });

  it("fails when nothing matches and there is no default", () => {
    expect(
      chooseSwitchBranch({ ...params, defaultNext: null }, { region: "apac", n: "0" }),
    ).toEqual({
      ok: false,
      error: "none of the 3 branch conditions matched and there is no default branch",
    });
  });

  it("names the branch whose condition is bad", () => {
    expect(chooseSwitchBranch(params, { region: "apac" })).toEqual({
      ok: false,
      error: 'branch 2 (${region} == "eu" && ${n} > 3): unknown param ${n}',
    });
  });
});

describe("validateWorkflow on branch tasks", () => {
  it("names a branch that is not connected after the switch and a condition not on an upstream", async () => {
    const { validateWorkflow } = await import("../format/validate");
    const r = validateWorkflow({
      name: "w",
      tasks: [
        { code: "a", name: "A", type: "shell", params: { script: "true" } },
        {
          code: "sw",
          name: "Route",
          type: "switch",
          params: { branches: [{ condition: "1 == 1", next: "b" }], defaultNext: "a" },
        },
        { code: "b", name: "B", type: "shell", params: { script: "true" } },
        {
          code: "c",
          name: "Check",
          type: "conditions",
          params: { conditions: [{ taskCode: "b", state: "SUCCESS" }], successNext: ["a"] },
        },
      ],
      edges: [
        { from: "a", to: "sw" },
        { from: "sw", to: "b" },
      ],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.map((i) => i.message)).toEqual([
      'task "Route": params.defaultNext: branch task "A" must be connected after this task (add an edge to it)',
      'task "Check": params.conditions[0].taskCode: task "B" must be connected before this task (add an edge from it)',
      'task "Check": params.successNext[0]: branch task "A" must be connected after this task (add an edge to it)',
    ]);
  });
});
