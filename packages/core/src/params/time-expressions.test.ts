import { describe, expect, test } from "vitest";
import { type BaseTime, evaluateTimeExpression, formatTime, isValidTimeZone } from "./time-expressions";

/** A UTC instant written as an ISO string without zone, e.g. `utc("2026-03-01T10:00:00")`. */
const utc = (iso: string) => new Date(`${iso}Z`);

const expectValue = (expression: string, base: BaseTime, timeZone: string, expected: string) => {
  expect(evaluateTimeExpression(expression, base, timeZone)).toEqual({ ok: true, value: expected });
};

describe("evaluateTimeExpression: formats and arithmetic (UTC)", () => {
  // 2026-03-01 is a Sunday.
  const base = utc("2026-03-01T10:00:00");
  test.each([
    ["yyyyMMdd", "20260301"],
    ["yyyy-MM-dd", "2026-03-01"],
    ["yyyy/MM/dd", "2026/03/01"],
    ["yyyy-MM-dd HH:mm:ss", "2026-03-01 10:00:00"],
    ["yyyyMMddHHmmss", "20260301100000"],
    ["HHmmss", "100000"],
    ["HH:mm", "10:00"],
    ["yyMMdd", "260301"],
    ["yyyy-M-d H:m:s", "2026-3-1 10:0:0"],
    ["yyyy-MM-dd'T'HH:mm:ss", "2026-03-01T10:00:00"],
    [" yyyyMMdd ", "20260301"],
    // days
    ["yyyyMMdd-1", "20260228"],
    ["yyyyMMdd+7", "20260308"],
    ["yyyyMMdd-7*2", "20260215"],
    ["yyyyMMdd+(1+2)", "20260304"],
    ["yyyyMMdd-(1+1)*2", "20260225"],
    ["yyyyMMdd+1-2", "20260228"], // as DolphinScheduler: the last "+" splits, "1-2" days
    ["yyyy-MM-dd-1", "2026-02-28"],
    ["yyyy-MM-dd HH:mm:ss+1", "2026-03-02 10:00:00"],
    ["yyyyMMdd-365", "20250301"],
    // fractions of a day
    ["HHmmss-1/24", "090000"],
    ["HHmmss+1/24", "110000"],
    ["HHmmss-11/24", "230000"],
    ["yyyyMMddHHmmss-11/24", "20260228230000"],
    ["yyyyMMddHHmmss+30/24/60", "20260301103000"],
    ["HHmmss-90/24/60", "083000"],
    ["yyyyMMddHHmmss-25/24", "20260228090000"],
    // a separator not followed by a digit is part of the format
    ["yyyy-MM-dd-", "2026-03-01-"],
  ])("$[%s] -> %s", (expression, expected) => {
    expectValue(expression, base, "UTC", expected);
  });

  test("sub-second precision of the base is dropped and numbers work as base times", () => {
    expectValue("HHmmss", new Date(Date.UTC(2026, 2, 1, 10, 0, 0, 999)), "UTC", "100000");
    expectValue("yyyyMMdd", Date.UTC(2026, 2, 1), "UTC", "20260301");
  });

  test("the date is the date in the zone, not in UTC", () => {
    expectValue("yyyy-MM-dd HH:mm", utc("2026-03-01T23:30:00"), "Asia/Tokyo", "2026-03-02 08:30");
    expectValue("yyyy-MM-dd HH:mm", utc("2026-03-01T03:30:00"), "America/Los_Angeles", "2026-02-28 19:30");
    expectValue("HH:mm", utc("2026-03-01T00:00:00"), "Asia/Kolkata", "05:30");
  });
});

