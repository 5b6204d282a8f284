import {
  explainSql,
  mergeParams,
  resolveParams,
  sqlTaskType,
  systemParams,
  withValueResolver,
  type Param,
  type SqlDialect,
  type SqlPiece,
  type TaskDefinition,
} from "@shoal/core";

export interface PreviewLine {
  /** `params.script`, `localParams.dt`. */
  field: string;
  text: string;
  resolved?: string;
  error?: string;
  /**
   * A sql task's statement as it will run: `resolved` has its placeholders, `pieces` say what each
   * part came from (bound values sent apart, `!{}` pasted in as text).
   */
  sql?: SqlStatementPreview;
}

export interface SqlStatementPreview {
  dialect: SqlDialect;
  /** The data source `dialect` comes from; undefined when its type is not known (PostgreSQL style). */
  datasource?: string;
  pieces: SqlPiece[];
}

export interface PreviewOptions {
  /** The type of a data source of the project by name (or id), when known. */
  datasourceType?: (ref: string) => SqlDialect | undefined;
}

/** Fields of a sql task's params that the engine binds rather than resolves as text. */
const SQL_STATEMENTS = ["sql", "preStatements", "postStatements"] as const;

const EXPRESSION = /\$\{|\$\[/;

/** Every string in `value` that holds a `${...}` or `$[...]`, with its path. */
function expressions(value: unknown, path: string, out: { field: string; text: string }[]) {
  if (typeof value === "string") {
    if (EXPRESSION.test(value)) out.push({ field: path, text: value });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => expressions(v, `${path}[${i}]`, out));
  } else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) expressions(v, `${path}.${k}`, out);
  }
}

/**
 * How the task's `${params}` and `$[time]` expressions resolve at `baseTime` in `timeZone`, with the
 * engine's precedence (local > global > system; upstream OUT params and run overrides are not known
 * before a run). Each field resolves on its own so every unknown parameter shows. A sql task's
 * statements come as they will run (see {@link previewSqlStatements}).
 */
export function previewTask(
  task: Pick<TaskDefinition, "params" | "localParams"> & { type?: string },
  globalParams: readonly Param[],
  baseTime: Date,
  timeZone: string,
  options: PreviewOptions = {},
): PreviewLine[] {
  const system = systemParams(baseTime, timeZone);
  if (!system.ok) return [{ field: "time zone", text: timeZone, error: system.error.message }];
  const params = mergeParams({
    system: system.value,
    global: globalParams,
    local: task.localParams,
  });
  const isSql = task.type === sqlTaskType.type;
  const found: { field: string; text: string }[] = [];
  for (const [key, value] of Object.entries(task.params)) {
    if (isSql && (SQL_STATEMENTS as readonly string[]).includes(key)) continue;
    expressions(value, `params.${key}`, found);
  }
  for (const p of task.localParams) {
    if (EXPRESSION.test(p.value)) found.push({ field: `localParams.${p.name}`, text: p.value });
  }
  const resolve = (text: string) => resolveParams({ text, params, baseTime, timeZone });
  const lines = found.map(({ field, text }): PreviewLine => {
    const r = resolve(text);
    return r.ok ? { field, text, resolved: r.value } : { field, text, error: r.error.message };
  });
  if (!isSql) return lines;

  // The data source named after resolving (the master resolves the field before the worker looks it up).
  const ref = typeof task.params.datasource === "string" ? task.params.datasource : "";
  const name = resolve(ref);
  const known = name.ok ? options.datasourceType?.(name.value) : undefined;
  const target = known && name.ok ? { dialect: known, datasource: name.value } : undefined;
  return [...previewSqlStatements(task.params, { params, baseTime, timeZone }, target), ...lines];
}

/**
 * A sql task's statements in the order they run (`preStatements`, `sql`, `postStatements`) as the
 * worker sends them to the data source: placeholders in the text (PostgreSQL style unless `target`
 * says otherwise), bound values apart, `!{}` pasted in. Uses core's {@link explainSql}, the same scan
 * the master binds with.
 */
export function previewSqlStatements(
  taskParams: Record<string, unknown>,
  context: { params: Record<string, string>; baseTime: Date; timeZone: string },
  target?: { dialect: SqlDialect; datasource: string },
): PreviewLine[] {
  const dialect = target?.dialect ?? "postgresql";
  const statements: { field: string; text: string }[] = [];
  const list = (key: string) => {
    const v = taskParams[key];
    if (!Array.isArray(v)) return;
    v.forEach((s, i) => {
      if (typeof s === "string") statements.push({ field: `params.${key}[${i}]`, text: s });
    });
  };
  list("preStatements");
  if (typeof taskParams.sql === "string")
    statements.push({ field: "params.sql", text: taskParams.sql });
  list("postStatements");
  return statements.map(({ field, text }): PreviewLine => {
    const r = withValueResolver(context, (resolver) => explainSql(text, resolver, dialect));
    if (!r.ok) return { field, text, error: r.error.message };
    const resolved = r.value
      .map((p) => (p.kind === "sql" ? p.text : p.kind === "text" ? p.value : p.placeholder))
      .join("");
    return {
      field,
      text,
      resolved,
      sql: { dialect, datasource: target?.datasource, pieces: r.value },
    };
  });
}
