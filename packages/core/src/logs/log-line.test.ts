import { describe, expect, it } from "vitest";
import { decodeLogLine, encodeLogLine, rawLogText, safeCut } from "./log-line";

const time = new Date("2026-01-02T03:04:05.678Z");

describe("log line codec", () => {
  it.each([
    ["plain", { text: "hello" }, "2026-01-02T03:04:05.678Z\thello", "hello\n"],
    [
      "stderr, no final newline",
      { text: "bye", stderr: true, end: "none" as const },
      "2026-01-02T03:04:05.678Z2n\tbye",
      "bye",
    ],
    [
      "continued",
      { text: "abc", end: "continued" as const },
      "2026-01-02T03:04:05.678Zc\tabc",
      "abc",
    ],
    ["tabs and CR kept", { text: "a\tb\r" }, "2026-01-02T03:04:05.678Z\ta\tb\r", "a\tb\r\n"],
    ["NUL escaped", { text: "a\0b\\0c" }, "2026-01-02T03:04:05.678Ze\ta\\0b\\\\0c", "a\0b\\0c\n"],
  ])("%s", (_, opts, stored, raw) => {
    const line = encodeLogLine({ time, ...opts });
    expect(line).toBe(stored);
    expect(line.includes("\0")).toBe(false);
    expect(rawLogText(line)).toBe(raw);
    expect(decodeLogLine(line).time).toBe("2026-01-02T03:04:05.678Z");
  });

  it("system lines are not part of the raw output", () => {
    const line = encodeLogLine({ time, text: "[shoal] exit code 0", system: true });
    expect(decodeLogLine(line)).toMatchObject({ system: true, text: "[shoal] exit code 0" });
    expect(rawLogText(line)).toBeNull();
  });

  it("a line in another form is plain text", () => {
    expect(decodeLogLine("no time here")).toMatchObject({ time: null, text: "no time here" });
    expect(decodeLogLine("2026-01-02T03:04:05.678Z but no tab")).toMatchObject({ time: null });
  });

  it("never cuts a surrogate pair", () => {
    const s = "ab\u{1F600}cd"; // the emoji is two code units at 2..3
    expect(safeCut(s, 3)).toBe(2);
    expect(safeCut(s, 4)).toBe(4);
    expect(safeCut(s, 10)).toBe(s.length);
  });
});