describe("evaluateTimeExpression: functions", () => {
  test.each([
    // add_months clamps the day to the month's length, as Java's Calendar.add(MONTH)
    ["add_months(yyyyMMdd,-1)", "2026-03-31T08:00:00", "20260228"],
    ["add_months(yyyyMMdd,1)", "2026-01-31T08:00:00", "20260228"],
    ["add_months(yyyyMMdd,-12)", "2024-02-29T08:00:00", "20230228"],
    ["add_months(yyyyMMdd,12*2)", "2026-03-01T08:00:00", "20280301"],
    ["add_months(yyyy-MM-dd HH:mm:ss, -3)", "2026-03-01T08:15:00", "2025-12-01 08:15:00"],
    ["this_day(yyyy-MM-dd)", "2026-03-01T08:00:00", "2026-03-01"],
    // DolphinScheduler's last_day is "yesterday"
    ["last_day(yyyy-MM-dd)", "2026-03-01T08:00:00", "2026-02-28"],
    ["last_day(yyyyMMdd)", "2026-01-01T08:00:00", "20251231"],
    // the examples of DolphinScheduler's built-in parameter docs (2022-08-26 is a Friday)
    ["year_week(yyyy-MM-dd)", "2022-08-26T08:00:00", "2022-34"],
    ["year_week(yyyy-MM-dd,5)", "2022-08-26T08:00:00", "2022-35"],
    ["month_first_day(yyyy-MM-dd,-1)", "2022-08-26T08:00:00", "2022-07-01"],
    ["month_last_day(yyyy-MM-dd,-1)", "2022-08-28T08:00:00", "2022-07-31"],
    ["week_first_day(yyyy-MM-dd,-1)", "2022-08-26T08:00:00", "2022-08-15"],
    ["week_last_day(yyyy-MM-dd,-1)", "2022-08-26T08:00:00", "2022-08-21"],
    // year_week details
    ["year_week(yyyyMMdd)", "2022-08-26T08:00:00", "202234"],
    ["year_week(yyyy-MM-dd,1)", "2022-08-28T08:00:00", "2022-34"],
    ["year_week(yyyy-MM-dd,7)", "2022-08-28T08:00:00", "2022-35"],
    ["year_week(yyyy-MM-dd)", "2026-01-05T08:00:00", "2026-02"],
    ["year_week(yyyy-MM-dd)", "2021-01-01T08:00:00", "2021-53"],
    // calendar year with the week-based week, as DolphinScheduler prints it
    ["year_week(yyyy-MM-dd)", "2024-12-30T08:00:00", "2024-01"],
    // month and week boundaries
    ["month_first_day(yyyy-MM-dd,0)", "2026-03-31T08:00:00", "2026-03-01"],
    ["month_first_day(yyyy-MM-dd)", "2026-03-31T08:00:00", "2026-03-01"],
    ["month_first_day(yyyyMMdd,2)", "2026-12-15T08:00:00", "20270201"],
    ["month_last_day(yyyy-MM-dd,0)", "2024-02-10T08:00:00", "2024-02-29"],
    ["month_last_day(yyyy-MM-dd)", "2026-04-10T08:00:00", "2026-04-30"],
    ["month_last_day(yyyyMMdd,1)", "2026-01-31T08:00:00", "20260228"],
    ["week_first_day(yyyy-MM-dd,0)", "2026-03-01T08:00:00", "2026-02-23"],
    ["week_first_day(yyyy-MM-dd,0)", "2026-03-02T08:00:00", "2026-03-02"],
    ["week_first_day(yyyy-MM-dd,1)", "2026-03-01T08:00:00", "2026-03-02"],
    ["week_last_day(yyyy-MM-dd,0)", "2026-03-01T08:00:00", "2026-03-01"],
    ["week_last_day(yyyy-MM-dd,0)", "2026-03-02T08:00:00", "2026-03-08"],
    ["week_last_day(yyyy-MM-dd)", "2026-03-04T08:00:00", "2026-03-08"],
    // older DolphinScheduler functions: anchor plus N days
    ["month_begin(yyyy-MM-dd,1)", "2026-03-15T08:00:00", "2026-03-02"],
    ["month_end(yyyy-MM-dd,-1)", "2026-03-15T08:00:00", "2026-03-30"],
    ["week_begin(yyyy-MM-dd,-7)", "2026-03-04T08:00:00", "2026-02-23"],
    ["week_end(yyyy-MM-dd,1)", "2026-03-04T08:00:00", "2026-03-09"],
    // time of day is kept
    ["month_last_day(yyyy-MM-dd HH:mm,0)", "2026-03-04T08:45:00", "2026-03-31 08:45"],
    // timestamp: unix seconds
    ["timestamp(yyyy-MM-dd HH:mm:ss)", "2026-03-01T10:00:00", "1772359200"],
    ["timestamp(yyyy-MM-dd HH:mm:ss-1)", "2026-03-01T10:00:00", "1772272800"],
    ["timestamp(yyyy-MM-dd)", "2026-03-01T10:00:00", "1772323200"],
    ["timestamp(add_months(yyyy-MM-dd HH:mm:ss,-1))", "2026-03-01T10:00:00", String(Date.UTC(2026, 1, 1, 10) / 1000)],
  ])("$[%s] on %s -> %s", (expression, base, expected) => {
    expectValue(expression, utc(base), "UTC", expected);
  });

  test("timestamp truncates to the zone's midnight when the format has no time", () => {
    // 2026-03-01T10:00Z is 11:00 in Berlin; Berlin midnight is 2026-02-28T23:00Z.
    expectValue("timestamp(yyyy-MM-dd)", utc("2026-03-01T10:00:00"), "Europe/Berlin", "1772319600");
  });
});

