import { describe, expect, test } from "vitest";
import { withValueResolver } from "./resolve";
import {
  explainSql,
  resolveSqlTaskParams,
  toPlaceholders,
  type SqlDialect,
  type SqlPiece,
} from "./sql-binding";

const context = {
  params: {
    dt: "$[yyyyMMdd-1]",
    name: "x'; drop table t; --",
    table: "orders_${dt}",
    n: "5",
  },
  baseTime: new Date("2026-03-01T10:00:00Z"),
  timeZone: "UTC",
};

/** The statement as the worker would send it to `dialect`. */
function bound(sql: string, dialect: SqlDialect) {
  const r = resolveSqlTaskParams({ datasource: "ds", sql }, context);
  if (!r.ok) throw new Error(r.error.message);
  return toPlaceholders(r.value.sqlBinds.sql, dialect);
}

function explained(sql: string, dialect: SqlDialect): SqlPiece[] {
  const r = withValueResolver(context, (resolver) => explainSql(sql, resolver, dialect));
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** The text and values the pieces of {@link explainSql} stand for. */
function joined(pieces: SqlPiece[]) {
  return {
    text: pieces
      .map((p) => (p.kind === "sql" ? p.text : p.kind === "text" ? p.value : p.placeholder))
      .join(""),
    values: pieces.flatMap((p) => (p.kind === "bind" ? [p.value] : [])),
  };
}

describe("sql params become bound values", () => {
  test.each<[string, SqlDialect, string, string[]]>([
    [
      "select * from t where name = ${name}",
      "postgresql",
      "select * from t where name = $1",
      ["x'; drop table t; --"],
    ],
    [
      "select * from t where name = ${name}",
      "mysql",
      "select * from t where name = ?",
      ["x'; drop table t; --"],
    ],
    // Quotes directly around a bound reference go: the value is a string already.
    [
      "select '${name}' as v, \"${n}\"",
      "postgresql",
      "select $1 as v, $2",
      ["x'; drop table t; --", "5"],
    ],
    // A repeated param is bound at each place.
    ["select ${n} + ${n}, ${dt}", "postgresql", "select $1 + $2, $3", ["5", "5", "20260228"]],
    ["select ${n} + ${n}, ${dt}", "mysql", "select ? + ?, ?", ["5", "5", "20260228"]],
    // Time expressions are values too.
    ["select $[yyyyMMdd] as d", "mysql", "select ? as d", ["20260301"]],
    ["select '$[yyyy-MM-dd]' as d", "postgresql", "select $1 as d", ["2026-03-01"]],
    // !{name} is text (identifiers); its value's own references resolve as text.
    [
      "select count(*) from !{table} where d = ${dt}",
      "postgresql",
      "select count(*) from orders_20260228 where d = $1",
      ["20260228"],
    ],
    // Text that is not a reference stays: dollar quoting, an existing ?, shell-like ${x:-y}.
    [
      "select $$a ? b$$ as body, '?' as q, '${x:-y}' as s where n = ${n}",
      "postgresql",
      "select $$a ? b$$ as body, '?' as q, '${x:-y}' as s where n = $1",
      ["5"],
    ],
    [
      "select 'a?b' as q, `c?` from t where n = ${n} and m = '?'",
      "mysql",
      "select 'a?b' as q, `c?` from t where n = ? and m = '?'",
      ["5"],
    ],
    // References inside a longer literal or a comment are replaced too (as DolphinScheduler does).
    ["select 1 -- n is ${n}", "mysql", "select 1 -- n is ?", ["5"]],
    // A PostgreSQL placeholder never merges with identifier characters around it.
    ["select x${n}y", "postgresql", "select x $1 y", ["5"]],
  ])("%s (%s)", (sql, dialect, text, values) => {
    expect(bound(sql, dialect)).toEqual({ text, values });
    // The preview's explanation stands for exactly what is sent.
    expect(joined(explained(sql, dialect))).toEqual({ text, values });
  });

  test("explainSql tells the statement's own text, text substitutions and bound values apart", () => {
    expect(
      explained("select * from !{table} where d = '${dt}' and n = ${n}+$[yyyyMMdd]", "postgresql"),
    ).toEqual([
      { kind: "sql", text: "select * from " },
      { kind: "text", reference: "!{table}", value: "orders_20260228" },
      { kind: "sql", text: " where d = " },
      { kind: "bind", reference: "${dt}", placeholder: "$1", value: "20260228" },
      { kind: "sql", text: " and n = " },
      { kind: "bind", reference: "${n}", placeholder: "$2", value: "5" },
      { kind: "sql", text: "+" },
      { kind: "bind", reference: "$[yyyyMMdd]", placeholder: "$3", value: "20260301" },
    ]);
    expect(explained("select ${n}!{n}", "postgresql")).toEqual([
      { kind: "sql", text: "select " },
      // Apart from the pasted-in text after it, as the sent statement has it.
      { kind: "bind", reference: "${n}", placeholder: "$1 ", value: "5" },
      { kind: "text", reference: "!{n}", value: "5" },
    ]);
    expect(
      explained("select ${n}, ${n}", "mysql").map((p) => p.kind === "bind" && p.placeholder),
    ).toEqual([false, "?", false, "?"]);
  });

  test("a statement without references is sent as it is, with no values", () => {
    expect(bound("select 1 as one", "postgresql")).toEqual({ text: "select 1 as one", values: [] });
  });

  test("statements are bound and kept unresolved in params; other fields resolve as text", () => {
    const r = resolveSqlTaskParams(
      {
        datasource: "ds_${n}",
        sql: "select ${n}",
        preStatements: ["set x = ${dt}"],
        postStatements: ["select !{n}"],
      },
      context,
    );
    expect(r).toEqual({
      ok: true,
      value: {
        params: {
          datasource: "ds_5",
          sql: "select ${n}",
          preStatements: ["set x = ${dt}"],
          postStatements: ["select !{n}"],
        },
        sqlBinds: {
          sql: { text: ["select ", ""], values: ["5"] },
          preStatements: [{ text: ["set x = ", ""], values: ["20260228"] }],
          postStatements: [{ text: ["select 5"], values: [] }],
        },
      },
    });
  });

  test.each([
    ["sql", { sql: "select ${nope}" }, "params.sql"],
    [
      "a pre statement",
      { sql: "select 1", preStatements: ["select 1", "select !{nope}"] },
      "params.preStatements[1]",
    ],
    [
      "a post statement",
      { sql: "select 1", postStatements: ["select ${nope}"] },
      "params.postStatements[0]",
    ],
  ])("an unknown param in %s fails naming the param and the field", (_, params, field) => {
    const r = resolveSqlTaskParams(params, context);
    expect(r).toMatchObject({
      ok: false,
      error: { code: "unknown_param", param: "nope", field, message: "Unknown parameter ${nope}" },
    });
  });

  test("a bad time expression fails naming the field", () => {
    const r = resolveSqlTaskParams({ sql: "select $[yyyyMMdd+x]" }, context);
    expect(r).toMatchObject({
      ok: false,
      error: { code: "bad_time_expression", field: "params.sql" },
    });
  });
});
