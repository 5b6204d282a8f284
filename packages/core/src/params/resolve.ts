/**
 * DolphinScheduler-compatible parameter resolution: `${name}` references to a flat parameter map and
 * `$[...]` built-in time expressions, merged with DolphinScheduler's precedence. Pure: the schedule
 * time and zone are arguments. Nothing here throws; failures come back as {@link ParamError}s.
 */
import type { Result } from "../errors";
import { type BaseTime, evaluateTimeExpression } from "./time-expressions";

/** Parameters as a flat map or as the workflow format's `{ name, value }` list (later entries win). */
export type ParamSource = Readonly<Record<string, string>> | readonly { readonly name: string; readonly value: string }[];

/** Why resolution failed. `field` is set by {@link resolveTaskParams} (e.g. `params.url`); callers add the task. */
export type ParamError = (
  | {
      /** `${param}` names nothing in the parameter map. */
      code: "unknown_param";
      param: string;
      message: string;
    }
  | {
      /** `${param}`'s value refers back to itself, through `cycle` (e.g. `["a", "b", "a"]`). */
      code: "param_cycle";
      param: string;
      cycle: string[];
      message: string;
    }
  | {
      /** A `$[expression]` could not be evaluated; `param` names the parameter whose value held it, if any. */
      code: "bad_time_expression";
      expression: string;
      param?: string;
      message: string;
    }
  | { code: "bad_time_zone"; timeZone: string; message: string }
  | {
      /** Parameter values refer to further parameters more than `limit` levels deep. */
      code: "too_deep";
      param: string;
      limit: number;
      message: string;
    }
  | {
      /** The resolved text would exceed `limit` characters (e.g. parameters that double each other). */
      code: "too_long";
      limit: number;
      message: string;
    }
) & { field?: string };

/** The parameter map, schedule time and zone that `${...}` and `$[...]` resolve against. */
export interface ResolveContext {
  /** Flat parameter map, usually from {@link mergeParams}. */
  params: Readonly<Record<string, string>>;
  /** The instance's schedule time (for manual runs, its start time). */
  baseTime: BaseTime;
  /** IANA zone the time expressions are computed in, e.g. `Europe/Berlin`. */
  timeZone: string;
  /** Longest resolved string accepted; defaults to {@link DEFAULT_MAX_RESOLVED_LENGTH}. */
  maxLength?: number;
}

/** How many `${...}` levels a parameter value may nest (`a` -> `${b}` -> `${c}` ... ). */
export const MAX_PARAM_DEPTH = 100;

/** Default cap on one resolved string, so mutually doubling parameters cannot exhaust memory. */
export const DEFAULT_MAX_RESOLVED_LENGTH = 1_000_000;

/**
 * Substitutes `${name}` from `params` and evaluates `$[...]` time expressions in `text`.
 *
 * A parameter's value is itself resolved, so `${a}` with `a = "$[yyyyMMdd-1]"` or `a = "${b}-x"` works;
 * a reference to an unknown name is an error naming it, and so is a cycle. `${` or `$[` without a
 * closing `}`/`]` is left as is, as is a `$` not followed by `{` or `[`.
 *
 * @example resolveParams({ text: "dt=${dt}", params: { dt: "$[yyyyMMdd-1]" }, baseTime, timeZone: "UTC" })
 */
export function resolveParams(input: ResolveContext & { text: string }): Result<string, ParamError> {
  const resolver = new Resolver(input);
  try {
    return { ok: true, value: resolver.text(input.text) };
  } catch (e) {
    if (e instanceof ParamFailure) return { ok: false, error: e.error };
    throw e;
  }
}

/**
 * Resolves every string in a task's params object (strings nested in objects and arrays; other
 * values are kept), returning a copy. Errors carry `field`, the path of the string that failed, e.g.
 * `params.url` or `params.headers[0].value`; `rootPath` (default `params`) is its first segment.
 * Object keys are not resolved. Input must be JSON-like (no cycles).
 */
export function resolveTaskParams<T>(taskParams: T, context: ResolveContext & { rootPath?: string }): Result<T, ParamError> {
  const resolver = new Resolver(context);
  let path = context.rootPath ?? "params";
  const walk = (value: unknown): unknown => {
    if (typeof value === "string") return resolver.text(value);
    if (Array.isArray(value)) {
      const parent = path;
      const out = value.map((item: unknown, i) => {
        path = `${parent}[${i}]`;
        return walk(item);
      });
      path = parent;
      return out;
    }
    if (isPlainObject(value)) {
      const parent = path;
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        path = /^[A-Za-z_$][\w$]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
        define(out, key, walk(item));
      }
      path = parent;
      return out;
    }
    return value;
  };
  try {
    return { ok: true, value: walk(taskParams) as T };
  } catch (e) {
    if (e instanceof ParamFailure) return { ok: false, error: { ...e.error, field: path } };
    throw e;
  }
}

/** Resolves single values for callers that place them themselves (e.g. binding into SQL). */
export interface ValueResolver {
  /** The value of `${name}`, its own `${...}` and `$[...]` resolved. */
  param(name: string): string;
  /** The value of the time expression `$[expression]`. */
  time(expression: string): string;
}

/**
 * Runs `use` with a {@link ValueResolver} against `context`; the first failure of any of its calls
 * ends it and comes back as the {@link ParamError}.
 */
export function withValueResolver<T>(
  context: ResolveContext,
  use: (resolver: ValueResolver) => T,
): Result<T, ParamError> {
  const resolver = new Resolver(context);
  try {
    return {
      ok: true,
      value: use({ param: (name) => resolver.param(name), time: (e) => resolver.time(e) }),
    };
  } catch (e) {
    if (e instanceof ParamFailure) return { ok: false, error: e.error };
    throw e;
  }
}

