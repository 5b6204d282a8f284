import { z } from "zod";
import { TASK_CODE_PATTERN } from "../format/workflow";
import type { Result } from "../errors";
import type { WorkflowInstanceState } from "../statuses";
import type { TaskTypeDefinition } from "./types";

/**
 * DolphinScheduler's dependent date values, grouped by cycle. Each names a window relative to the
 * instance's schedule time, in the workflow's time zone; weeks start on Monday.
 */
export const DEPENDENT_DATE_VALUES = [
  "currentHour",
  "last1Hour",
  "last2Hours",
  "last3Hours",
  "last24Hours",
  "today",
  "last1Days",
  "last2Days",
  "last3Days",
  "last7Days",
  "thisWeek",
  "lastWeek",
  "lastMonday",
  "lastTuesday",
  "lastWednesday",
  "lastThursday",
  "lastFriday",
  "lastSaturday",
  "lastSunday",
  "thisMonth",
  "lastMonth",
  "lastMonthBegin",
  "lastMonthEnd",
] as const;
export type DependentDateValue = (typeof DEPENDENT_DATE_VALUES)[number];

export const DependentItemSchema = z.object({
  /** A workflow of the same project. */
  workflowId: z.uuid("pick a workflow"),
  /** A task of that workflow whose success is enough; null waits for the whole instance. */
  taskCode: z.string().regex(TASK_CODE_PATTERN, "pick a task").nullable().default(null),
  dateValue: z.enum(DEPENDENT_DATE_VALUES).default("today"),
});
export type DependentItem = z.infer<typeof DependentItemSchema>;

export const DependentParamsSchema = z.object({
  relation: z.enum(["AND", "OR"]).default("AND"),
  items: z.array(DependentItemSchema).min(1, "add at least one dependency").max(50),
  /** How often the master checks again (a durable timer). */
  checkIntervalSeconds: z.number().int().min(1).max(3600).default(10),
  /** How long to wait in all; null waits until the dependency is met (or the instance is stopped). */
  timeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(31 * 24 * 3600)
    .nullable()
    .default(null),
  /** At the timeout: fail the task, or raise a timeout alert and keep waiting. */
  onTimeout: z.enum(["fail", "wait"]).default("fail"),
  /** When the depended-on instance (or task) ended in failure: fail now, or wait for a rerun. */
  onDependencyFailure: z.enum(["fail", "wait"]).default("fail"),
});
export type DependentParams = z.infer<typeof DependentParamsSchema>;

export const dependentTaskType: TaskTypeDefinition<typeof DependentParamsSchema> = {
  type: "dependent",
  label: "Dependent",
  category: "logic",
  description:
    "Waits until another workflow's (or one of its task's) instance for the same schedule window (today, yesterday, last week...) has succeeded, checking at an interval.",
  runtime: "master",
  paramsSchema: DependentParamsSchema,
  defaults: {
    relation: "AND",
    items: [],
    checkIntervalSeconds: 10,
    timeoutSeconds: null,
    onTimeout: "fail",
    onDependencyFailure: "fail",
  },
};

/** A half-open window of instants [start, end) and how to show it. */
export interface DateWindow {
  start: Date;
  end: Date;
  /** e.g. `2026-11-20`, `2026-11-14 … 2026-11-20`, `2026-11-20 13:00–14:00`. */
  label: string;
}

interface Wall {
  y: number;
  m: number; // 1-12
  d: number;
  h: number;
  min: number;
}

const HOUR_MS = 3_600_000;

/**
 * The window a dependent item looks at, relative to `base` (the instance's schedule time) in
 * `timeZone`. Day boundaries are local midnights, so a window stays a calendar window across DST.
 */
