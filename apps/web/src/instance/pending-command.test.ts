import { describe, expect, it } from "vitest";
import { settle, type PendingCommand } from "./pending-command";

const stop: PendingCommand = {
  type: "STOP",
  label: "Stopping…",
  sinceEventId: 10,
  fromState: "RUNNING",
};
const ev = (id: number, message: string, kind = "command") => ({ id, kind, message });

describe("settle", () => {
  it("stays pending while the state is unchanged and no newer command event exists", () => {
    expect(settle(stop, [ev(9, "STOP rejected: old"), ev(11, "PAUSE")], "RUNNING")).toEqual({
      done: false,
    });
  });

  it("is done once the state moved", () => {
    expect(settle(stop, [], "READY_STOP")).toEqual({ done: true, error: null });
  });

  it("reports the engine's rejection from a newer timeline event", () => {
    expect(
      settle(stop, [ev(12, "STOP rejected: the instance is already stopping")], "RUNNING"),
    ).toEqual({
      done: true,
      error: "the instance is already stopping",
    });
  });

  it("ignores rejections of other commands and non-command events", () => {
    expect(
      settle(stop, [ev(12, "PAUSE rejected: x"), ev(13, "STOP rejected: y", "alert")], "RUNNING"),
    ).toEqual({
      done: false,
    });
  });
});
