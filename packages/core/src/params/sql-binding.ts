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

/**
 * One piece of a statement as it will run (see {@link explainSql}): the statement's own text, a
 * `!{name}` replaced by its value as text, or a bound value — sent apart, a placeholder in its place.
 */
export type SqlPiece =
  | { kind: "sql"; text: string }
  | { kind: "text"; reference: string; value: string }
  | { kind: "bind"; reference: string; placeholder: string; value: string };

type ScannedPiece =
  Exclude<SqlPiece, { kind: "bind" }> | { kind: "bind"; reference: string; value: string };

const NAME = String.raw`\s*([A-Za-z_][A-Za-z0-9_.]*)\s*`;
/** `${name}` (bound), `$[expression]` (bound), `!{name}` (text). Anything else is left as it is. */
const REFERENCE = new RegExp(String.raw`\$\{${NAME}\}|\$\[([^\]]*)\]|!\{${NAME}\}`, "g");

/**
 * Splits `sql` into its own text, `!{name}` text substitutions and `${name}`/`$[...]` bound values,
 * resolving the values. References are found everywhere, as DolphinScheduler does, also inside string
 * literals and comments; a bound reference directly wrapped in matching quotes (`'${dt}'`) loses them,
 * since the bound value is a string already. Any other reference inside a literal or comment becomes a
 * placeholder there, which the database then rejects.
 */
function scanSql(sql: string, resolver: ValueResolver): ScannedPiece[] {
  const pieces: ScannedPiece[] = [];
  const own = (text: string) => {
    if (text !== "") pieces.push({ kind: "sql", text });
  };
  let from = 0;
  for (const m of sql.matchAll(REFERENCE)) {
    const [whole, name, expression, raw] = m;
    let start = m.index;
    let end = start + whole.length;
    if (raw !== undefined) {
      own(sql.slice(from, start));
      pieces.push({ kind: "text", reference: whole, value: resolver.param(raw) });
      from = end;
      continue;
    }
    const quote = sql[start - 1];
    if ((quote === "'" || quote === '"') && sql[end] === quote) {
      start -= 1;
      end += 1;
    }
    own(sql.slice(from, start));
    const value = name !== undefined ? resolver.param(name) : resolver.time(expression!);
    pieces.push({ kind: "bind", reference: whole, value });
    from = end;
  }
  own(sql.slice(from));
  return pieces;
}

function boundOf(pieces: readonly ScannedPiece[]): BoundSql {
  const text = [""];
  const values: string[] = [];
  for (const p of pieces) {
    if (p.kind === "bind") {
      values.push(p.value);
      text.push("");
    } else {
      text[text.length - 1] += p.kind === "sql" ? p.text : p.value;
    }
  }
  return { text, values };
}

/**
 * Splits `sql` around its `${name}` and `$[...]` references, resolving their values, and replaces
 * `!{name}` by its value as text (see {@link scanSql} for where references are found). Throws only
 * what `resolver` throws.
 */
export function bindSql(sql: string, resolver: ValueResolver): BoundSql {
  return boundOf(scanSql(sql, resolver));
}

/**
 * The placeholder for the `n`th (1-based) bound value, after the statement text `before` and ahead of
 * `after`: PostgreSQL `$n`, kept apart from adjacent identifier characters (`x${a}` would read as
 * `x$1`), MySQL `?`.
 */
function placeholder(dialect: SqlDialect, n: number, before: string, after: string): string {
  if (dialect === "mysql") return "?";
  const b = /[A-Za-z0-9_$]$/.test(before) ? " " : "";
  const a = /^[A-Za-z0-9_$]/.test(after) ? " " : "";
  return `${b}$${n}${a}`;
}

/**
 * The statement text with placeholders for `dialect` — PostgreSQL `$1 … $n`, MySQL `?` — one per
 * reference (a repeated param is bound again, so each place infers its own type).
 */
export function toPlaceholders(
  bound: BoundSql,
  dialect: SqlDialect,
): { text: string; values: string[] } {
  let text = bound.text[0] ?? "";
  for (let i = 1; i < bound.text.length; i++) {
    const next = bound.text[i]!;
    text += placeholder(dialect, i, text, next) + next;
  }
  return { text, values: bound.values };
}

/**
 * `sql` as it will run on `dialect`, piece by piece: the text {@link toPlaceholders} sends (the pieces'
 * `text`, `value` of text substitutions and `placeholder` of binds, in order) with what each part came
 * from. For showing a statement before it runs; throws only what `resolver` throws.
 */
export function explainSql(sql: string, resolver: ValueResolver, dialect: SqlDialect): SqlPiece[] {
  const scanned = scanSql(sql, resolver);
  const bound = boundOf(scanned);
  let sent = "";
  let n = 0;
  return scanned.map((p): SqlPiece => {
    if (p.kind !== "bind") {
      sent += p.kind === "sql" ? p.text : p.value;
      return p;
    }
    n += 1;
    const ph = placeholder(dialect, n, sent, bound.text[n]!);
    sent += ph;
    return { ...p, placeholder: ph };
  });
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
