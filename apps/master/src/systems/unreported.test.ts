import { describe, expect, it } from "vitest";
import { unreportedAttempts, type WorkerReport } from "./unreported";

const GRACE = 3000;
const t0 = Date.parse("2026-01-01T00:00:00Z");
const at = (ms: number) => new Date(t0 + ms);
const attempt = (id: string, sinceMs: number, host = "w1") => ({ id, host, since: at(sinceMs) });
const workers = (report: WorkerReport) => new Map([["w1", report]]);

describe("unreportedAttempts", () => {
  it("reports an attempt its live worker has stopped listing once it stayed missing for the grace", () => {
    const a = [attempt("a1", 0)];
    const w = workers({ heartbeatAt: at(10_000), running: [] });
    const first = unreportedAttempts(a, w, new Map(), t0 + 10_000, GRACE);
    expect(first.lost).toEqual([]); // missing once: its finished event may still be on its way
    expect(first.missingSince.get("a1")).toBe(t0 + 10_000);
    const early = unreportedAttempts(a, w, first.missingSince, t0 + 12_000, GRACE);
    expect(early.lost).toEqual([]);
    expect(early.missingSince.get("a1")).toBe(t0 + 10_000); // the first sighting is kept
    expect(unreportedAttempts(a, w, early.missingSince, t0 + 13_000, GRACE).lost).toEqual(["a1"]);
  });

  it("leaves alone an attempt the worker lists", () => {
    const a = [attempt("a1", 0)];
    const w = workers({ heartbeatAt: at(10_000), running: ["a1"] });
    const d = unreportedAttempts(a, w, new Map([["a1", t0]]), t0 + 10_000, GRACE);
    expect(d).toEqual({ lost: [], missingSince: new Map() }); // listed again: forgotten
  });

  it("does not hit an attempt that started too recently to be in a heartbeat", () => {
    const a = [attempt("a1", 9000)];
    const w = workers({ heartbeatAt: at(10_000), running: [] });
    const d = unreportedAttempts(a, w, new Map([["a1", t0]]), t0 + 20_000, GRACE);
    expect(d).toEqual({ lost: [], missingSince: new Map() });
  });

  it("leaves dead workers to failover and workers that report no ids alone", () => {
    const a = [attempt("a1", 0, "gone"), attempt("a2", 0, "old")];
    const w = new Map<string, WorkerReport>([["old", { heartbeatAt: at(10_000), running: null }]]);
    const d = unreportedAttempts(
      a,
      w,
      new Map([
        ["a1", t0],
        ["a2", t0],
      ]),
      t0 + 20_000,
      GRACE,
    );
    expect(d).toEqual({ lost: [], missingSince: new Map() });
  });
});
