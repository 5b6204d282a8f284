"use client";

import type { TaskTypeDefinition } from "@shoal/core";
import { useId } from "react";
import { cn } from "~/_components/cn";
import { inputClass } from "~/_components/ui";

type Def = {
  type: string;
  innerType?: ZodLike;
  shape?: Record<string, ZodLike>;
  entries?: Record<string, string>;
};
type ZodLike = { _zod: { def: Def; bag?: { maxLength?: number } }; description?: string };

/** Strips optional/default/nullable wrappers; reports whether the field may be left empty. */
function unwrap(schema: ZodLike): { inner: ZodLike; optional: boolean } {
  let s = schema;
  let optional = false;
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
      s = d.innerType;
    } else break;
  }
  return { inner: s, optional };
}

const MULTILINE_KEYS = /script|sql|body|query|command|content|code|template/i;

export interface ParamField {
  key: string;
  kind: "text" | "multiline" | "number" | "boolean" | "enum" | "json";
  options?: string[];
  optional: boolean;
  description?: string;
}

/** The editable fields of a task type's params, derived from its zod schema (so new types need no UI code). */
export function paramFields(taskType: TaskTypeDefinition): ParamField[] {
  const root = unwrap(taskType.paramsSchema).inner;
  const shape = root._zod.def.type === "object" ? root._zod.def.shape : undefined;
  if (!shape) return [{ key: "", kind: "json", optional: false }];
  return Object.entries(shape).map(([key, schema]) => {
    const { inner, optional } = unwrap(schema);
    const description = schema.description ?? inner.description;
    switch (inner._zod.def.type) {
      case "string": {
        const max = inner._zod.bag?.maxLength;
        const multiline = MULTILINE_KEYS.test(key) || (max !== undefined && max > 1000);
        return { key, kind: multiline ? "multiline" : "text", optional, description };
      }
      case "number":
      case "int":
        return { key, kind: "number", optional, description };
      case "boolean":
        return { key, kind: "boolean", optional, description };
      case "enum":
        return {
          key,
          kind: "enum",
          options: Object.values(inner._zod.def.entries ?? {}),
          optional,
          description,
        };
      default:
        return { key, kind: "json", optional, description };
    }
  });
}

function fieldTestId(key: string): string {
  return key === "script" ? "task-script-input" : `task-param-${key}`;
}

function humanize(key: string): string {
  return key
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/[_-]/g, " ")
    .replace(/^./, (c) => c.toUpperCase());
}

/** Form for a task's params, with the type schema's messages shown under the fields they concern. */
export function ParamsForm({
  taskType,
  params,
  onChange,
}: {
  taskType: TaskTypeDefinition;
  params: Record<string, unknown>;
  onChange: (params: Record<string, unknown>) => void;
}) {
  const id = useId();
  const check = taskType.paramsSchema.safeParse(params);
  const errors = new Map<string, string>();
  if (!check.success) {
    for (const issue of check.error.issues) {
      const key = String(issue.path[0] ?? "");
      if (!errors.has(key)) errors.set(key, issue.message);
    }
  }
  const set = (key: string, value: unknown) => {
    const next = { ...params };
    if (value === undefined) delete next[key];
    else next[key] = value;
    onChange(next);
  };

  return (
    <div className="space-y-3">
      {paramFields(taskType).map((f) => {
        const value = params[f.key];
        const err = errors.get(f.key);
        const inputId = `${id}-${f.key}`;
        const label = (
          <label htmlFor={inputId} className="mb-1 block text-xs font-medium text-slate-600">
            {humanize(f.key)}
            {f.optional && <span className="font-normal text-slate-400"> (optional)</span>}
          </label>
        );
        let control;
        switch (f.kind) {
          case "multiline":
            control = (
              <textarea
                id={inputId}
                data-testid={fieldTestId(f.key)}
                className={cn(inputClass, "nodrag min-h-40 resize-y font-mono text-xs leading-5")}
                spellCheck={false}
                rows={10}
                value={typeof value === "string" ? value : ""}
                onChange={(e) => set(f.key, e.target.value)}
              />
            );
            break;
          case "text":
            control = (
              <input
                id={inputId}
                data-testid={fieldTestId(f.key)}
                className={inputClass}
                value={typeof value === "string" ? value : ""}
                onChange={(e) =>
                  set(f.key, f.optional && e.target.value === "" ? undefined : e.target.value)
                }
              />
            );
            break;
          case "number":
            control = (
              <input
                id={inputId}
                type="number"
                data-testid={fieldTestId(f.key)}
                className={inputClass}
                value={typeof value === "number" ? value : ""}
                onChange={(e) =>
                  set(f.key, e.target.value === "" ? undefined : Number(e.target.value))
                }
              />
            );
            break;
          case "boolean":
            control = (
              <input
                id={inputId}
                type="checkbox"
                data-testid={fieldTestId(f.key)}
                className="size-4 rounded border-slate-300"
                checked={value === true}
                onChange={(e) => set(f.key, e.target.checked)}
              />
            );
            break;
          case "enum":
            control = (
              <select
                id={inputId}
                data-testid={fieldTestId(f.key)}
                className={inputClass}
                value={typeof value === "string" ? value : ""}
                onChange={(e) => set(f.key, e.target.value || undefined)}
              >
                {f.optional && <option value="">—</option>}
                {f.options?.map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
            );
            break;
          case "json":
            control = (
              <JsonField
                id={inputId}
                testId={fieldTestId(f.key || "json")}
                value={f.key ? value : params}
                onChange={(v) =>
                  f.key ? set(f.key, v) : onChange((v as Record<string, unknown>) ?? {})
                }
              />
            );
            break;
        }
        return (
          <div key={f.key || "json"}>
            {label}
            {control}
            {f.description && <p className="mt-1 text-xs text-slate-500">{f.description}</p>}
            {err && (
              <p className="mt-1 text-xs text-red-600" role="alert">
                {err}
              </p>
            )}
          </div>
        );
      })}
    </div>
  );
}

function JsonField({
  id,
  testId,
  value,
  onChange,
}: {
  id: string;
  testId: string;
  value: unknown;
  onChange: (v: unknown) => void;
}) {
  return (
    <textarea
      id={id}
      data-testid={testId}
      className={cn(inputClass, "nodrag min-h-24 font-mono text-xs")}
      spellCheck={false}
      defaultValue={value === undefined ? "" : JSON.stringify(value, null, 2)}
      onBlur={(e) => {
        try {
          onChange(e.target.value.trim() === "" ? undefined : JSON.parse(e.target.value));
        } catch {
          // keep the text; the schema message below explains what is expected
        }
      }}
    />
  );
}