/**
 * Merges parameter sources with DolphinScheduler's precedence, highest first:
 * `startup` (given when starting the instance) > `local` (the task's own) > `upstreamOut` (OUT
 * parameters of upstream tasks) > `global` (the workflow's) > `system` (see {@link systemParams}).
 * List sources apply in order, so with several upstream tasks a later entry wins.
 */
export function mergeParams(sources: {
  system?: ParamSource;
  global?: ParamSource;
  upstreamOut?: ParamSource;
  local?: ParamSource;
  startup?: ParamSource;
}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const source of [sources.system, sources.global, sources.upstreamOut, sources.local, sources.startup]) {
    if (!source) continue;
    if (isParamList(source)) for (const p of source) define(out, p.name, p.value);
    else for (const [name, value] of Object.entries(source)) define(out, name, value);
  }
  return out;
}

/**
 * DolphinScheduler's basic built-in parameters for a schedule time: `system.biz.date` (the day before,
 * `yyyyMMdd`), `system.biz.curdate` (`yyyyMMdd`) and `system.datetime` (`yyyyMMddHHmmss`).
 */
export function systemParams(baseTime: BaseTime, timeZone: string): Result<Record<string, string>, ParamError> {
  const out: Record<string, string> = {};
  for (const [name, expression] of [
    ["system.biz.date", "yyyyMMdd-1"],
    ["system.biz.curdate", "yyyyMMdd"],
    ["system.datetime", "yyyyMMddHHmmss"],
  ] as const) {
    const r = evaluateTimeExpression(expression, baseTime, timeZone);
    if (!r.ok) return r;
    out[name] = r.value;
  }
  return { ok: true, value: out };
}

// ---------------------------------------------------------------------------------------------

/** What `${...}` must hold to be a parameter reference; anything else is left to the script. */
const PARAM_REFERENCE = /^\s*[A-Za-z_][A-Za-z0-9_.]*\s*$/;

class ParamFailure extends Error {
  constructor(readonly error: ParamError) {
    super(error.message);
  }
}

class Resolver {
  private readonly resolved = new Map<string, string>();
  private readonly stack: string[] = [];
  private readonly maxLength: number;

  constructor(private readonly ctx: ResolveContext) {
    this.maxLength = ctx.maxLength ?? DEFAULT_MAX_RESOLVED_LENGTH;
  }

  text(text: string): string {
    let out = "";
    let i = 0;
    while (i < text.length) {
      const dollar = text.indexOf("$", i);
      if (dollar < 0) {
        out += text.slice(i);
        break;
      }
      const open = text[dollar + 1];
      const close = open === "{" ? "}" : open === "[" ? "]" : undefined;
      const end = close === undefined ? -1 : text.indexOf(close, dollar + 2);
      const body = end < 0 ? "" : text.slice(dollar + 2, end);
      if (end < 0 || (open === "{" && !PARAM_REFERENCE.test(body))) {
        // Not a placeholder (or shell syntax like `${x:-y}`, `${setValue(k=v)}`): keep the `$` and go on.
        out += text.slice(i, dollar + 1);
        i = dollar + 1;
      } else {
        out += text.slice(i, dollar) + (open === "{" ? this.param(body) : this.time(body));
        i = end + 1;
      }
      if (out.length > this.maxLength) {
        throw new ParamFailure({
          code: "too_long",
          limit: this.maxLength,
          message: `Resolved text is longer than ${this.maxLength} characters`,
        });
      }
    }
    return out;
  }

  param(name: string): string {
    const done = this.resolved.get(name);
    if (done !== undefined) return done;
    if (this.stack.includes(name)) {
      const cycle = [...this.stack.slice(this.stack.indexOf(name)), name];
      throw new ParamFailure({
        code: "param_cycle",
        param: name,
        cycle,
        message: `Parameter "${name}" refers to itself: ${cycle.map((n) => `\${${n}}`).join(" -> ")}`,
      });
    }
    if (!Object.hasOwn(this.ctx.params, name)) {
      const inside = this.stack.at(-1);
      throw new ParamFailure({
        code: "unknown_param",
        param: name,
        message: `Unknown parameter \${${name}}${inside === undefined ? "" : ` (in the value of "${inside}")`}`,
      });
    }
    if (this.stack.length >= MAX_PARAM_DEPTH) {
      throw new ParamFailure({
        code: "too_deep",
        param: name,
        limit: MAX_PARAM_DEPTH,
        message: `Parameter "${name}" is nested more than ${MAX_PARAM_DEPTH} references deep`,
      });
    }
    const raw = this.ctx.params[name] ?? "";
    this.stack.push(name);
    const value = this.text(raw);
    this.stack.pop();
    this.resolved.set(name, value);
    return value;
  }

  time(expression: string): string {
    const r = evaluateTimeExpression(expression, this.ctx.baseTime, this.ctx.timeZone);
    if (r.ok) return r.value;
    const inside = this.stack.at(-1);
    if (r.error.code === "bad_time_expression" && inside !== undefined) {
      throw new ParamFailure({ ...r.error, param: inside, message: `${r.error.message} (in the value of "${inside}")` });
    }
    throw new ParamFailure(r.error);
  }
}

function isParamList(source: ParamSource): source is readonly { readonly name: string; readonly value: string }[] {
  return Array.isArray(source);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Sets an own property even for names like `__proto__` (which PARAM_NAME_PATTERN allows). */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
