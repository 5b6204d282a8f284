/**
 * Parameters in a sql task's statements, the DolphinScheduler way: `${name}` and `$[time]` become
 * bound query parameters (values the database never parses as SQL), `!{name}` is replaced as text
 * (for identifiers such as a table name — the user's responsibility). Pure: the master resolves the
 * values ({@link resolveSqlTaskParams}), the worker places them for its database ({@link toPlaceholders}).
 */
import type { Result } from "../errors";
import {
  type ParamError,
  type ResolveContext,
  type ValueResolver,
  resolveTaskParams,
  withValueResolver,
} from "./resolve";

export type SqlDialect = "postgresql" | "mysql";

/** A statement split around its bound values: `text[0] values[0] text[1] … values[n-1] text[n]`. */
export interface BoundSql {
  text: string[];
  values: string[];
}

/** The bound form of a sql task's `sql`, `preStatements` and `postStatements`. */
export interface SqlBinds {
  sql: BoundSql;
  preStatements: BoundSql[];
  postStatements: BoundSql[];
}

const NAME = String.raw`\s*([A-Za-z_][A-Za-z0-9_.]*)\s*`;
/** `${name}` (bound), `$[expression]` (bound), `!{name}` (text). Anything else is left as it is. */
const REFERENCE = new RegExp(String.raw`\$\{${NAME}\}|\$\[([^\]]*)\]|!\{${NAME}\}`, "g");

/**
 * Splits `sql` around its `${name}` and `$[...]` references, resolving their values, and replaces
 * `!{name}` by its value as text. References are found everywhere, as DolphinScheduler does, also
 * inside string literals and comments; a bound reference directly wrapped in matching quotes
 * (`'${dt}'`) loses them, since the bound value is a string already. Any other reference inside a
 * literal or comment becomes a placeholder there, which the database then rejects.
 */
export function bindSql(sql: string, resolver: ValueResolver): BoundSql {
  const text: string[] = [];
  const values: string[] = [];
  let piece = "";
  let from = 0;
  for (const m of sql.matchAll(REFERENCE)) {
    const [whole, name, expression, raw] = m;
    let start = m.index;
    let end = start + whole.length;
    if (raw !== undefined) {
      piece += sql.slice(from, start) + resolver.param(raw);
      from = end;
      continue;
    }
    const quote = sql[start - 1];
    if ((quote === "'" || quote === '"') && sql[end] === quote) {
      start -= 1;
      end += 1;
    }
    text.push(piece + sql.slice(from, start));
    values.push(name !== undefined ? resolver.param(name) : resolver.time(expression!));
    piece = "";
    from = end;
  }
  text.push(piece + sql.slice(from));
  return { text, values };
}

/**
 * The statement text with placeholders for `dialect` — PostgreSQL `$1 … $n`, MySQL `?` — one per
 * reference (a repeated param is bound again, so each place infers its own type). A PostgreSQL
 * placeholder is kept apart from adjacent identifier characters (`x${a}` would read as `x$1`).
 */
export function toPlaceholders(
  bound: BoundSql,
  dialect: SqlDialect,
): { text: string; values: string[] } {
  let text = bound.text[0] ?? "";
  for (let i = 1; i < bound.text.length; i++) {
    const next = bound.text[i]!;
    if (dialect === "mysql") {
      text += `?${next}`;
      continue;
    }
    const before = /[A-Za-z0-9_$]$/.test(text) ? " " : "";
    const after = /^[A-Za-z0-9_$]/.test(next) ? " " : "";
    text += `${before}$${i}${after}${next}`;
  }
  return { text, values: bound.values };
}

/**
 * {@link resolveTaskParams} for a sql task: every field but the statements is resolved as text; the
 * statements (`sql`, `preStatements`, `postStatements`) are returned unresolved in `params` and
 * bound in `sqlBinds`. An unknown param fails here, naming the field (`params.preStatements[0]`).
 */
export function resolveSqlTaskParams(
  taskParams: Record<string, unknown>,
  context: ResolveContext,
): Result<{ params: Record<string, unknown>; sqlBinds: SqlBinds }, ParamError> {
  const { sql, preStatements, postStatements, ...rest } = taskParams;
  const others = resolveTaskParams(rest, context);
  if (!others.ok) return others;
  let field = "params.sql";
  const binds = withValueResolver(context, (resolver): SqlBinds => {
    const bind = (path: string, value: unknown) => {
      field = path;
      return bindSql(typeof value === "string" ? value : "", resolver);
    };
    const list = (key: string, value: unknown) =>
      Array.isArray(value) ? value.map((v, i) => bind(`params.${key}[${i}]`, v)) : [];
    return {
      sql: bind("params.sql", sql),
      preStatements: list("preStatements", preStatements),
      postStatements: list("postStatements", postStatements),
    };
  });
  if (!binds.ok) return { ok: false, error: { ...binds.error, field } };
  return {
    ok: true,
    value: {
      params: { ...others.value, sql, preStatements, postStatements },
      sqlBinds: binds.value,
    },
  };
}

/**
 * A task's params as dispatched to a worker: resolved as text ({@link resolveTaskParams}), except a
 * sql task's statements, which come back unresolved with their values in `sqlBinds`.
 */
export function resolveJobParams(
  taskType: string,
  taskParams: Record<string, unknown>,
  context: ResolveContext,
): Result<{ params: Record<string, unknown>; sqlBinds?: SqlBinds }, ParamError> {
  if (taskType === "sql") return resolveSqlTaskParams(taskParams, context);
  const params = resolveTaskParams(taskParams, context);
  return params.ok ? { ok: true, value: { params: params.value } } : params;
}
