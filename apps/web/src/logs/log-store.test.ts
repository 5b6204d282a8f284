import { describe, expect, it } from "vitest";
import { LogStore, PAGE } from "./log-store";

const lines = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `l${from + i}`);

describe("LogStore", () => {
  it("places lines by number whatever order they come in, once each", () => {
    const s = new LogStore();
    s.put(1500, lines(1500, 1510)); // live tail first
    expect(s.total).toBe(1510);
    expect(s.missingPages(0, 1510)).toEqual([0, 1]);
    s.put(0, lines(0, 1000)); // then pages
    s.put(1000, lines(1000, 1505)); // overlapping the tail
    expect(s.missingPages(0, 1510)).toEqual([]);
    expect(Array.from({ length: 1510 }, (_, i) => s.get(i))).toEqual(lines(0, 1510));
  });

  it("knows a total larger than what it holds and which pages to fetch for a range", () => {
    const s = new LogStore();
    s.setTotal(1_000_000, true);
    expect(s.final).toBe(true);
    expect(s.missingPages(999_950, 1_000_000)).toEqual([999]);
    s.put(999_000, lines(999_000, 1_000_000));
    expect(s.missingPages(999_950, 1_000_000)).toEqual([]);
    expect(s.missingPages(998_990, 999_010)).toEqual([998]);
    expect(s.get(999_999)).toBe("l999999");
    expect(s.get(5)).toBeUndefined();
  });

  it("drops the least recently used pages beyond its budget, sparing the ones in view", () => {
    const s = new LogStore();
    for (let p = 0; p < 301; p++) {
      s.put(p * PAGE, lines(p * PAGE, p * PAGE + 1));
      if (p === 150) s.touch(0, 0);
    }
    expect(s.get(0)).toBe("l0"); // touched: kept
    expect(s.get(1 * PAGE)).toBeUndefined(); // oldest untouched: dropped
    expect(s.get(300 * PAGE)).toBe(`l${300 * PAGE}`);
  });

  it("tells subscribers once per burst of batches", async () => {
    const s = new LogStore();
    let calls = 0;
    s.subscribe(() => calls++);
    for (let i = 0; i < 50; i++) s.put(i, [`l${i}`]);
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toBe(1);
    expect(s.snapshot()).toBe(1);
  });
});
