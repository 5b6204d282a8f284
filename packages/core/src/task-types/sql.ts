import { z } from "zod";
import type { TaskTypeDefinition } from "./types";

export const SQL_TYPES = ["query", "non_query"] as const;
export const DATASOURCE_TYPES = ["postgresql", "mysql"] as const;
export type DatasourceType = (typeof DATASOURCE_TYPES)[number];

const Statement = z.string().trim().min(1, "a statement cannot be empty").max(100_000);

/**
 * Maps a result column to an OUT param. One row: the column's value. `list: true`: a JSON array over
 * all rows — of the column's values, or of whole row objects when `column` is omitted.
 */
export const SqlOutParamSchema = z.object({
  name: z
    .string()
    .regex(
      /^[A-Za-z_][A-Za-z0-9_.]{0,63}$/,
      "a param name is letters, digits, _ or . and starts with a letter or _",
    ),
  /** Result column to read; defaults to `name`. */
  column: z.string().min(1).max(200).optional(),
  list: z.boolean().default(false),
});
export type SqlOutParam = z.infer<typeof SqlOutParamSchema>;

export const SqlParamsSchema = z
  .object({
    /** A data source of the task's project, by name (or id). */
    datasource: z
      .string()
      .trim()
      .min(1, "datasource is required")
      .max(200)
      .describe("Name of one of the project's data sources"),
    sqlType: z
      .enum(SQL_TYPES)
      .default("query")
      .describe("query returns rows (and OUT params); non_query reports affected rows"),
    /**
     * One statement. `${name}` and `$[time]` are bound as query parameters (`$1`/`?`), so a value
     * is always data; `!{name}` is replaced as text, for identifiers — the user vouches for it.
     */
    sql: z
      .string()
      .trim()
      .min(1, "sql is required")
      .max(1_000_000)
      .describe(
        "One statement. ${name} and $[yyyyMMdd] are bound as values, never parsed as SQL: write where dt = ${dt} (quotes around it are dropped). !{name} is pasted as text, e.g. a table name: only use it with values you trust",
      ),
    preStatements: z
      .array(Statement)
      .max(50)
      .default([])
      .describe(
        'Statements run first on the same connection, e.g. ["SET search_path TO app"]; params work as in sql',
      ),
    postStatements: z
      .array(Statement)
      .max(50)
      .default([])
      .describe("Statements run after the main one on the same connection"),
    outParams: z
      .array(SqlOutParamSchema)
      .max(50)
      .default([])
      .describe(
        'OUT params from the result, e.g. [{"name":"total","column":"n"}, {"name":"ids","column":"id","list":true}]',
      ),
    /** How many result rows to print in the task log. */
    logRows: z.number().int().min(0).max(1000).default(10),
  })
  .superRefine((p, ctx) => {
    if (p.sqlType === "non_query" && p.outParams.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["outParams"],
        message: 'OUT params come from query results: set sqlType to "query" or remove them',
      });
    }
  });
export type SqlParams = z.infer<typeof SqlParamsSchema>;

export const sqlTaskType: TaskTypeDefinition<typeof SqlParamsSchema> = {
  type: "sql",
  label: "SQL",
  category: "data",
  description:
    "Runs SQL on one of the project's PostgreSQL or MySQL data sources, ${params} bound as values (!{param} for text such as a table name); query results can set OUT params.",
  runtime: "worker",
  paramsSchema: SqlParamsSchema,
  defaults: {
    datasource: "",
    sqlType: "query",
    sql: "select 1 as one",
    preStatements: [],
    postStatements: [],
    outParams: [],
    logRows: 10,
  },
};
