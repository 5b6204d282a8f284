import { TASK_TYPES, getTaskType } from "@shoal/core";
import { describe, expect, it } from "vitest";
import { blankOf, paramErrors, paramFields, type FieldNode } from "./param-fields";

const fieldsOf = (type: string) => paramFields(getTaskType(type)!);
const kinds = (type: string) => Object.fromEntries(fieldsOf(type).map((f) => [f.key, f.node.kind]));

describe("paramFields", () => {
  it("gives every task type a form with at least one field and no raw-JSON top level", () => {
    for (const [type, def] of Object.entries(TASK_TYPES)) {
      const fields = paramFields(def);
      expect(fields.length, type).toBeGreaterThan(0);
      expect(
        fields.some((f) => f.key === ""),
        `${type} falls back to one JSON box`,
      ).toBe(false);
    }
  });

  it("marks required fields and reads defaults", () => {
    const shell = fieldsOf("shell");
    expect(shell).toEqual([
      {
        key: "script",
        node: { kind: "text", multiline: true },
        optional: false,
        defaultValue: undefined,
        description: undefined,
      },
    ]);
    const http = Object.fromEntries(fieldsOf("http").map((f) => [f.key, f]));
    expect(http.url).toMatchObject({ optional: false, node: { kind: "text", multiline: false } });
    expect(http.method).toMatchObject({
      optional: true,
      defaultValue: "GET",
      node: { kind: "enum" },
    });
    expect(http.method!.node).toMatchObject({ options: expect.arrayContaining(["GET", "POST"]) });
  });

  it("picks widgets from the schema: code bodies, lists, key/value maps, tagged unions, pickers", () => {
    expect(kinds("sql")).toMatchObject({
      sql: "text",
      sqlType: "enum",
      preStatements: "array",
      outParams: "array",
    });
    expect(kinds("http")).toMatchObject({
      headers: "record",
      checks: "array",
      timeoutSeconds: "number",
    });
    const checks = fieldsOf("http").find((f) => f.key === "checks")!.node as Extract<
      FieldNode,
      { kind: "array" }
    >;
    expect(checks.element).toMatchObject({ kind: "union", tagKey: "type" });
    expect(
      (checks.element as Extract<FieldNode, { kind: "union" }>).variants.map((v) => v.tag),
    ).toEqual(["contains", "notContains", "jsonPathEquals"]);
    // Branch targets pick a task of this workflow; a dependent item's task is another workflow's.
    expect(kinds("conditions")).toMatchObject({ successNext: "array", conditions: "array" });
    const cond = fieldsOf("conditions").find((f) => f.key === "conditions")!.node as Extract<
      FieldNode,
      { kind: "array" }
    >;
    expect(cond.element).toMatchObject({ kind: "object" });
    expect(
      (cond.element as Extract<FieldNode, { kind: "object" }>).fields.map((f) => [
        f.key,
        f.node.kind,
      ]),
    ).toEqual([
      ["taskCode", "taskRef"],
      ["state", "enum"],
    ]);
    expect(kinds("sub_workflow")).toMatchObject({ workflowId: "workflowRef", version: "number" });
    expect(kinds("sql")).toMatchObject({
      datasource: "datasourceRef",
      sql: "text",
      sqlType: "enum",
    });
    const items = fieldsOf("dependent").find((f) => f.key === "items")!.node as Extract<
      FieldNode,
      { kind: "array" }
    >;
    const item = (items.element as Extract<FieldNode, { kind: "object" }>).fields;
    expect(item.find((f) => f.key === "workflowId")!.node.kind).toBe("workflowRef");
    expect(item.find((f) => f.key === "taskCode")!.node.kind).toBe("text");
  });

  it("a new list item starts from the element's defaults", () => {
    const branches = fieldsOf("switch").find((f) => f.key === "branches")!.node as Extract<
      FieldNode,
      { kind: "array" }
    >;
    expect(blankOf(branches.element)).toEqual({ condition: "", next: "" });
  });
});

describe("paramErrors", () => {
  it("keys each schema message by its params path", () => {
    expect(paramErrors(getTaskType("shell")!, { script: "" })).toEqual(
      new Map([["script", "script is required"]]),
    );
    const errors = paramErrors(getTaskType("http")!, {
      url: "https://x",
      checks: [{ type: "contains", value: "" }],
    });
    expect(errors.get("checks[0].value")).toBe("value is required");
    expect(paramErrors(getTaskType("python")!, { script: "print(1)" }).size).toBe(0);
  });
});
