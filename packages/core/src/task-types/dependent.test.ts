import { describe, expect, it } from "vitest";
import {
  combineDependencies,
  dependencyStatus,
  dependentWindow,
  type DependentDateValue,
} from "./dependent";

const window = (value: DependentDateValue, base: string, zone = "UTC") => {
  const r = dependentWindow(value, new Date(base), zone);
  if (!r.ok) throw new Error(r.error);
  return {
    start: r.value.start.toISOString(),
    end: r.value.end.toISOString(),
    label: r.value.label,
  };
};

describe("dependentWindow", () => {
  // Friday 2026-11-20 14:30 UTC.
  const base = "2026-11-20T14:30:00Z";
  it.each([
    [
      "currentHour",
      "2026-11-20T14:00:00.000Z",
      "2026-11-20T15:00:00.000Z",
      "2026-11-20 14:00–15:00",
    ],
    ["last1Hour", "2026-11-20T13:00:00.000Z", "2026-11-20T14:00:00.000Z", "2026-11-20 13:00–14:00"],
    [
      "last3Hours",
      "2026-11-20T11:00:00.000Z",
      "2026-11-20T14:00:00.000Z",
      "2026-11-20 11:00–14:00",
    ],
    [
      "last24Hours",
      "2026-11-19T14:00:00.000Z",
      "2026-11-20T14:00:00.000Z",
      "2026-11-19 14:00–2026-11-20 14:00",
    ],
    ["today", "2026-11-20T00:00:00.000Z", "2026-11-21T00:00:00.000Z", "2026-11-20"],
    ["last1Days", "2026-11-19T00:00:00.000Z", "2026-11-20T00:00:00.000Z", "2026-11-19"],
    [
      "last7Days",
      "2026-11-13T00:00:00.000Z",
      "2026-11-20T00:00:00.000Z",
      "2026-11-13 … 2026-11-19",
    ],
    ["thisWeek", "2026-11-16T00:00:00.000Z", "2026-11-21T00:00:00.000Z", "2026-11-16 … 2026-11-20"],
    ["lastWeek", "2026-11-09T00:00:00.000Z", "2026-11-16T00:00:00.000Z", "2026-11-09 … 2026-11-15"],
    ["lastMonday", "2026-11-09T00:00:00.000Z", "2026-11-10T00:00:00.000Z", "2026-11-09"],
    ["lastSunday", "2026-11-15T00:00:00.000Z", "2026-11-16T00:00:00.000Z", "2026-11-15"],
    [
      "thisMonth",
      "2026-11-01T00:00:00.000Z",
      "2026-11-21T00:00:00.000Z",
      "2026-11-01 … 2026-11-20",
    ],
    [
      "lastMonth",
      "2026-10-01T00:00:00.000Z",
      "2026-11-01T00:00:00.000Z",
      "2026-10-01 … 2026-10-31",
    ],
    ["lastMonthBegin", "2026-10-01T00:00:00.000Z", "2026-10-02T00:00:00.000Z", "2026-10-01"],
    ["lastMonthEnd", "2026-10-31T00:00:00.000Z", "2026-11-01T00:00:00.000Z", "2026-10-31"],
  ] as const)("%s", (value, start, end, label) => {
    expect(window(value, base)).toEqual({ start, end, label });
  });

  it("uses the time zone's calendar: 01:30 in Shanghai is still the previous day in UTC", () => {
    // 2026-11-20T17:30Z is 2026-11-21 01:30 in Asia/Shanghai (UTC+8).
    expect(window("today", "2026-11-20T17:30:00Z", "Asia/Shanghai")).toEqual({
      start: "2026-11-20T16:00:00.000Z",
      end: "2026-11-21T16:00:00.000Z",
      label: "2026-11-21",
    });
  });

  it("keeps calendar days across a DST change (Berlin, 2026-10-25 has 25 hours)", () => {
    expect(window("last1Days", "2026-10-26T10:00:00Z", "Europe/Berlin")).toEqual({
      start: "2026-10-24T22:00:00.000Z",
      end: "2026-10-25T23:00:00.000Z",
      label: "2026-10-25",
    });
  });

  it("wraps January to last December", () => {
    expect(window("lastMonth", "2027-01-10T08:00:00Z")).toMatchObject({
      label: "2026-12-01 … 2026-12-31",
    });
  });

  it("refuses an unknown time zone", () => {
    expect(dependentWindow("today", new Date(), "Mars/Olympus")).toEqual({
      ok: false,
      error: 'unknown time zone "Mars/Olympus"',
    });
  });
});

describe("dependencyStatus", () => {
  it.each([
    [null, null, "waiting"],
    [{ state: "RUNNING" }, null, "waiting"],
    [{ state: "SUCCESS" }, null, "met"],
    [{ state: "FAILURE" }, null, "failed"],
    [{ state: "STOP" }, null, "failed"],
    [{ state: "RUNNING", taskState: "SUCCESS" }, "t", "met"],
    [{ state: "RUNNING", taskState: "FAILURE" }, "t", "waiting"], // may still be retried or recovered
    [{ state: "FAILURE", taskState: "FAILURE" }, "t", "failed"],
    [{ state: "SUCCESS", taskState: null }, "t", "failed"], // the task never ran in a finished instance
  ] as const)("%j task %s → %s", (instance, taskCode, expected) => {
    expect(dependencyStatus(instance, { taskCode })).toBe(expected);
  });

  it.each([
    ["AND", ["met", "met"], "met"],
    ["AND", ["met", "waiting"], "waiting"],
    ["AND", ["waiting", "failed"], "failed"],
    ["OR", ["failed", "met"], "met"],
    ["OR", ["failed", "waiting"], "waiting"],
    ["OR", ["failed", "failed"], "failed"],
  ] as const)("%s of %j → %s", (relation, statuses, expected) => {
    expect(combineDependencies(relation, statuses)).toBe(expected);
  });
});
