import { describe, expect, it } from "vitest";
import { searchTasks } from "./search";
import type { TaskNode } from "./types";

const node = (id: string, name: string, type = "shell") =>
  ({
    id,
    type: "task",
    position: { x: 0, y: 0 },
    data: { task: { code: id, name, type } },
  }) as TaskNode;

describe("searchTasks", () => {
  const nodes = [
    node("t1", "load-orders"),
    node("t2", "orders"),
    node("t3", "extract", "python"),
    node("tabc", "report", "sql"),
  ];
  it("ranks exact, then prefix, then contained name matches", () => {
    expect(searchTasks(nodes, "orders").map((h) => h.code)).toEqual(["t2", "t1"]);
    expect(searchTasks(nodes, "ORD").map((h) => h.code)).toEqual(["t2", "t1"]);
  });
  it("finds by code and by type or its label", () => {
    expect(searchTasks(nodes, "tabc").map((h) => h.code)).toEqual(["tabc"]);
    expect(searchTasks(nodes, "python").map((h) => h.code)).toEqual(["t3"]);
    expect(searchTasks(nodes, "SQL").map((h) => h.code)).toEqual(["tabc"]);
  });
  it("returns nothing for a blank query and respects the limit", () => {
    expect(searchTasks(nodes, "  ")).toEqual([]);
    expect(searchTasks(nodes, "t", 2)).toHaveLength(2);
  });
});