describe("evaluateTimeExpression: DST (calendar days, elapsed hours)", () => {
  test.each([
    // Europe/Berlin springs forward on 2026-03-29 at 02:00 CET -> 03:00 CEST (01:00Z).
    {
      zone: "Europe/Berlin",
      base: "2026-03-29T10:00:00", // 12:00 CEST
      expression: "yyyy-MM-dd HH:mm:ss-1",
      expected: "2026-03-28 12:00:00", // a calendar day (23 h), not 24 h (which would give 11:00)
    },
    { zone: "Europe/Berlin", base: "2026-03-28T11:00:00", expression: "yyyy-MM-dd HH:mm:ss+1", expected: "2026-03-29 12:00:00" },
    { zone: "Europe/Berlin", base: "2026-03-29T10:00:00", expression: "yyyyMMdd-1", expected: "20260328" },
    { zone: "Europe/Berlin", base: "2026-03-29T10:00:00", expression: "timestamp(yyyy-MM-dd HH:mm:ss-1)", expected: "1774695600" },
    // one elapsed hour across the jump: 03:30 CEST - 1 h = 01:30 CET, and back
    { zone: "Europe/Berlin", base: "2026-03-29T01:30:00", expression: "HHmmss-1/24", expected: "013000" },
    { zone: "Europe/Berlin", base: "2026-03-29T00:30:00", expression: "HHmmss+1/24", expected: "033000" },
    { zone: "Europe/Berlin", base: "2026-03-29T00:30:00", expression: "yyyy-MM-dd HH:mm+90/24/60", expected: "2026-03-29 04:00" },
    // a calendar day landing in the gap (02:30 does not exist on 03-29) moves forward by the gap
    { zone: "Europe/Berlin", base: "2026-03-30T00:30:00", expression: "yyyy-MM-dd HH:mm:ss-1", expected: "2026-03-29 03:30:00" },
    // Europe/Berlin falls back on 2026-10-25 at 03:00 CEST -> 02:00 CET (01:00Z).
    { zone: "Europe/Berlin", base: "2026-10-25T11:00:00", expression: "yyyy-MM-dd HH:mm:ss-1", expected: "2026-10-24 12:00:00" },
    // 12 elapsed hours before 12:00 CET on the 25-hour day is 01:00 CEST, not midnight
    { zone: "Europe/Berlin", base: "2026-10-25T11:00:00", expression: "HHmmss-12/24", expected: "010000" },
    { zone: "Europe/Berlin", base: "2026-10-25T11:00:00", expression: "yyyy-MM-dd HH:mm-13/24", expected: "2026-10-25 00:00" },
    // America/New_York springs forward on 2026-03-08 (02:00 EST -> 03:00 EDT).
    { zone: "America/New_York", base: "2026-03-09T16:00:00", expression: "yyyy-MM-dd HH:mm:ss-1", expected: "2026-03-08 12:00:00" },
    { zone: "America/New_York", base: "2026-03-08T07:30:00", expression: "HHmmss-1/24", expected: "013000" },
    // America/New_York falls back on 2026-11-01 at 02:00 EDT -> 01:00 EST (06:00Z).
    { zone: "America/New_York", base: "2026-11-01T17:00:00", expression: "yyyy-MM-dd HH:mm:ss-1", expected: "2026-10-31 12:00:00" },
    { zone: "America/New_York", base: "2026-10-31T16:00:00", expression: "yyyy-MM-dd HH:mm:ss+1", expected: "2026-11-01 12:00:00" },
    // 01:30 EST (second 01:30) - 1 h = 01:30 EDT (first 01:30): same wall time, an hour earlier
    { zone: "America/New_York", base: "2026-11-01T06:30:00", expression: "HHmmss-1/24", expected: "013000" },
    { zone: "America/New_York", base: "2026-11-01T06:30:00", expression: "timestamp(yyyy-MM-dd HH:mm:ss-1/24)", expected: "1793511000" },
    { zone: "America/New_York", base: "2026-11-01T04:30:00", expression: "HHmmss+2/24", expected: "013000" },
    { zone: "America/New_York", base: "2026-11-01T04:30:00", expression: "timestamp(yyyy-MM-dd HH:mm:ss+2/24)", expected: "1793514600" },
    // an ambiguous wall time reached by calendar arithmetic takes the earlier instant (EDT)
    { zone: "America/New_York", base: "2026-11-02T06:30:00", expression: "timestamp(yyyy-MM-dd HH:mm:ss-1)", expected: "1793511000" },
  ])("$zone $base $[$expression] -> $expected", ({ zone, base, expression, expected }) => {
    expectValue(expression, utc(base), zone, expected);
  });
});

