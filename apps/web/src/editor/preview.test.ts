import { describe, expect, it } from "vitest";
import { previewTask } from "./preview";

const at = new Date("2024-03-01T10:00:00Z");

describe("previewTask", () => {
  it("resolves ${params} (local over global over system) and $[time] per field", () => {
    const lines = previewTask(
      {
        params: {
          script: "load ${dt} ${table} $[yyyyMM]",
          other: 3,
          nested: { url: "x?d=${system.biz.curdate}" },
        },
        localParams: [{ name: "table", value: "events_${dt}" }],
      },
      [
        { name: "dt", value: "$[yyyyMMdd-1]" },
        { name: "table", value: "ignored" },
      ],
      at,
      "UTC",
    );
    expect(lines).toEqual([
      {
        field: "params.script",
        text: "load ${dt} ${table} $[yyyyMM]",
        resolved: "load 20240229 events_20240229 202403",
      },
      { field: "params.nested.url", text: "x?d=${system.biz.curdate}", resolved: "x?d=20240301" },
      { field: "localParams.table", text: "events_${dt}", resolved: "events_20240229" },
    ]);
  });

  it("reports an unknown parameter on its field and keeps resolving the others", () => {
    const lines = previewTask(
      { params: { a: "${nope}", b: "${dt}" }, localParams: [] },
      [{ name: "dt", value: "1" }],
      at,
      "UTC",
    );
    expect(lines[0]).toMatchObject({ field: "params.a", error: expect.stringContaining("nope") });
    expect(lines[1]).toMatchObject({ field: "params.b", resolved: "1" });
  });

  it("uses the chosen zone for time expressions", () => {
    const late = new Date("2024-03-01T23:30:00Z");
    const [tokyo] = previewTask(
      { params: { s: "$[yyyyMMdd]" }, localParams: [] },
      [],
      late,
      "Asia/Tokyo",
    );
    expect(tokyo!.resolved).toBe("20240302");
  });
});

describe("previewTask for a sql task", () => {
  const globals = [
    { name: "dt", value: "$[yyyyMMdd-1]" },
    { name: "table", value: "orders_${dt}" },
    { name: "ds", value: "warehouse" },
  ];
  const task = (params: Record<string, unknown>) => ({
    type: "sql",
    params: { datasource: "warehouse", ...params },
    localParams: [],
  });
  const types: Record<string, "postgresql" | "mysql"> = { warehouse: "mysql", pg: "postgresql" };
  const datasourceType = (ref: string) => types[ref];

  it("shows the statement as sent, placeholders for the datasource's type, !{} pasted in", () => {
    const sql = "select * from !{table} where d = '${dt}' and m = $[yyyyMM]";
    const [mysql] = previewTask(task({ sql }), globals, at, "UTC", { datasourceType });
    expect(mysql).toEqual({
      field: "params.sql",
      text: sql,
      resolved: "select * from orders_20240229 where d = ? and m = ?",
      sql: {
        dialect: "mysql",
        datasource: "warehouse",
        pieces: [
          { kind: "sql", text: "select * from " },
          { kind: "text", reference: "!{table}", value: "orders_20240229" },
          { kind: "sql", text: " where d = " },
          { kind: "bind", reference: "${dt}", placeholder: "?", value: "20240229" },
          { kind: "sql", text: " and m = " },
          { kind: "bind", reference: "$[yyyyMM]", placeholder: "?", value: "202403" },
        ],
      },
    });

    const [pg] = previewTask(task({ sql, datasource: "pg" }), globals, at, "UTC", {
      datasourceType,
    });
    expect(pg!.resolved).toBe("select * from orders_20240229 where d = $1 and m = $2");
    expect(pg!.sql).toMatchObject({ dialect: "postgresql", datasource: "pg" });
  });

  it("falls back to PostgreSQL placeholders when the data source's type is not known", () => {
    for (const options of [{}, { datasourceType }]) {
      const [line] = previewTask(
        task({ sql: "select ${dt}", datasource: "gone" }),
        globals,
        at,
        "UTC",
        options,
      );
      expect(line).toMatchObject({ resolved: "select $1", sql: { dialect: "postgresql" } });
      expect(line!.sql!.datasource).toBeUndefined();
    }
  });

  it("finds the data source after resolving its name", () => {
    const [line] = previewTask(
      task({ sql: "select ${dt}", datasource: "${ds}" }),
      globals,
      at,
      "UTC",
      { datasourceType },
    );
    expect(line!.sql).toMatchObject({ dialect: "mysql", datasource: "warehouse" });
  });

  it("lists every statement in run order, each with its own errors; other fields resolve as text", () => {
    const lines = previewTask(
      {
        ...task({
          sql: "select 1 as one",
          preStatements: ["set @d = ${dt}", "set @x = ${nope}"],
          postStatements: ["analyze !{table}"],
          datasource: "${ds}",
        }),
        localParams: [{ name: "n", value: "${dt}" }],
      },
      globals,
      at,
      "UTC",
      { datasourceType },
    );
    expect(lines.map((l) => [l.field, l.resolved ?? l.error])).toEqual([
      ["params.preStatements[0]", "set @d = ?"],
      ["params.preStatements[1]", "Unknown parameter ${nope}"],
      ["params.sql", "select 1 as one"],
      ["params.postStatements[0]", "analyze orders_20240229"],
      ["params.datasource", "warehouse"],
      ["localParams.n", "20240229"],
    ]);
    // A statement without references still shows, as it will run: no values.
    expect(lines[2]!.sql!.pieces).toEqual([{ kind: "sql", text: "select 1 as one" }]);
  });

  it("leaves other task types' fields named sql alone", () => {
    const lines = previewTask(
      { type: "shell", params: { sql: "psql -c 'select ${dt}'" }, localParams: [] },
      globals,
      at,
      "UTC",
    );
    expect(lines).toEqual([
      {
        field: "params.sql",
        text: "psql -c 'select ${dt}'",
        resolved: "psql -c 'select 20240229'",
      },
    ]);
  });
});
