import { describe, expect, it } from "vitest";
import { HttpParamsSchema, parseExpectedStatus, statusMatches } from "./http";
import { parseJsonPath, readJsonPath } from "./json-path";
import { SqlParamsSchema } from "./sql";

describe("parseExpectedStatus", () => {
  it.each([
    ["2xx", 200, true],
    ["2xx", 299, true],
    ["2xx", 301, false],
    ["200,201", 201, true],
    ["200, 201", 202, false],
    ["200-204", 204, true],
    ["2xx,304", 304, true],
    ["404", 404, true],
  ])("%s matches %i: %s", (spec, status, expected) => {
    const parsed = parseExpectedStatus(spec);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(statusMatches(status, parsed.value)).toBe(expected);
  });

  it.each(["", "abc", "6xx", "20", "300-200", "2xx,,"])(
    "refuses %j naming the bad entry",
    (spec) => {
      const parsed = parseExpectedStatus(spec);
      expect(parsed.ok).toBe(false);
    },
  );
});

describe("JSON path", () => {
  const doc = { data: { items: [{ id: 7 }, { id: 8, "a key": "x" }] }, ok: true };
  it.each([
    ["$.data.items[0].id", 7],
    ["data.items[1].id", 8],
    ['$.data.items[1]["a key"]', "x"],
    ["$.data.items[1]['a key']", "x"],
    ["$.ok", true],
    ["$", doc],
    ["", doc],
  ])("%s", (path, expected) => {
    const parsed = parseJsonPath(path);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(readJsonPath(doc, parsed.value)).toEqual({ found: true, value: expected });
  });

  it("reports a missing step as not found, never throws on non-containers", () => {
    for (const path of ["$.nope", "$.data.items[5]", "$.ok.deeper", "$.data.items.id"]) {
      const parsed = parseJsonPath(path);
      if (!parsed.ok) throw new Error(parsed.error);
      expect(readJsonPath(doc, parsed.value)).toEqual({ found: false });
    }
  });

  it("does not walk the prototype chain", () => {
    const parsed = parseJsonPath("$.constructor");
    if (!parsed.ok) throw new Error(parsed.error);
    expect(readJsonPath({}, parsed.value)).toEqual({ found: false });
  });

  it.each(["$[0]", "$.a[", "$.a..b", "$.a[x]"])("refuses %s", (path) => {
    expect(parseJsonPath(path).ok).toBe(false);
  });
});

describe("http params", () => {
  it("fills defaults", () => {
    expect(HttpParamsSchema.parse({ url: "http://x/" })).toEqual({
      method: "GET",
      url: "http://x/",
      headers: {},
      expectedStatus: "2xx",
      checks: [],
      outParams: [],
      timeoutSeconds: 30,
    });
  });

  it("names the bad field", () => {
    const r = HttpParamsSchema.safeParse({
      url: "",
      expectedStatus: "2yy",
      outParams: [{ name: "1x", path: "$[0]" }],
    });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(paths).toEqual([
      "url: url is required",
      'expectedStatus: "2yy" is not a status code, a range like 200-299 or a class like 2xx',
      "outParams.0.name: a param name is letters, digits, _ or . and starts with a letter or _",
      'outParams.0.path: invalid JSON path "$[0]": write $.key or key[0], not $[...] (that is a time expression)',
    ]);
  });
});

describe("sql params", () => {
  it("fills defaults and requires a datasource and sql", () => {
    expect(SqlParamsSchema.parse({ datasource: "wh", sql: "select 1" })).toMatchObject({
      sqlType: "query",
      preStatements: [],
      outParams: [],
      logRows: 10,
    });
    const r = SqlParamsSchema.safeParse({ datasource: " ", sql: "", preStatements: [""] });
    expect(r.error!.issues.map((i) => i.path.join("."))).toEqual([
      "datasource",
      "sql",
      "preStatements.0",
    ]);
    const nonQuery = SqlParamsSchema.safeParse({
      datasource: "wh",
      sql: "delete from t",
      sqlType: "non_query",
      outParams: [{ name: "n" }],
    });
    expect(nonQuery.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      'outParams: OUT params come from query results: set sqlType to "query" or remove them',
    ]);
  });
});