export function dependentWindow(
  dateValue: DependentDateValue,
  base: Date,
  timeZone: string,
): Result<DateWindow, string> {
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
  } catch {
    return { ok: false, error: `unknown time zone "${timeZone}"` };
  }
  const zone = new ZoneMath(fmt);
  const now = zone.wall(base.getTime());
  const today = { y: now.y, m: now.m, d: now.d };
  const day = (offset: number): Date =>
    new Date(zone.instant({ ...addDays(today, offset), h: 0, min: 0 }));
  const days = (from: number, to: number): DateWindow => {
    const start = day(from);
    const end = day(to);
    const first = dateLabel(addDays(today, from));
    const last = dateLabel(addDays(today, to - 1));
    return { start, end, label: first === last ? first : `${first} … ${last}` };
  };
  const hourStart = zone.instant({ ...now, min: 0 });
  const hours = (from: number, to: number): DateWindow => {
    const start = new Date(hourStart + from * HOUR_MS);
    const end = new Date(hourStart + to * HOUR_MS);
    const a = zone.wall(start.getTime());
    const b = zone.wall(end.getTime());
    const sameDay = a.y === b.y && a.m === b.m && a.d === b.d;
    return {
      start,
      end,
      label: `${dateLabel(a)} ${hh(a)}–${sameDay ? "" : `${dateLabel(b)} `}${hh(b)}`,
    };
  };
  const weekday = isoWeekday(today); // 1 = Monday
  const thisMonday = 1 - weekday;
  const firstOfMonth = { y: today.y, m: today.m, d: 1 };
  const firstOfLastMonth =
    today.m === 1 ? { y: today.y - 1, m: 12, d: 1 } : { y: today.y, m: today.m - 1, d: 1 };
  const month = (
    from: { y: number; m: number; d: number },
    to: { y: number; m: number; d: number },
  ): DateWindow => {
    const f = dayDiff(today, from);
    const t = dayDiff(today, to);
    return days(f, t);
  };

  switch (dateValue) {
    case "currentHour":
      return ok(hours(0, 1));
    case "last1Hour":
      return ok(hours(-1, 0));
    case "last2Hours":
      return ok(hours(-2, 0));
    case "last3Hours":
      return ok(hours(-3, 0));
    case "last24Hours":
      return ok(hours(-24, 0));
    case "today":
      return ok(days(0, 1));
    case "last1Days":
      return ok(days(-1, 0));
    case "last2Days":
      return ok(days(-2, 0));
    case "last3Days":
      return ok(days(-3, 0));
    case "last7Days":
      return ok(days(-7, 0));
    case "thisWeek":
      return ok(days(thisMonday, 1));
    case "lastWeek":
      return ok(days(thisMonday - 7, thisMonday));
    case "lastMonday":
    case "lastTuesday":
    case "lastWednesday":
    case "lastThursday":
    case "lastFriday":
    case "lastSaturday":
    case "lastSunday": {
      const i = [
        "lastMonday",
        "lastTuesday",
        "lastWednesday",
        "lastThursday",
        "lastFriday",
        "lastSaturday",
        "lastSunday",
      ].indexOf(dateValue);
      return ok(days(thisMonday - 7 + i, thisMonday - 6 + i));
    }
    case "thisMonth":
      return ok(days(dayDiff(today, firstOfMonth), 1));
    case "lastMonth":
      return ok(month(firstOfLastMonth, firstOfMonth));
    case "lastMonthBegin":
      return ok(days(dayDiff(today, firstOfLastMonth), dayDiff(today, firstOfLastMonth) + 1));
    case "lastMonthEnd":
      return ok(days(dayDiff(today, firstOfMonth) - 1, dayDiff(today, firstOfMonth)));
    default: {
      const never: never = dateValue;
      return { ok: false, error: `unknown date value ${String(never)}` };
    }
  }
}

const ok = (w: DateWindow): Result<DateWindow, string> => ({ ok: true, value: w });
const pad = (n: number, w = 2) => String(n).padStart(w, "0");
const dateLabel = (w: { y: number; m: number; d: number }) =>
  `${pad(w.y, 4)}-${pad(w.m)}-${pad(w.d)}`;
