/**
 * DolphinScheduler built-in time parameters (`$[...]`), evaluated against a base time (an instance's
 * schedule time) in an IANA time zone. Pure: the time is an argument, the zone rules come from `Intl`.
 *
 * Semantics follow DolphinScheduler's `TimePlaceholderUtils` (task-api) with one deliberate change:
 * whole days in `+N`/`-N` arithmetic are calendar days in the zone (DolphinScheduler adds N×1440
 * absolute minutes, so `-1` across a DST change lands an hour off). Fractions of a day (`N/24`,
 * `N/24/60`) are elapsed time. Calendar results that fall in a DST gap move forward by the gap;
 * ambiguous wall times (fall-back) take the earlier instant, as `java.time` does.
 */
import type { Result } from "../errors";

/** Why a time expression could not be evaluated. */
export type TimeExpressionError =
  | { code: "bad_time_expression"; expression: string; message: string }
  | { code: "bad_time_zone"; timeZone: string; message: string };

/** An instant: a `Date` or epoch milliseconds. Sub-second precision is dropped. */
export type BaseTime = Date | number;

/** Longest `$[...]` body accepted (the brackets excluded). */
export const MAX_TIME_EXPRESSION_LENGTH = 256;

/** Function names recognised inside `$[...]`, e.g. `$[add_months(yyyyMMdd,-1)]`. */
export const TIME_FUNCTIONS = [
  "add_months",
  "this_day",
  "last_day",
  "year_week",
  "month_first_day",
  "month_last_day",
  "week_first_day",
  "week_last_day",
  "month_begin",
  "month_end",
  "week_begin",
  "week_end",
  "timestamp",
] as const;
export type TimeFunction = (typeof TIME_FUNCTIONS)[number];

/** True when `timeZone` is an IANA zone (or `UTC`) that this runtime's `Intl` knows. */
export function isValidTimeZone(timeZone: string): boolean {
  return formatterFor(timeZone) !== undefined;
}

/**
 * Evaluates the body of one `$[...]` placeholder (without `$[` and `]`), e.g. `yyyyMMdd-1`,
 * `HHmmss+30/24/60`, `add_months(yyyyMMdd,-1)`, `timestamp(yyyy-MM-dd HH:mm:ss)`.
 *
 * Supported forms (DolphinScheduler's built-in parameters):
 * - a pattern of `yyyy`, `yy`, `MM`, `dd`, `HH`, `mm`, `ss` (also single `y M d H m s`, unpadded) and
 *   literal characters (`-`, `/`, `:`, space, ..., or `'quoted text'`);
 * - pattern `+` or `-` an integer expression in days: `yyyyMMdd-1`, `yyyyMMdd+7*2`; the part before the
 *   first `/` is days, the rest divides: `HHmmss-1/24` (one hour), `HHmmss+30/24/60` (30 minutes);
 * - `add_months(fmt,N)`; `this_day(fmt)`; `last_day(fmt)` (the day before: DolphinScheduler's "yesterday",
 *   not the month's end, for which use `month_last_day(fmt,0)`);
 * - `month_first_day(fmt[,N])`, `month_last_day(fmt[,N])`: first/last day of the month N months away;
 * - `week_first_day(fmt[,N])`, `week_last_day(fmt[,N])`: Monday/Sunday of the Monday-based week N weeks away;
 * - `month_begin(fmt,N)`, `month_end(fmt,N)`, `week_begin(fmt,N)`, `week_end(fmt,N)`: first/last day of the
 *   month or week plus N days (older DolphinScheduler functions);
 * - `year_week(fmt[,D])`: `yyyy-WW` (or `yyyyWW` when fmt has no `-`), weeks starting on day D
 *   (1 = Monday ... 7 = Sunday; default Monday), week 1 being the first with at least 4 days in the year.
 *   As in DolphinScheduler the year printed is the calendar year of the date (2024-12-30 gives `2024-01`);
 * - `timestamp(expr)`: unix seconds of `expr`'s result truncated to the fields its format shows
 *   (the format needs at least `yyyy`, `MM`, `dd`), e.g. `timestamp(yyyy-MM-dd HH:mm:ss)`.
 *
 * Time-of-day is kept by day, week and month arithmetic. Never throws.
 */