describe("evaluateTimeExpression: errors", () => {
  const base = utc("2026-03-01T10:00:00");
  test.each([
    ["", "empty"],
    ["yyyyQQ", 'unsupported pattern "QQ"'],
    ["yyyyyMMdd", 'unsupported pattern "yyyyy"'],
    ["foo(yyyyMMdd)", "unknown function foo()"],
    ["add_months(yyyyMMdd)", "add_months() takes 2 arguments"],
    ["this_day(yyyy-MM-dd,1)", "this_day() takes 1 argument"],
    ["add_months(yyyyMMdd,x)", 'bad number "x"'],
    ["yyyyMMdd+1/0", "division by zero"],
    ["yyyyMMdd+(1", "missing )"],
    ["timestamp(HHmmss)", "timestamp() needs a format with at least yyyy, MM and dd"],
    ["timestamp(year_week(yyyy-MM-dd))", "cannot be nested"],
    ["yyyy-MM-dd'T", "unterminated quote"],
    ["yyyyMMdd+99999999", "outside years"],
    ["x".repeat(300), "longer than 256"],
  ])("$[%s] is a bad_time_expression (%s)", (expression, reason) => {
    const r = evaluateTimeExpression(expression, base, "UTC");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ code: "bad_time_expression", expression });
    expect(r.error.message).toContain(reason);
  });

  test("an unknown time zone is bad_time_zone", () => {
    expect(evaluateTimeExpression("yyyyMMdd", base, "Mars/Olympus_Mons")).toEqual({
      ok: false,
      error: expect.objectContaining({ code: "bad_time_zone", timeZone: "Mars/Olympus_Mons" }) as unknown,
    });
    expect(isValidTimeZone("Mars/Olympus_Mons")).toBe(false);
    expect(isValidTimeZone("")).toBe(false);
    expect(isValidTimeZone("Europe/Berlin")).toBe(true);
    expect(isValidTimeZone("UTC")).toBe(true);
  });

  test("an invalid base time is a bad_time_expression, not a throw", () => {
    expect(evaluateTimeExpression("yyyyMMdd", new Date(Number.NaN), "UTC")).toMatchObject({
      ok: false,
      error: { code: "bad_time_expression" },
    });
    expect(evaluateTimeExpression("yyyyMMdd", Number.POSITIVE_INFINITY, "UTC").ok).toBe(false);
  });
});

describe("formatTime", () => {
  test.each([
    ["yyyy-MM-dd HH:mm:ss", "UTC", "2026-03-29 01:30:00"],
    ["yyyy-MM-dd HH:mm:ss", "Europe/Berlin", "2026-03-29 03:30:00"],
    ["yyyyMMdd", "America/New_York", "20260328"],
  ])("%s in %s -> %s", (pattern, zone, expected) => {
    expect(formatTime(utc("2026-03-29T01:30:00"), pattern, zone)).toEqual({ ok: true, value: expected });
  });

  test("rejects bad patterns and zones", () => {
    expect(formatTime(0, "yyyy-QQ", "UTC")).toMatchObject({ ok: false, error: { code: "bad_time_expression" } });
    expect(formatTime(0, "yyyy", "Nowhere/Else")).toMatchObject({ ok: false, error: { code: "bad_time_zone" } });
  });
});
