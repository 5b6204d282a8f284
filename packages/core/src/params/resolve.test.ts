import { describe, expect, test } from "vitest";
import { MAX_PARAM_DEPTH, mergeParams, resolveParams, resolveTaskParams, systemParams } from "./resolve";

const baseTime = new Date("2026-03-01T10:00:00Z");
const timeZone = "UTC";

describe("resolveParams", () => {
  const params = {
    dt: "$[yyyyMMdd-1]",
    today: "$[yyyyMMdd]",
    a: "${today}",
    b: "${a}/${a}",
    name: "orders",
    path: "/data/${name}/${dt}",
    empty: "",
    "system.biz.date": "20260228",
    price: "$5",
  };
  test.each([
    ["plain text", "plain text"],
    ["", ""],
    ["${name}", "orders"],
    ["select * from ${name} where dt = '${dt}'", "select * from orders where dt = '20260228'"],
    ["${a}", "20260301"], // nested: a -> ${today} -> $[yyyyMMdd]
    ["${b}", "20260301/20260301"],
    ["${path}", "/data/orders/20260228"],
    ["[${empty}]", "[]"],
    ["${system.biz.date}", "20260228"],
    ["$[yyyy-MM-dd] ${name}", "2026-03-01 orders"],
    ["$[add_months(yyyyMMdd,-1)]_${name}", "20260201_orders"],
    ["cost ${price}", "cost $5"], // a value's lone `$` is text
    ["$5 and $ and $x", "$5 and $ and $x"],
    ["${unclosed", "${unclosed"],
    ["$[unclosed", "$[unclosed"],
    ["${name}${unclosed", "orders${unclosed"],
    ["echo $HOME ${name}", "echo $HOME orders"],
  ])("%j -> %j", (text, expected) => {
    expect(resolveParams({ text, params, baseTime, timeZone })).toEqual({ ok: true, value: expected });
  });

  test("an unknown ${x} is an error naming it", () => {
    expect(resolveParams({ text: "echo ${x}", params, baseTime, timeZone })).toEqual({
      ok: false,
      error: { code: "unknown_param", param: "x", message: "Unknown parameter ${x}" },
    });
  });

  test("an unknown name inside a value names both", () => {
    const r = resolveParams({ text: "${outer}", params: { outer: "a-${inner}" }, baseTime, timeZone });
    expect(r).toMatchObject({ ok: false, error: { code: "unknown_param", param: "inner" } });
    expect(!r.ok && r.error.message).toContain('in the value of "outer"');
  });

  test("inherited object properties are not parameters", () => {
    for (const name of ["toString", "constructor", "__proto__", "hasOwnProperty"]) {
      expect(resolveParams({ text: `\${${name}}`, params: {}, baseTime, timeZone })).toMatchObject({
        ok: false,
        error: { code: "unknown_param", param: name },
      });
    }
  });

  test("cycles are errors, not stack overflows", () => {
    expect(resolveParams({ text: "${a}", params: { a: "x${b}", b: "${c}", c: "${a}" }, baseTime, timeZone })).toMatchObject({
      ok: false,
      error: { code: "param_cycle", param: "a", cycle: ["a", "b", "c", "a"] },
    });
    expect(resolveParams({ text: "${self}", params: { self: "${self}" }, baseTime, timeZone })).toMatchObject({
      ok: false,
      error: { code: "param_cycle", cycle: ["self", "self"] },
    });
  });

  test("a parameter used twice is not a cycle", () => {
    expect(resolveParams({ text: "${x}${x}", params: { x: "${y}", y: "1" }, baseTime, timeZone })).toEqual({ ok: true, value: "11" });
  });

  test("bad time expressions are errors, naming the parameter that held them", () => {
    expect(resolveParams({ text: "$[yyyyQQ]", params: {}, baseTime, timeZone })).toMatchObject({
      ok: false,
      error: { code: "bad_time_expression", expression: "yyyyQQ" },
    });
    expect(resolveParams({ text: "${d}", params: { d: "$[foo(yyyy)]" }, baseTime, timeZone })).toMatchObject({
      ok: false,
      error: { code: "bad_time_expression", expression: "foo(yyyy)", param: "d" },
    });
  });

  test("a bad time zone is an error when a time expression needs it", () => {
    expect(resolveParams({ text: "$[yyyyMMdd]", params: {}, baseTime, timeZone: "Nowhere/City" })).toMatchObject({
      ok: false,
      error: { code: "bad_time_zone", timeZone: "Nowhere/City" },
    });
  });

  test("the zone decides the date", () => {
    const late = new Date("2026-03-01T23:30:00Z");
    expect(resolveParams({ text: "${d}", params: { d: "$[yyyyMMdd]" }, baseTime: late, timeZone: "Asia/Shanghai" })).toEqual({
      ok: true,
      value: "20260302",
    });
  });

  test("exponential expansion stops at maxLength", () => {
    const params: Record<string, string> = { p0: "xxxxxxxxxx" };
    for (let i = 1; i <= 30; i++) params[`p${i}`] = `\${p${i - 1}}\${p${i - 1}}`;
    expect(resolveParams({ text: "${p30}", params, baseTime, timeZone })).toMatchObject({
      ok: false,
      error: { code: "too_long", limit: 1_000_000 },
    });
    expect(resolveParams({ text: "${p3}", params, baseTime, timeZone, maxLength: 50 })).toMatchObject({
      ok: false,
      error: { code: "too_long", limit: 50 },
    });
  });

  test("deep chains stop at MAX_PARAM_DEPTH", () => {
    const params: Record<string, string> = { p0: "end" };
    for (let i = 1; i <= MAX_PARAM_DEPTH + 5; i++) params[`p${i}`] = `\${p${i - 1}}`;
    expect(resolveParams({ text: "${p50}", params, baseTime, timeZone })).toEqual({ ok: true, value: "end" });
    expect(resolveParams({ text: `\${p${MAX_PARAM_DEPTH + 5}}`, params, baseTime, timeZone })).toMatchObject({
      ok: false,
      error: { code: "too_deep", limit: MAX_PARAM_DEPTH },
    });
  });
});