export function evaluateTimeExpression(
  expression: string,
  baseTime: BaseTime,
  timeZone: string,
): Result<string, TimeExpressionError> {
  const formatter = formatterFor(timeZone);
  if (!formatter) return { ok: false, error: badZone(timeZone) };
  try {
    const base = toInstant(baseTime);
    if (expression.length > MAX_TIME_EXPRESSION_LENGTH) {
      throw new ExpressionError(`longer than ${MAX_TIME_EXPRESSION_LENGTH} characters`);
    }
    return { ok: true, value: evaluate(expression.trim(), base, new Zone(formatter)) };
  } catch (e) {
    const reason = e instanceof ExpressionError ? e.message : "out of range";
    return {
      ok: false,
      error: { code: "bad_time_expression", expression, message: `Bad time expression $[${expression}]: ${reason}` },
    };
  }
}

/**
 * Formats an instant as wall time in `timeZone` with a DolphinScheduler/Java-style pattern
 * (`yyyy MM dd HH mm ss` and literals), e.g. `formatTime(t, "yyyy-MM-dd HH:mm:ss", "Europe/Berlin")`.
 */
export function formatTime(time: BaseTime, pattern: string, timeZone: string): Result<string, TimeExpressionError> {
  const formatter = formatterFor(timeZone);
  if (!formatter) return { ok: false, error: badZone(timeZone) };
  try {
    const zone = new Zone(formatter);
    return { ok: true, value: render(zone.wallAt(toInstant(time)), parsePattern(pattern)) };
  } catch (e) {
    const reason = e instanceof ExpressionError ? e.message : "out of range";
    return { ok: false, error: { code: "bad_time_expression", expression: pattern, message: `Bad time pattern "${pattern}": ${reason}` } };
  }
}

// ---------------------------------------------------------------------------------------------
// Expression evaluation

class ExpressionError extends Error {}

const MINUTES_PER_DAY = 1440;
const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
const FUNCTION_CALL = /^([a-z_]+)\s*\(([\s\S]*)\)$/;

function evaluate(expr: string, base: number, zone: Zone): string {
  if (expr === "") throw new ExpressionError("empty");
  const call = FUNCTION_CALL.exec(expr);
  const name = call?.[1];
  if (call && name === "timestamp") {
    const inner = (call[2] ?? "").trim();
    const { instant, pattern } = calcTime(inner, base, zone);
    return String(timestampOf(instant, pattern, zone));
  }
  if (call && name === "year_week") {
    const [fmt, dayArg] = args(name, call[2] ?? "", 1, 2);
    const weekDay = dayArg === undefined ? 1 : evalInt(dayArg);
    parsePattern(fmt); // reject nonsense formats even though only "-" matters
    return yearWeek(zone.wallAt(base), fmt, weekDay);
  }
  const { instant, pattern } = calcTime(expr, base, zone);
  return render(zone.wallAt(instant), pattern);
}

interface Calculated {
  instant: number;
  pattern: Token[];
}

/** DolphinScheduler's calcTimeExpression: a date-moving function or pattern±offset. */
function calcTime(expr: string, base: number, zone: Zone): Calculated {
  const call = FUNCTION_CALL.exec(expr);
  const name = call?.[1];
  if (call && name !== undefined && isTimeFunction(name)) {
    const body = call[2] ?? "";
    const onDate = (f: (w: Wall) => Wall, fmt: string): Calculated => ({
      instant: zone.instantOf(f(zone.wallAt(base))),
      pattern: parsePattern(fmt),
    });
    switch (name) {
      case "add_months": {
        const [fmt, n] = args(name, body, 2, 2);
        const months = evalInt(n ?? "");
        return onDate((w) => addMonths(w, months), fmt);
      }
      case "this_day": {
        const [fmt] = args(name, body, 1, 1);
        return { instant: base, pattern: parsePattern(fmt) };
      }
      case "last_day": {
        const [fmt] = args(name, body, 1, 1);
        return onDate((w) => addDays(w, -1), fmt);
      }
      case "month_first_day": {
        const [fmt, n] = args(name, body, 1, 2);
        const months = n === undefined ? 0 : evalInt(n);
        return onDate((w) => addMonths({ ...w, day: 1 }, months), fmt);
      }
      case "month_last_day": {
        const [fmt, n] = args(name, body, 1, 2);
        const months = n === undefined ? 0 : evalInt(n);
        return onDate((w) => monthEnd(addMonths(w, months)), fmt);
      }
      case "week_first_day": {
        const [fmt, n] = args(name, body, 1, 2);
        const weeks = n === undefined ? 0 : evalInt(n);
        return onDate((w) => addDays(monday(w), 7 * weeks), fmt);
      }
      case "week_last_day": {
        const [fmt, n] = args(name, body, 1, 2);
        const weeks = n === undefined ? 0 : evalInt(n);
        return onDate((w) => addDays(monday(w), 6 + 7 * weeks), fmt);
      }
      case "month_begin":
      case "month_end":
      case "week_begin":
      case "week_end": {
        const [fmt, n] = args(name, body, 2, 2);
        const days = evalInt(n ?? "");
        const anchor: (w: Wall) => Wall =
          name === "month_begin"
            ? (w) => ({ ...w, day: 1 })
            : name === "month_end"
              ? monthEnd
              : name === "week_begin"
                ? monday
                : (w) => addDays(monday(w), 6);
        return onDate((w) => addDays(anchor(w), days), fmt);
      }
      case "timestamp":
      case "year_week":
        throw new ExpressionError(`${name}() cannot be nested in another function`);
    }
  }
  if (call && name !== undefined && !/^[yMdHms]+$/.test(name)) {
    throw new ExpressionError(`unknown function ${name}() (known: ${TIME_FUNCTIONS.join(", ")})`);
  }
  return calcOffset(expr, base, zone);
}

