import { describe, expect, it } from "vitest";
import type { LoadSample } from "./load";
import { decideLoad, loadTransition } from "./load-guard";

const sample = (s: Partial<LoadSample>): LoadSample => ({
  cpuPct: 10,
  memPct: 20,
  loadPerCpu: 0.2,
  load1: 0.4,
  cpus: 2,
  running: 0,
  ...s,
});

describe("decideLoad", () => {
  it("is not overloaded without limits", () => {
    expect(decideLoad(sample({ cpuPct: 100, memPct: 100, running: 999 }), {})).toEqual({
      overloaded: false,
      reasons: [],
    });
  });

  it("names every metric over its limit", () => {
    const d = decideLoad(sample({ cpuPct: 93, memPct: 95, loadPerCpu: 3 }), {
      maxCpuPct: 80,
      maxMemPct: 90,
      maxLoadPerCpu: 2,
    });
    expect(d.overloaded).toBe(true);
    expect(d.reasons).toEqual(["cpu 93% > 80%", "memory 95% > 90%", "load 3/cpu > 2/cpu"]);
  });

  it("treats a value equal to a percentage limit as within it", () => {
    expect(
      decideLoad(sample({ cpuPct: 80, memPct: 90 }), { maxCpuPct: 80, maxMemPct: 90 }).overloaded,
    ).toBe(false);
  });

  it("is full once the running tasks reach the task limit", () => {
    expect(decideLoad(sample({ running: 3 }), { maxTasks: 4 }).overloaded).toBe(false);
    expect(decideLoad(sample({ running: 4 }), { maxTasks: 4 })).toEqual({
      overloaded: true,
      reasons: ["4 tasks running (limit 4)"],
    });
  });
});

describe("loadTransition", () => {
  const over = { overloaded: true, reasons: ["x"] };
  const fine = { overloaded: false, reasons: [] };
  it("pauses a running consumer when overloaded and resumes a paused one when not", () => {
    expect(loadTransition(false, over)).toBe("pause");
    expect(loadTransition(true, fine)).toBe("resume");
  });
  it("changes nothing when the state already fits", () => {
    expect(loadTransition(true, over)).toBeNull();
    expect(loadTransition(false, fine)).toBeNull();
  });
});
