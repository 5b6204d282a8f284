import { SqlParamsSchema, toPlaceholders, type BoundSql, type SqlParams } from "@shoal/core";
import { findDatasource } from "@shoal/db";
import {
  DatasourceAbortedError,
  decryptSecret,
  describeDriverError,
  openDatasource,
  type DatasourceConfig,
  type DatasourceSession,
  type StatementResult,
} from "@shoal/db/datasources";
import type { ExecContext, ExecResources, ExecResult } from "./types";

const MAX_CELL = 100;

class SqlTaskError extends Error {}

/**
 * Runs pre statements, the task's statement and post statements in order on one connection to the
 * project's data source; a query's rows can set OUT params. The password is read from Postgres and
 * decrypted here, so it never travels through Redis.
 */
export async function runSql(ctx: ExecContext): Promise<ExecResult> {
  const detail: Record<string, unknown> = {};
  const fail = (error: string): ExecResult => ({
    outcome: "FAILURE",
    exitCode: null,
    error: `sql task "${ctx.job.taskName}": ${error}`,
    outParams: {},
    detail,
  });
  const parsed = SqlParamsSchema.safeParse(ctx.job.params);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    return fail(`params.${i.path.join(".")}: ${i.message}`);
  }
  const p = parsed.data;
  // The master sends the statements' ${...} values separately, to be bound, never spliced in.
  const binds = ctx.job.sqlBinds;
  if (
    !binds ||
    binds.preStatements.length !== p.preStatements.length ||
    binds.postStatements.length !== p.postStatements.length
  )
    return fail("the job carries no bound statements matching its params (is the master older?)");
  let session: DatasourceSession | undefined;
  let step = "connecting";
  try {
    const { name, config } = await loadDatasource(ctx.resources, ctx.job.projectId, p.datasource);
    detail.datasource = name;
    const target = `${config.type} ${config.host}:${config.port}/${config.database} as ${config.username}`;
    ctx.log(`[sql] data source "${name}": ${target}`);
    step = `connecting to data source "${name}" (${target})`;
    session = await openDatasource(config, ctx.signal);

    const run = (stmt: BoundSql, label: string) =>
      runStatement(ctx, session!, stmt, config.type, label);
    for (const [i, stmt] of binds.preStatements.entries()) {
      step = `pre statement ${i + 1}`;
      logResult(ctx, await run(stmt, step), 0);
    }
    step = "the statement";
    const main = await run(binds.sql, "statement");
    logResult(ctx, main, p.logRows);
    detail.rows = main.hasResultSet ? main.rows.length : null;
    detail.affectedRows = main.affectedRows;
    if (p.sqlType === "query" && !main.hasResultSet)
      ctx.log("[sql] note: the statement returned no result set (sqlType is query)");
    const outParams = p.sqlType === "query" ? outParamsFrom(main, p.outParams) : {};
    for (const [k, v] of Object.entries(outParams)) ctx.log(`[sql] OUT ${k} = ${truncate(v, 200)}`);
    for (const [i, stmt] of binds.postStatements.entries()) {
      step = `post statement ${i + 1}`;
      logResult(ctx, await run(stmt, step), 0);
    }
    return { outcome: "SUCCESS", exitCode: null, error: null, outParams, detail };
  } catch (err) {
    if (err instanceof DatasourceAbortedError || ctx.signal.aborted)
      return { outcome: "KILL", exitCode: null, error: "killed", outParams: {}, detail };
    if (err instanceof SqlTaskError) return fail(err.message);
    return fail(`${step} failed: ${describeDriverError(err)}`);
  } finally {
    await session?.close().catch(() => {});
  }
}

/** Logs the statement with its placeholders and bound values, then runs it. */
async function runStatement(
  ctx: ExecContext,
  session: DatasourceSession,
  bound: BoundSql,
  dialect: DatasourceConfig["type"],
  label: string,
): Promise<StatementResult> {
  const { text, values } = toPlaceholders(bound, dialect);
  ctx.log(`[sql] ${label}:`);
  for (const line of text.trim().split("\n")) ctx.log(`  ${line}`);
  for (const [i, v] of values.entries())
    ctx.log(
      `[sql] bind ${dialect === "mysql" ? `?${i + 1}` : `$${i + 1}`} = ${JSON.stringify(truncate(v, 200))}`,
    );
  const started = performance.now();
  const res = await session.run(text.trim(), values);
  const ms = Math.round(performance.now() - started);
  ctx.log(
    res.hasResultSet
      ? `[sql] ${res.rows.length} row${res.rows.length === 1 ? "" : "s"} in ${ms} ms`
      : `[sql] ${res.affectedRows ?? 0} row${res.affectedRows === 1 ? "" : "s"} affected in ${ms} ms`,
  );
  return res;
}

/** Prints up to `limit` rows as a `|`-separated table. */
function logResult(ctx: ExecContext, res: StatementResult, limit: number): void {
  if (!res.hasResultSet || limit === 0 || res.rows.length === 0) return;
  ctx.log(res.columns.join(" | "));
  for (const row of res.rows.slice(0, limit))
    ctx.log(res.columns.map((c) => truncate(cellText(row[c]), MAX_CELL)).join(" | "));
  if (res.rows.length > limit) ctx.log(`[sql] … ${res.rows.length - limit} more rows not shown`);
}

function outParamsFrom(
  res: StatementResult,
  specs: SqlParams["outParams"],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of specs) {
    const column = spec.column ?? spec.name;
    if (spec.list && spec.column === undefined) {
      out[spec.name] = JSON.stringify(res.rows.map(jsonRow));
      continue;
    }
    if (!res.columns.includes(column)) {
      throw new SqlTaskError(
        `OUT param "${spec.name}": the result has no column "${column}" (columns: ${res.columns.join(", ") || "none"})`,
      );
    }
    if (spec.list) {
      out[spec.name] = JSON.stringify(res.rows.map((r) => jsonValue(r[column])));
    } else {
      if (res.rows.length === 0)
        throw new SqlTaskError(`OUT param "${spec.name}": the query returned no rows`);
      out[spec.name] = cellText(res.rows[0]![column]);
    }
  }
  return out;
}

/** A cell as param text: strings as they are, NULL as empty, dates as ISO, the rest as JSON. */
function cellText(value: unknown): string {
  const v = jsonValue(value);
  if (v === null) return "";
  return typeof v === "string" ? v : JSON.stringify(v);
}

function jsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString("base64");
  if (typeof value === "bigint") return value.toString();
  return value;
}

const jsonRow = (row: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, jsonValue(v)]));

const truncate = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** The task's data source by name (or id) within its project, with the password decrypted. */
async function loadDatasource(
  resources: ExecResources,
  projectId: string,
  ref: string,
): Promise<{ name: string; config: DatasourceConfig }> {
  const row = await findDatasource(resources.db, projectId, ref);
  if (!row) throw new SqlTaskError(`params.datasource: no data source "${ref}" in this project`);
  let password = "";
  if (row.passwordEncrypted !== "") {
    if (!resources.secretKey)
      throw new SqlTaskError(
        `data source "${row.name}": this worker has no SHOAL_SECRET_KEY, so it cannot decrypt the password`,
      );
    try {
      password = decryptSecret(row.passwordEncrypted, resources.secretKey);
    } catch (err) {
      throw new SqlTaskError(`data source "${row.name}": ${(err as Error).message}`);
    }
  }
  const { type, host, port, database, username, options } = row;
  return { name: row.name, config: { type, host, port, database, username, password, options } };
}