/** `pattern+N`, `pattern-N` (N days; `a/b/c` divides), or a bare pattern; as DolphinScheduler's calcMinutes. */
function calcOffset(expr: string, base: number, zone: Zone): Calculated {
  const plus = lastOutsideParens(expr, "+");
  const index = plus >= 0 ? plus : lastOutsideParens(expr, "-");
  const next = index >= 0 ? expr[index + 1] : undefined;
  if (index < 0 || next === undefined || !/[0-9(]/.test(next)) {
    return { instant: base, pattern: parsePattern(expr) };
  }
  const sign = plus >= 0 ? 1 : -1;
  const amount = expr.slice(index + 1);
  const slash = amount.indexOf("/");
  const minutes =
    sign *
    (slash < 0
      ? evalInt(`${MINUTES_PER_DAY}*(${amount})`)
      : evalInt(`${MINUTES_PER_DAY}*(${amount.slice(0, slash)})${amount.slice(slash)}`));
  const days = Math.trunc(minutes / MINUTES_PER_DAY);
  const rest = minutes - days * MINUTES_PER_DAY;
  const shifted = days === 0 ? base : zone.instantOf(addDays(zone.wallAt(base), days));
  return { instant: shifted + rest * MS_PER_MINUTE, pattern: parsePattern(expr.slice(0, index)) };
}

/** Last index of `char` not inside parentheses (DolphinScheduler uses plain lastIndexOf). */
function lastOutsideParens(expr: string, char: string): number {
  let depth = 0;
  for (let i = expr.length - 1; i >= 0; i--) {
    const c = expr[i];
    if (c === ")") depth++;
    else if (c === "(") depth = Math.max(0, depth - 1);
    else if (c === char && depth === 0) return i;
  }
  return -1;
}

function isTimeFunction(name: string): name is TimeFunction {
  return (TIME_FUNCTIONS as readonly string[]).includes(name);
}

/** Splits a function's arguments on commas (DolphinScheduler formats cannot contain commas). */
function args(name: string, body: string, min: number, max: number): [string, ...(string | undefined)[]] {
  const parts = body.split(",").map((p) => p.trim());
  if (parts.length < min || parts.length > max || parts[0] === "") {
    const want = min === max ? `${min}` : `${min} or ${max}`;
    throw new ExpressionError(`${name}() takes ${want} argument${max === 1 ? "" : "s"}, got "${body}"`);
  }
  return parts as [string, ...string[]];
}

function timestampOf(instant: number, pattern: Token[], zone: Zone): number {
  const shown = new Set(pattern.flatMap((t) => (t.kind === "field" ? [t.field] : [])));
  if (!shown.has("y") || !shown.has("M") || !shown.has("d")) {
    throw new ExpressionError("timestamp() needs a format with at least yyyy, MM and dd");
  }
  if (shown.has("H") && shown.has("m") && shown.has("s")) return Math.floor(instant / 1000);
  const w = zone.wallAt(instant);
  const truncated: Wall = {
    ...w,
    hour: shown.has("H") ? w.hour : 0,
    minute: shown.has("H") && shown.has("m") ? w.minute : 0,
    second: 0,
  };
  return Math.floor(zone.instantOf(truncated) / 1000);
}

/** DolphinScheduler's transformYearWeek: Java WEEK_OF_YEAR (minimal days 4) with the calendar YEAR. */
function yearWeek(w: Wall, fmt: string, weekDay: number): string {
  const firstDay = weekDay >= 2 && weekDay <= 7 ? weekDay : 1;
  const offset = (isoWeekday(w) - firstDay + 7) % 7;
  const fourth = addDays(w, 3 - offset);
  const week = Math.floor((dayOfYear(fourth) - 1) / 7) + 1;
  const ww = String(week).padStart(2, "0");
  return fmt.includes("-") ? `${w.year}-${ww}` : `${w.year}${ww}`;
}

// ---------------------------------------------------------------------------------------------
// Integer arithmetic (DolphinScheduler's `calculate`: + - * / with Java int division, parentheses, signs)

function evalInt(source: string): number {
  const s = source.replace(/\s+/g, "");
  let i = 0;
  const fail = (why: string): never => {
    throw new ExpressionError(`bad number "${source}": ${why}`);
  };
  const sum = (): number => {
    let v = product();
    while (s[i] === "+" || s[i] === "-") {
      const op = s[i++];
      const r = product();
      v = op === "+" ? v + r : v - r;
    }
    return v;
  };
  const product = (): number => {
    let v = unary();
    while (s[i] === "*" || s[i] === "/") {
      const op = s[i++];
      const r = unary();
      if (op === "*") v *= r;
      else if (r === 0) fail("division by zero");
      else v = Math.trunc(v / r);
    }
    return v;
  };
  const unary = (): number => {
    if (s[i] === "-") {
      i++;
      return -unary();
    }
    if (s[i] === "+") {
      i++;
      return unary();
    }
    if (s[i] === "(") {
      i++;
      const v = sum();
      if (s[i] !== ")") fail("missing )");
      i++;
      return v;
    }
    const digits = /^[0-9]+/.exec(s.slice(i))?.[0];
    if (digits === undefined) return fail(i < s.length ? `unexpected "${s[i]}"` : "number expected");
    i += digits.length;
    return Number(digits);
  };
  const v = sum();
  if (i !== s.length) fail(`unexpected "${s[i]}"`);
  if (!Number.isSafeInteger(v)) fail("too large");
  return v === 0 ? 0 : v; // no -0
}

// ---------------------------------------------------------------------------------------------
// Patterns

type Field = "y" | "M" | "d" | "H" | "m" | "s";
type Token = { kind: "literal"; text: string } | { kind: "field"; field: Field; width: number };

const FIELD_WIDTHS: Record<Field, readonly number[]> = { y: [1, 2, 4], M: [1, 2], d: [1, 2], H: [1, 2], m: [1, 2], s: [1, 2] };

function isField(c: string): c is Field {
  return Object.hasOwn(FIELD_WIDTHS, c);
}

/** Parses a Java-style pattern; letters other than y M d H m s must be quoted. */
function parsePattern(pattern: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern.charAt(i);
    if (c === "'") {
      const close = pattern.indexOf("'", i + 1);
      if (close < 0) throw new ExpressionError(`unterminated quote in "${pattern}"`);
      tokens.push({ kind: "literal", text: close === i + 1 ? "'" : pattern.slice(i + 1, close) });
      i = close + 1;
    } else if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (pattern[j] === c) j++;
      const width = j - i;
      if (!isField(c) || !FIELD_WIDTHS[c].includes(width)) {
        throw new ExpressionError(`unsupported pattern "${pattern.slice(i, j)}" (use yyyy, MM, dd, HH, mm, ss)`);
      }
      tokens.push({ kind: "field", field: c, width });
      i = j;
    } else {
      tokens.push({ kind: "literal", text: c });
      i++;
    }
  }
  if (tokens.length === 0) throw new ExpressionError("empty format");
  return tokens;
}

