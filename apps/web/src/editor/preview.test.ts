import { describe, expect, it } from "vitest";
import { previewTask } from "./preview";

const at = new Date("2024-03-01T10:00:00Z");

describe("previewTask", () => {
  it("resolves ${params} (local over global over system) and $[time] per field", () => {
    const lines = previewTask(
      {
        params: {
          script: "load ${dt} ${table} $[yyyyMM]",
          other: 3,
          nested: { url: "x?d=${system.biz.curdate}" },
        },
        localParams: [{ name: "table", value: "events_${dt}" }],
      },
      [
        { name: "dt", value: "$[yyyyMMdd-1]" },
        { name: "table", value: "ignored" },
      ],
      at,
      "UTC",
    );
    expect(lines).toEqual([
      {
        field: "params.script",
        text: "load ${dt} ${table} $[yyyyMM]",
        resolved: "load 20240229 events_20240229 202403",
      },
      { field: "params.nested.url", text: "x?d=${system.biz.curdate}", resolved: "x?d=20240301" },
      { field: "localParams.table", text: "events_${dt}", resolved: "events_20240229" },
    ]);
  });

  it("reports an unknown parameter on its field and keeps resolving the others", () => {
    const lines = previewTask(
      { params: { a: "${nope}", b: "${dt}" }, localParams: [] },
      [{ name: "dt", value: "1" }],
      at,
      "UTC",
    );
    expect(lines[0]).toMatchObject({ field: "params.a", error: expect.stringContaining("nope") });
    expect(lines[1]).toMatchObject({ field: "params.b", resolved: "1" });
  });

  it("uses the chosen zone for time expressions", () => {
    const late = new Date("2024-03-01T23:30:00Z");
    const [tokyo] = previewTask(
      { params: { s: "$[yyyyMMdd]" }, localParams: [] },
      [],
      late,
      "Asia/Tokyo",
    );
    expect(tokyo!.resolved).toBe("20240302");
  });
});