const hh = (w: Wall) => `${pad(w.h)}:${pad(w.min)}`;

function addDays(
  w: { y: number; m: number; d: number },
  n: number,
): { y: number; m: number; d: number } {
  const t = new Date(Date.UTC(w.y, w.m - 1, w.d + n));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}
/** Days from `a` to `b` (calendar dates). */
function dayDiff(
  a: { y: number; m: number; d: number },
  b: { y: number; m: number; d: number },
): number {
  return Math.round((Date.UTC(b.y, b.m - 1, b.d) - Date.UTC(a.y, a.m - 1, a.d)) / 86_400_000);
}
function isoWeekday(w: { y: number; m: number; d: number }): number {
  const d = new Date(Date.UTC(w.y, w.m - 1, w.d)).getUTCDay();
  return d === 0 ? 7 : d;
}

/** Wall clock ⇄ instant in one zone, from Intl (no zone database of our own). */
class ZoneMath {
  constructor(private readonly fmt: Intl.DateTimeFormat) {}

  wall(ms: number): Wall {
    const parts: Record<string, number> = {};
    for (const p of this.fmt.formatToParts(new Date(ms)))
      if (p.type !== "literal") parts[p.type] = Number(p.value);
    return { y: parts.year!, m: parts.month!, d: parts.day!, h: parts.hour!, min: parts.minute! };
  }

  private offset(ms: number): number {
    const w = this.wall(ms);
    const asUtc = Date.UTC(w.y, w.m - 1, w.d, w.h, w.min);
    return asUtc - Math.floor(ms / 60_000) * 60_000;
  }

  /** The instant of a wall time; a time in a DST gap moves forward by the gap, an ambiguous one takes the earlier instant. */
  instant(w: Wall): number {
    const guess = Date.UTC(w.y, w.m - 1, w.d, w.h, w.min);
    const candidates = [
      guess - this.offset(guess - 86_400_000),
      guess - this.offset(guess + 86_400_000),
    ].sort((a, b) => a - b);
    for (const c of candidates) {
      const back = this.wall(c);
      if (
        back.y === w.y &&
        back.m === w.m &&
        back.d === w.d &&
        back.h === w.h &&
        back.min === w.min
      )
        return c;
    }
    // In a gap: the later offset applied to the wall time lands after the gap.
    return guess - this.offset(guess - 86_400_000);
  }
}

/** What one dependency's latest instance in its window says. */
export type DependencyStatus = "met" | "failed" | "waiting";

/**
 * The state of a dependency from the latest matching instance in its window (null = none yet) and, when
 * the item names a task, that task's latest state in it (null = not run yet).
 */
export function dependencyStatus(
  instance: { state: WorkflowInstanceState; taskState?: string | null } | null,
  item: Pick<DependentItem, "taskCode">,
): DependencyStatus {
  if (!instance) return "waiting";
  if (item.taskCode) {
    const s = instance.taskState;
    if (s === "SUCCESS" || s === "FORCED_SUCCESS") return "met";
    if (s === "FAILURE" || s === "KILL") return instance.state === "RUNNING" ? "waiting" : "failed";
    return instance.state === "SUCCESS" || instance.state === "FAILURE" || instance.state === "STOP"
      ? "failed"
      : "waiting";
  }
  if (instance.state === "SUCCESS") return "met";
  if (instance.state === "FAILURE" || instance.state === "STOP") return "failed";
  return "waiting";
}

/** Combines the items' statuses by the relation (AND: all met; OR: one met). */
export function combineDependencies(
  relation: "AND" | "OR",
  statuses: readonly DependencyStatus[],
): DependencyStatus {
  if (relation === "AND") {
    if (statuses.includes("failed")) return "failed";
    return statuses.every((s) => s === "met") ? "met" : "waiting";
  }
  if (statuses.includes("met")) return "met";
  return statuses.length > 0 && statuses.every((s) => s === "failed") ? "failed" : "waiting";
}