describe("mergeParams", () => {
  test("precedence: startup > local > upstream OUT > global > system", () => {
    const merged = mergeParams({
      system: { "system.biz.date": "20260228", all: "system" },
      global: { all: "global", g: "global", gu: "global", gl: "global", gs: "global" },
      upstreamOut: { all: "upstream", u: "upstream", gu: "upstream", ul: "upstream" },
      local: { all: "local", l: "local", gl: "local", ul: "local", ls: "local" },
      startup: { all: "startup", s: "startup", gs: "startup", ls: "startup" },
    });
    expect(merged).toEqual({
      "system.biz.date": "20260228",
      all: "startup",
      g: "global",
      gu: "upstream",
      gl: "local",
      gs: "startup",
      u: "upstream",
      ul: "local",
      l: "local",
      ls: "startup",
      s: "startup",
    });
  });

  test.each([
    [{}, {}],
    [{ global: { a: "1" } }, { a: "1" }],
    [{ global: [{ name: "a", value: "1" }], local: { a: "2" } }, { a: "2" }],
    // several upstream tasks as one list: the later entry wins
    [{ upstreamOut: [{ name: "n", value: "first" }, { name: "n", value: "second" }] }, { n: "second" }],
    [{ global: { a: "1" }, startup: undefined }, { a: "1" }],
  ])("%j -> %j", (sources, expected) => {
    expect(mergeParams(sources)).toEqual(expected);
  });

  test("__proto__ is an ordinary parameter name", () => {
    const merged = mergeParams({ global: [{ name: "__proto__", value: "x" }] });
    expect(Object.hasOwn(merged, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(resolveParams({ text: "${__proto__}", params: merged, baseTime, timeZone })).toEqual({ ok: true, value: "x" });
  });

  test("merged maps feed resolution: a local param shadows a global one it refers to", () => {
    const params = mergeParams({
      global: { table: "orders", dt: "$[yyyyMMdd]" },
      local: { dt: "$[yyyyMMdd-1]", target: "${table}_${dt}" },
    });
    expect(resolveParams({ text: "${target}", params, baseTime, timeZone })).toEqual({ ok: true, value: "orders_20260228" });
  });
});

describe("systemParams", () => {
  test.each([
    [
      "UTC",
      "2026-03-01T10:00:00Z",
      { "system.biz.date": "20260228", "system.biz.curdate": "20260301", "system.datetime": "20260301100000" },
    ],
    [
      "Asia/Shanghai",
      "2026-02-28T16:30:00Z",
      { "system.biz.date": "20260228", "system.biz.curdate": "20260301", "system.datetime": "20260301003000" },
    ],
  ])("%s at %s", (zone, iso, expected) => {
    expect(systemParams(new Date(iso), zone)).toEqual({ ok: true, value: expected });
  });

  test("rejects an unknown zone", () => {
    expect(systemParams(baseTime, "Not/AZone")).toMatchObject({ ok: false, error: { code: "bad_time_zone" } });
  });
});

describe("resolveTaskParams", () => {
  const params = { name: "orders", dt: "$[yyyyMMdd-1]", host: "db.local" };
  const context = { params, baseTime, timeZone };

  test("resolves every nested string and keeps other values", () => {
    const task = {
      url: "http://${host}/export?dt=${dt}",
      method: "GET",
      retries: 3,
      verbose: true,
      nothing: null,
      headers: [{ name: "X-Table", value: "${name}" }, { name: "X-Date", value: "$[yyyy-MM-dd]" }],
      nested: { deeper: { list: ["${name}", 1, ["$[HHmmss]"]] } },
    };
    const r = resolveTaskParams(task, context);
    expect(r).toEqual({
      ok: true,
      value: {
        url: "http://db.local/export?dt=20260228",
        method: "GET",
        retries: 3,
        verbose: true,
        nothing: null,
        headers: [{ name: "X-Table", value: "orders" }, { name: "X-Date", value: "2026-03-01" }],
        nested: { deeper: { list: ["orders", 1, ["100000"]] } },
      },
    });
    // the input is not modified
    expect(task.url).toBe("http://${host}/export?dt=${dt}");
  });

  test.each([
    [{ url: "${x}" }, "params.url", "unknown_param"],
    [{ headers: [{ value: "ok" }, { value: "${x}" }] }, "params.headers[1].value", "unknown_param"],
    [{ "content-type": "${x}" }, 'params["content-type"]', "unknown_param"],
    [{ a: { b: ["$[yyyyQQ]"] } }, "params.a.b[0]", "bad_time_expression"],
    [["${x}"], "params[0]", "unknown_param"],
    ["${x}", "params", "unknown_param"],
  ])("%j fails at %s", (task, field, code) => {
    expect(resolveTaskParams(task, context)).toMatchObject({ ok: false, error: { code, field } });
  });

  test("the unknown param is named alongside the field", () => {
    expect(resolveTaskParams({ script: "echo ${missing}" }, context)).toEqual({
      ok: false,
      error: { code: "unknown_param", param: "missing", field: "params.script", message: "Unknown parameter ${missing}" },
    });
  });

  test("rootPath changes the first path segment", () => {
    expect(resolveTaskParams({ url: "${x}" }, { ...context, rootPath: "task.params" })).toMatchObject({
      ok: false,
      error: { field: "task.params.url" },
    });
  });

  test("keys are copied, not resolved, and __proto__ keys stay own properties", () => {
    const task = JSON.parse('{"${name}": "${name}", "__proto__": {"x": "${name}"}}') as Record<string, unknown>;
    const r = resolveTaskParams(task, context);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value["${name}"]).toBe("orders");
    expect(Object.hasOwn(r.value, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(r.value)).toBe(Object.prototype);
  });
});
