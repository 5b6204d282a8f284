import { describe, expect, it } from "vitest";
import { canRedo, canUndo, createHistory, record, redo, undo } from "./history";

describe("history", () => {
  it("undoes and redoes edits in order", () => {
    let h = createHistory<number>();
    h = record(h, 0); // edit 0 → 1
    h = record(h, 1); // edit 1 → 2
    const u1 = undo(h, 2)!;
    expect(u1.state).toBe(1);
    const u2 = undo(u1.history, 1)!;
    expect(u2.state).toBe(0);
    expect(undo(u2.history, 0)).toBeNull();
    expect(canRedo(u2.history)).toBe(true);
    const r1 = redo(u2.history, 0)!;
    expect(r1.state).toBe(1);
    const r2 = redo(r1.history, 1)!;
    expect(r2.state).toBe(2);
    expect(redo(r2.history, 2)).toBeNull();
  });

  it("drops the redo stack when a new edit is recorded after an undo", () => {
    let h = createHistory<string>();
    h = record(h, "a");
    const u = undo(h, "b")!;
    expect(canRedo(u.history)).toBe(true);
    h = record(u.history, "a");
    expect(canRedo(h)).toBe(false);
    expect(canUndo(h)).toBe(true);
  });

  it("keeps at most `limit` entries, forgetting the oldest", () => {
    let h = createHistory<number>(3);
    for (let i = 0; i < 10; i++) h = record(h, i);
    expect(h.past).toEqual([7, 8, 9]);
  });

  it("coalesces edits with the same key close in time into one entry", () => {
    let h = createHistory<string>(100, 1000);
    h = record(h, "", "name", 0); // typing "a"
    h = record(h, "a", "name", 300); // "ab"
    h = record(h, "ab", "name", 900); // "abc"
    expect(h.past).toEqual([""]);
    h = record(h, "abc", "name", 5000); // a pause: a new entry
    expect(h.past).toEqual(["", "abc"]);
    h = record(h, "abcd", "script", 5100); // another field: a new entry
    expect(h.past).toHaveLength(3);
    // After an undo the next edit never merges into an older entry.
    const u = undo(h, "abcde")!;
    const h2 = record(u.history, "abcd", "script", 5200);
    expect(h2.past).toHaveLength(3);
  });

  it("never coalesces edits without a key", () => {
    let h = createHistory<number>();
    h = record(h, 1, null, 0);
    h = record(h, 2, null, 1);
    expect(h.past).toEqual([1, 2]);
  });
});