function render(w: Wall, tokens: Token[]): string {
  let out = "";
  for (const t of tokens) {
    if (t.kind === "literal") {
      out += t.text;
      continue;
    }
    const value = { y: w.year, M: w.month, d: w.day, H: w.hour, m: w.minute, s: w.second }[t.field];
    if (t.field === "y" && t.width === 2) out += String(value % 100).padStart(2, "0");
    else out += String(value).padStart(t.width, "0");
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Wall-clock calendar arithmetic (proleptic Gregorian, computed in UTC so there are no DST effects)

interface Wall {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const MIN_YEAR = 1;
const MAX_YEAR = 9999;

/** Wall time read as if it were UTC, in epoch ms; no `Date.UTC` (it maps years 0-99 to 1900+). */
function wallToUtc(w: Wall): number {
  const d = new Date(0);
  d.setUTCFullYear(w.year, w.month - 1, w.day);
  d.setUTCHours(w.hour, w.minute, w.second, 0);
  return d.getTime();
}

function utcToWall(ms: number): Wall {
  const d = new Date(ms);
  const w = {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
  checkYear(w.year);
  return w;
}

function checkYear(year: number): void {
  if (!(year >= MIN_YEAR && year <= MAX_YEAR)) throw new ExpressionError(`result outside years ${MIN_YEAR}-${MAX_YEAR}`);
}

function addDays(w: Wall, days: number): Wall {
  return utcToWall(wallToUtc(w) + days * MS_PER_DAY);
}

function daysInMonth(year: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, 0);
  return d.getUTCDate();
}

/** Java Calendar.add(MONTH): the day is clamped to the target month's length. */
function addMonths(w: Wall, months: number): Wall {
  const total = w.year * 12 + (w.month - 1) + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12 + 1;
  checkYear(year);
  return { ...w, year, month, day: Math.min(w.day, daysInMonth(year, month)) };
}

function monthEnd(w: Wall): Wall {
  return { ...w, day: daysInMonth(w.year, w.month) };
}

/** 1 = Monday ... 7 = Sunday. */
function isoWeekday(w: Wall): number {
  return ((new Date(wallToUtc(w)).getUTCDay() + 6) % 7) + 1;
}

/** Monday of the Monday-to-Sunday week holding `w`. */
function monday(w: Wall): Wall {
  return addDays(w, 1 - isoWeekday(w));
}

function dayOfYear(w: Wall): number {
  return Math.round((wallToUtc({ ...w, hour: 0, minute: 0, second: 0 }) - wallToUtc({ ...w, month: 1, day: 1, hour: 0, minute: 0, second: 0 })) / MS_PER_DAY) + 1;
}

// ---------------------------------------------------------------------------------------------
// Time zones through Intl

const MAX_CACHED_ZONES = 1000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat | undefined {
  const cached = formatters.get(timeZone);
  if (cached) return cached;
  if (typeof timeZone !== "string" || timeZone === "") return undefined;
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      era: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  } catch {
    return undefined;
  }
  if (formatters.size >= MAX_CACHED_ZONES) formatters.clear();
  formatters.set(timeZone, formatter);
  return formatter;
}

function badZone(timeZone: string): TimeExpressionError {
  return { code: "bad_time_zone", timeZone, message: `Unknown time zone "${timeZone}" (use an IANA name such as Europe/Berlin)` };
}

function toInstant(time: BaseTime): number {
  const ms = typeof time === "number" ? time : time instanceof Date ? time.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new ExpressionError("base time is not a valid date");
  return Math.floor(ms / 1000) * 1000;
}

class Zone {
  constructor(private readonly formatter: Intl.DateTimeFormat) {}

  /** Wall time at an instant (whole seconds). */
  wallAt(instant: number): Wall {
    const w: Wall = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
    let bc = false;
    for (const p of this.formatter.formatToParts(instant)) {
      switch (p.type) {
        case "era":
          bc = p.value.startsWith("B");
          break;
        case "year":
          w.year = Number(p.value);
          break;
        case "month":
          w.month = Number(p.value);
          break;
        case "day":
          w.day = Number(p.value);
          break;
        case "hour":
          w.hour = Number(p.value);
          break;
        case "minute":
          w.minute = Number(p.value);
          break;
        case "second":
          w.second = Number(p.value);
          break;
        default:
          break;
      }
    }
    if (bc) w.year = 1 - w.year;
    checkYear(w.year);
    return w;
  }

  /** Offset from UTC at an instant, in ms. */
  private offsetAt(instant: number): number {
    return wallToUtc(this.wallAt(instant)) - instant;
  }

  /**
   * The instant showing wall time `w`. In a gap (spring forward) the result moves forward by the gap;
   * in an overlap (fall back) the earlier instant wins, as `java.time`'s ZonedDateTime.of does.
   */
  instantOf(w: Wall): number {
    checkYear(w.year);
    const local = wallToUtc(w);
    const before = this.offsetAt(local - MS_PER_DAY);
    const after = this.offsetAt(local + MS_PER_DAY);
    const valid = [local - before, local - after].filter((t) => this.offsetAt(t) === local - t);
    return valid.length > 0 ? Math.min(...valid) : local - before;
  }
}
