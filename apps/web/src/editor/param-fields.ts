import type { TaskTypeDefinition } from "@shoal/core";

// ---------------------------------------------------------------------------------------------
// Schema → form description. Zod 4 keeps each schema's shape in `_zod.def`; reading it means a new
// task type needs no UI code: its params schema is the form.
// ---------------------------------------------------------------------------------------------

type Def = {
  type: string;
  innerType?: ZodLike;
  defaultValue?: unknown;
  shape?: Record<string, ZodLike>;
  entries?: Record<string, string>;
  element?: ZodLike;
  valueType?: ZodLike;
  values?: unknown[];
  options?: ZodLike[];
  in?: ZodLike;
  discriminator?: string;
};
type ZodLike = { _zod: { def: Def }; description?: string };

export type FieldNode =
  | { kind: "text"; multiline: boolean }
  | { kind: "number" }
  | { kind: "boolean" }
  | { kind: "enum"; options: string[] }
  | { kind: "literal"; value: unknown }
  | { kind: "object"; fields: ParamField[] }
  | { kind: "array"; element: FieldNode }
  | { kind: "record"; value: FieldNode }
  /** A task of this workflow, by code (conditions and switch branch targets). */
  | { kind: "taskRef" }
  /** A workflow of this project, by id (sub_workflow, dependent). */
  | { kind: "workflowRef" }
  /** A data source of this project, by name (sql). */
  | { kind: "datasourceRef" }
  /** A discriminated union: pick the tag, then fill that variant's fields. */
  | { kind: "union"; tagKey: string; variants: { tag: string; fields: ParamField[] }[] }
  | { kind: "json" };

export interface ParamField {
  key: string;
  node: FieldNode;
  /** May be left out (optional, or has a default). */
  optional: boolean;
  /** The schema's default, shown as a hint and used for new array items. */
  defaultValue?: unknown;
  description?: string;
}

/** Strips optional/default/nullable wrappers; reports whether the field may be left out. */
function unwrap(schema: ZodLike): { inner: ZodLike; optional: boolean; defaultValue?: unknown } {
  let s = schema;
  let optional = false;
  let defaultValue: unknown;
  for (let i = 0; i < 10; i++) {
    const d = s._zod.def;
    if (
      (d.type === "optional" ||
        d.type === "default" ||
        d.type === "nullable" ||
        d.type === "prefault") &&
      d.innerType
    ) {
      if (d.type !== "nullable") optional = true;
      if (d.type === "default" && defaultValue === undefined) defaultValue = d.defaultValue;
      s = d.innerType;
    } else if (d.type === "pipe" && d.in) {
      s = d.in;
    } else break;
  }
  return { inner: s, optional, defaultValue };
}

const MULTILINE_KEYS = /script|sql|body|query|command|content|template/i;
/** Keys that name a task of the same workflow. */
const TASK_REF_KEYS = /^(taskCode|next|defaultNext|successNext|failureNext)$/;

/** `siblings`: the other keys beside this one (a `taskCode` beside a `workflowId` is another workflow's). */
function nodeOf(schema: ZodLike, key: string, siblings: readonly string[] = []): FieldNode {
  const d = schema._zod.def;
  switch (d.type) {
    case "string":
      if (key === "workflowId") return { kind: "workflowRef" };
      if (key === "datasource") return { kind: "datasourceRef" };
      if (TASK_REF_KEYS.test(key) && !siblings.includes("workflowId")) return { kind: "taskRef" };
      return { kind: "text", multiline: MULTILINE_KEYS.test(key) };
    case "number":
    case "int":
    case "bigint":
      return { kind: "number" };
    case "boolean":
      return { kind: "boolean" };
    case "enum":
      return { kind: "enum", options: Object.values(d.entries ?? {}).map(String) };
    case "literal":
      return d.values?.length === 1 ? { kind: "literal", value: d.values[0] } : { kind: "json" };
    case "object":
      return { kind: "object", fields: fieldsOfShape(d.shape ?? {}) };
    case "array":
      return d.element
        ? { kind: "array", element: nodeOf(unwrap(d.element).inner, key, siblings) }
        : { kind: "json" };
    case "record":
      return d.valueType
        ? { kind: "record", value: nodeOf(unwrap(d.valueType).inner, key) }
        : { kind: "json" };
    case "union": {
      const options = (d.options ?? []).map((o) => unwrap(o).inner);
      // A union of string literals is a select.
      const lits = options.map((o) => o._zod.def);
      if (lits.length > 0 && lits.every((l) => l.type === "literal" && l.values?.length === 1))
        return { kind: "enum", options: lits.map((l) => String(l.values![0])) };
      // A union of objects tagged by one literal field is a tag select plus that variant's fields.
      const tagKey = d.discriminator;
      if (tagKey && lits.every((l) => l.type === "object")) {
        const variants = lits.map((l) => {
          const tag = l.shape?.[tagKey]
            ? unwrap(l.shape[tagKey]).inner._zod.def.values?.[0]
            : undefined;
          return { tag: String(tag), fields: fieldsOfShape(l.shape ?? {}) };
        });
        if (variants.every((v) => v.tag !== "undefined"))
          return { kind: "union", tagKey, variants };
      }
      return { kind: "json" };
    }
    default:
      return { kind: "json" };
  }
}

function fieldsOfShape(shape: Record<string, ZodLike>): ParamField[] {
  const keys = Object.keys(shape);
  return Object.entries(shape).map(([key, schema]) => {
    const { inner, optional, defaultValue } = unwrap(schema);
    return {
      key,
      node: nodeOf(inner, key, keys),
      optional,
      defaultValue,
      description: schema.description ?? inner.description,
    };
  });
}

/** The editable fields of a task type's params, derived from its zod schema. */
export function paramFields(taskType: TaskTypeDefinition): ParamField[] {
  const root = unwrap(taskType.paramsSchema).inner;
  if (root._zod.def.type !== "object")
    return [{ key: "", node: { kind: "json" }, optional: false }];
  return fieldsOfShape(root._zod.def.shape ?? {});
}

/** A blank value for a new array item or record entry of this shape. */
export function blankOf(node: FieldNode, defaultValue?: unknown): unknown {
  if (defaultValue !== undefined) return structuredClone(defaultValue);
  switch (node.kind) {
    case "text":
    case "taskRef":
    case "workflowRef":
    case "datasourceRef":
      return "";
    case "union": {
      const v = node.variants[0]!;
      return blankOf({ kind: "object", fields: v.fields });
    }
    case "boolean":
      return false;
    case "enum":
      return node.options[0];
    case "literal":
      return node.value;
    case "object":
      return Object.fromEntries(
        node.fields
          .filter((f) => !f.optional || f.defaultValue !== undefined)
          .map((f) => [f.key, blankOf(f.node, f.defaultValue)]),
      );
    case "array":
      return [];
    case "record":
      return {};
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Paths and errors
// ---------------------------------------------------------------------------------------------

/** `a`, `a[0].b` — the same notation core's validation uses after `params.`. */
export function joinPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  return parent === "" ? key : `${parent}.${key}`;
}

function pathOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === "number" ? `${acc}[${p}]` : joinPath(acc, String(p))),
    "",
  );
}

/** First message per params path from the type's schema (empty when the params are valid). */
export function paramErrors(taskType: TaskTypeDefinition, params: unknown): Map<string, string> {
  const errors = new Map<string, string>();
  const check = taskType.paramsSchema.safeParse(params);
  if (!check.success) {
    for (const issue of check.error.issues) {
      const key = pathOf(issue.path);
      if (!errors.has(key)) errors.set(key, issue.message);
    }
  }
  return errors;
}
