"use client";

import type { TaskTypeDefinition } from "@shoal/core";
import { useQuery } from "@tanstack/react-query";
import { useParams } from "next/navigation";
import { useId, useState, type ReactNode } from "react";
import { cn } from "~/_components/cn";
import { inputClass } from "~/_components/ui";
import { useTRPC } from "~/trpc/react";
import { CodeEditor, codeLanguageFor } from "./code-editor";
import {
  blankOf,
  joinPath,
  paramErrors,
  paramFields,
  type FieldNode,
  type ParamField,
} from "./param-fields";

function humanize(key: string): string {
  return key
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/[_-]/g, " ")
    .replace(/^./, (c) => c.toUpperCase());
}

function fieldTestId(path: string): string {
  return path === "script" ? "task-script-input" : `task-param-${path}`;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

// ---------------------------------------------------------------------------------------------
// The form
// ---------------------------------------------------------------------------------------------

interface FormCtx {
  id: string;
  taskType: string;
  /** The workflow's other tasks, for task pickers. */
  tasks: readonly { code: string; name: string }[];
  errors: Map<string, string>;
  /** Messages the server gave for this task's params on the last refused save, by params path. */
  serverErrors: Map<string, string>;
  touched: Set<string>;
  touch: (path: string) => void;
  showAll: boolean;
  readOnly: boolean;
}

/**
 * Form for a task's params generated from the type's zod schema: required fields marked, defaults
 * hinted, and each field's schema message shown under it once the field was edited or left (or
 * at once when the last save was refused).
 */
export function ParamsForm({
  taskType,
  params,
  onChange,
  serverErrors,
  readOnly = false,
  tasks = [],
}: {
  taskType: TaskTypeDefinition;
  params: Record<string, unknown>;
  onChange: (params: Record<string, unknown>) => void;
  serverErrors?: Map<string, string>;
  readOnly?: boolean;
  tasks?: readonly { code: string; name: string }[];
}) {
  const id = useId();
  const [touched, setTouched] = useState<Set<string>>(() => new Set());
  const server = serverErrors ?? new Map<string, string>();
  const ctx: FormCtx = {
    id,
    taskType: taskType.type,
    tasks,
    errors: paramErrors(taskType, params),
    serverErrors: server,
    touched,
    touch: (path) => setTouched((t) => (t.has(path) ? t : new Set(t).add(path))),
    showAll: server.size > 0,
    readOnly,
  };
  const fields = paramFields(taskType);
  if (fields.length === 1 && fields[0]!.key === "") {
    return (
      <FieldBox ctx={ctx} path="" label="Params (JSON)" optional={false}>
        <JsonField ctx={ctx} path="" value={params} onChange={(v) => onChange(isObj(v) ? v : {})} />
      </FieldBox>
    );
  }
  return (
    <div className="space-y-3" data-testid="params-form">
      <ObjectFields
        ctx={ctx}
        fields={fields}
        path=""
        value={params}
        onChange={(v) => onChange(v)}
      />
    </div>
  );
}

function ObjectFields({
  ctx,
  fields,
  path,
  value,
  onChange,
}: {
  ctx: FormCtx;
  fields: ParamField[];
  path: string;
  value: Record<string, unknown>;
  onChange: (v: Record<string, unknown>) => void;
}) {
  const set = (key: string, v: unknown) => {
    const next = { ...value };
    if (v === undefined) delete next[key];
    else next[key] = v;
    onChange(next);
  };
  return (
    <>
      {fields.map((f) => {
        const p = joinPath(path, f.key);
        if (f.node.kind === "literal") return null; // fixed discriminators need no input
        return (
          <FieldBox
            key={f.key}
            ctx={ctx}
            path={p}
            label={humanize(f.key)}
            optional={f.optional}
            description={f.description}
            defaultValue={f.defaultValue}
            inline={f.node.kind === "boolean"}
          >
            <Control
              ctx={ctx}
              node={f.node}
              path={p}
              value={value[f.key]}
              optional={f.optional}
              onChange={(v) => set(f.key, v)}
            />
          </FieldBox>
        );
      })}
    </>
  );
}

function FieldBox({
  ctx,
  path,
  label,
  optional,
  description,
  defaultValue,
  inline,
  children,
}: {
  ctx: FormCtx;
  path: string;
  label: string;
  optional: boolean;
  description?: string;
  defaultValue?: unknown;
  inline?: boolean;
  children: ReactNode;
}) {
  const err = errorFor(ctx, path);
  const hasDefault =
    defaultValue !== undefined &&
    !(Array.isArray(defaultValue) && defaultValue.length === 0) &&
    !(isObj(defaultValue) && Object.keys(defaultValue).length === 0);
  return (
    <div
      data-testid={`param-field-${path}`}
      data-required={optional ? undefined : "true"}
      className={cn(inline && "flex flex-wrap items-center gap-x-2")}
    >
      <label
        htmlFor={`${ctx.id}-${path}`}
        className={cn("block text-xs font-medium text-slate-600", !inline && "mb-1")}
      >
        {label}
        {!optional && (
          <span className="text-red-600" aria-label="required">
            {" "}
            *
          </span>
        )}
        {hasDefault && (
          <span className="font-normal text-slate-400">
            {" "}
            (default{" "}
            {typeof defaultValue === "string" ? `“${defaultValue}”` : JSON.stringify(defaultValue)})
          </span>
        )}
      </label>
      {inline ? <div className="order-first">{children}</div> : children}
      {description && <p className="mt-1 w-full text-xs text-slate-500">{description}</p>}
      {err && (
        <p
          className="mt-1 w-full text-xs text-red-600"
          role="alert"
          data-testid={`param-error-${path}`}
        >
          {err}
        </p>
      )}
    </div>
  );
}

/** The message for exactly this path, once it was touched (or after a refused save). */
function errorFor(ctx: FormCtx, path: string): string | undefined {
  const server = ctx.serverErrors.get(path);
  const local = ctx.errors.get(path);
  if (!local) return server && ctx.showAll ? server : undefined;
  return ctx.touched.has(path) || ctx.showAll ? local : undefined;
}

function Control({
  ctx,
  node,
  path,
  value,
  optional,
  onChange,
}: {
  ctx: FormCtx;
  node: FieldNode;
  path: string;
  value: unknown;
  optional: boolean;
  onChange: (v: unknown) => void;
}) {
  const inputId = `${ctx.id}-${path}`;
  const invalid = !!errorFor(ctx, path);
  const common = {
    id: inputId,
    "data-testid": fieldTestId(path),
    "aria-invalid": invalid || undefined,
    disabled: ctx.readOnly,
    onBlur: () => ctx.touch(path),
  };
  const change = (v: unknown) => {
    ctx.touch(path);
    onChange(v);
  };
  switch (node.kind) {
    case "text": {
      const str = typeof value === "string" ? value : "";
      if (node.multiline) {
        return (
          <CodeEditor
            id={inputId}
            testId={fieldTestId(path)}
            language={codeLanguageFor(ctx.taskType, path)}
            value={str}
            invalid={invalid}
            readOnly={ctx.readOnly}
            onChange={(v) => change(v)}
            onBlur={() => ctx.touch(path)}
          />
        );
      }
      return (
        <input
          {...common}
          className={cn(inputClass, invalid && "border-red-400")}
          value={str}
          onChange={(e) => change(optional && e.target.value === "" ? undefined : e.target.value)}
        />
      );
    }
    case "number":
      return (
        <input
          {...common}
          type="number"
          className={cn(inputClass, invalid && "border-red-400")}
          value={typeof value === "number" ? value : ""}
          onChange={(e) => change(e.target.value === "" ? undefined : Number(e.target.value))}
        />
      );
    case "boolean":
      return (
        <input
          {...common}
          type="checkbox"
          className="size-4 rounded border-slate-300"
          checked={value === true}
          onChange={(e) => change(e.target.checked)}
        />
      );
    case "enum":
      return (
        <select
          {...common}
          className={cn(inputClass, invalid && "border-red-400")}
          value={typeof value === "string" ? value : ""}
          onChange={(e) => change(e.target.value || undefined)}
        >
          {(optional || typeof value !== "string") && <option value="">—</option>}
          {node.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
    case "object":
      return (
        <div className="space-y-3 rounded-md border border-slate-200 p-2">
          <ObjectFields
            ctx={ctx}
            fields={node.fields}
            path={path}
            value={isObj(value) ? value : {}}
            onChange={change}
          />
        </div>
      );
    case "array":
      return (
        <ArrayControl
          ctx={ctx}
          node={node}
          path={path}
          value={Array.isArray(value) ? value : []}
          onChange={change}
        />
      );
    case "record":
      return (
        <RecordControl
          ctx={ctx}
          node={node}
          path={path}
          value={isObj(value) ? value : {}}
          onChange={change}
        />
      );
    case "taskRef":
      return (
        <select
          {...common}
          className={cn(inputClass, invalid && "border-red-400")}
          value={typeof value === "string" ? value : ""}
          onChange={(e) =>
            change(e.target.value === "" ? (optional ? undefined : "") : e.target.value)
          }
        >
          <option value="">{optional ? "— none —" : "Pick a task…"}</option>
          {typeof value === "string" &&
            value !== "" &&
            !ctx.tasks.some((t) => t.code === value) && (
              <option value={value}>{value} (not in this workflow)</option>
            )}
          {ctx.tasks.map((t) => (
            <option key={t.code} value={t.code}>
              {t.name}
            </option>
          ))}
        </select>
      );
    case "workflowRef":
      return (
        <WorkflowSelect
          {...common}
          className={cn(inputClass, invalid && "border-red-400")}
          value={typeof value === "string" ? value : ""}
          onChange={(v) => change(v)}
        />
      );
    case "datasourceRef":
      return (
        <DatasourceSelect
          {...common}
          className={cn(inputClass, invalid && "border-red-400")}
          value={typeof value === "string" ? value : ""}
          onChange={(v) => change(v)}
        />
      );
    case "union": {
      const obj = isObj(value) ? value : {};
      const tag = typeof obj[node.tagKey] === "string" ? (obj[node.tagKey] as string) : "";
      const variant = node.variants.find((v) => v.tag === tag);
      return (
        <div className="space-y-2 rounded-md border border-slate-200 p-2">
          <select
            {...common}
            aria-label={humanize(node.tagKey)}
            className={cn(inputClass, "text-xs")}
            value={tag}
            onChange={(e) => {
              const next = node.variants.find((v) => v.tag === e.target.value);
              if (next) change(blankOf({ kind: "object", fields: next.fields }));
            }}
          >
            {!variant && <option value="">Pick a kind…</option>}
            {node.variants.map((v) => (
              <option key={v.tag} value={v.tag}>
                {humanize(v.tag)}
              </option>
            ))}
          </select>
          {variant && (
            <ObjectFields
              ctx={ctx}
              fields={variant.fields}
              path={path}
              value={obj}
              onChange={change}
            />
          )}
        </div>
      );
    }
    default:
      return <JsonField ctx={ctx} path={path} value={value} onChange={change} />;
  }
}

/** The project's workflows (from the URL's project), by id. */
function WorkflowSelect({
  value,
  onChange,
  ...rest
}: {
  value: string;
  onChange: (id: string) => void;
  id: string;
  className: string;
  disabled: boolean;
  onBlur: () => void;
  "data-testid": string;
  "aria-invalid"?: boolean;
}) {
  const trpc = useTRPC();
  const { p: projectId, w: self } = useParams<{ p: string; w: string }>();
  const list = useQuery({ ...trpc.workflow.list.queryOptions({ projectId }), staleTime: 30_000 });
  const others = (list.data ?? []).filter((w) => w.id !== self);
  return (
    <select {...rest} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{list.isPending ? "Loading workflows…" : "Pick a workflow…"}</option>
      {value !== "" && !others.some((w) => w.id === value) && !list.isPending && (
        <option value={value}>{value} (not in this project)</option>
      )}
      {others.map((w) => (
        <option key={w.id} value={w.id}>
          {w.name}
          {w.currentVersion === 0 ? " (never saved)" : ""}
        </option>
      ))}
    </select>
  );
}

/** The project's data sources (Data sources page), by name: sql tasks refer to them so. */
function DatasourceSelect({
  value,
  onChange,
  ...rest
}: {
  value: string;
  onChange: (name: string) => void;
  id: string;
  className: string;
  disabled: boolean;
  onBlur: () => void;
  "data-testid": string;
  "aria-invalid"?: boolean;
}) {
  const trpc = useTRPC();
  const { p: projectId } = useParams<{ p: string }>();
  const list = useQuery({ ...trpc.datasource.list.queryOptions({ projectId }), staleTime: 30_000 });
  const names = (list.data ?? []).map((d) => d.name);
  return (
    <select {...rest} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">
        {list.isPending
          ? "Loading data sources…"
          : names.length === 0
            ? "No data sources: add one under Data sources"
            : "Pick a data source…"}
      </option>
      {value !== "" && !names.includes(value) && !list.isPending && (
        <option value={value}>{value} (not in this project)</option>
      )}
      {(list.data ?? []).map((d) => (
        <option key={d.id} value={d.name}>
          {d.name} ({d.type}, {d.host}/{d.database})
        </option>
      ))}
    </select>
  );
}

/** Objects of a few plain fields ({ name, value }, { key, value }) edit as one row each. */
function isRowLike(node: FieldNode): boolean {
  return (
    node.kind === "object" &&
    node.fields.length <= 3 &&
    node.fields.every((f) => ["text", "number", "enum", "boolean"].includes(f.node.kind)) &&
    node.fields.every((f) => f.node.kind !== "text" || !f.node.multiline)
  );
}

function ArrayControl({
  ctx,
  node,
  path,
  value,
  onChange,
}: {
  ctx: FormCtx;
  node: Extract<FieldNode, { kind: "array" }>;
  path: string;
  value: unknown[];
  onChange: (v: unknown[]) => void;
}) {
  const el = node.element;
  const setAt = (i: number, v: unknown) => onChange(value.map((x, j) => (j === i ? v : x)));
  const remove = (i: number) => onChange(value.filter((_, j) => j !== i));
  const rowLike = isRowLike(el);
  return (
    <div className="space-y-2" data-testid={`${fieldTestId(path)}-list`}>
      {value.length === 0 && <p className="text-xs text-slate-400">None.</p>}
      {value.map((item, i) => {
        const p = joinPath(path, i);
        const err = errorFor(ctx, p);
        return (
          <div
            key={i}
            className={cn(
              !rowLike && el.kind === "object" && "rounded-md border border-slate-200 p-2",
            )}
          >
            <div className="flex items-start gap-1.5">
              <div className={cn("min-w-0 flex-1", rowLike && "flex gap-1.5")}>
                {rowLike && el.kind === "object" ? (
                  el.fields.map((f) => {
                    const fp = joinPath(p, f.key);
                    const obj = isObj(item) ? item : {};
                    return (
                      <div key={f.key} className="min-w-0 flex-1">
                        <RowInput
                          ctx={ctx}
                          field={f}
                          path={fp}
                          value={obj[f.key]}
                          onChange={(v) => {
                            const next = { ...obj };
                            if (v === undefined) delete next[f.key];
                            else next[f.key] = v;
                            setAt(i, next);
                          }}
                        />
                      </div>
                    );
                  })
                ) : el.kind === "object" ? (
                  <div className="space-y-2">
                    <ObjectFields
                      ctx={ctx}
                      fields={el.fields}
                      path={p}
                      value={isObj(item) ? item : {}}
                      onChange={(v) => setAt(i, v)}
                    />
                  </div>
                ) : (
                  <Control
                    ctx={ctx}
                    node={el}
                    path={p}
                    value={item}
                    optional={false}
                    onChange={(v) => setAt(i, v)}
                  />
                )}
              </div>
              {!ctx.readOnly && (
                <button
                  type="button"
                  aria-label={`Remove item ${i + 1}`}
                  className="rounded px-1.5 py-1 text-slate-400 hover:bg-red-50 hover:text-red-600"
                  onClick={() => remove(i)}
                >
                  ×
                </button>
              )}
            </div>
            {err && (
              <p
                className="mt-1 text-xs text-red-600"
                role="alert"
                data-testid={`param-error-${p}`}
              >
                {err}
              </p>
            )}
          </div>
        );
      })}
      {!ctx.readOnly && (
        <button
          type="button"
          className="rounded-md px-2 py-1 text-xs font-medium text-sky-700 hover:bg-sky-50"
          data-testid={`${fieldTestId(path)}-add`}
          onClick={() => {
            ctx.touch(path);
            onChange([...value, blankOf(el)]);
          }}
        >
          + Add
        </button>
      )}
    </div>
  );
}

/** One cell of a row-like array item, labelled by placeholder and aria-label. */
function RowInput({
  ctx,
  field,
  path,
  value,
  onChange,
}: {
  ctx: FormCtx;
  field: ParamField;
  path: string;
  value: unknown;
  onChange: (v: unknown) => void;
}) {
  const err = errorFor(ctx, path);
  const props = {
    "aria-label": humanize(field.key),
    "aria-invalid": !!err || undefined,
    "data-testid": fieldTestId(path),
    title: err,
    disabled: ctx.readOnly,
    onBlur: () => ctx.touch(path),
    className: cn(inputClass, "px-2 text-xs", err && "border-red-400"),
  };
  const change = (v: unknown) => {
    ctx.touch(path);
    onChange(v);
  };
  switch (field.node.kind) {
    case "number":
      return (
        <input
          {...props}
          type="number"
          placeholder={humanize(field.key)}
          value={typeof value === "number" ? value : ""}
          onChange={(e) => change(e.target.value === "" ? undefined : Number(e.target.value))}
        />
      );
    case "boolean":
      return (
        <input
          {...props}
          type="checkbox"
          className="mt-2 size-4"
          checked={value === true}
          onChange={(e) => change(e.target.checked)}
        />
      );
    case "enum":
      return (
        <select
          {...props}
          value={typeof value === "string" ? value : ""}
          onChange={(e) => change(e.target.value || undefined)}
        >
          {field.node.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
    default:
      return (
        <input
          {...props}
          placeholder={humanize(field.key)}
          value={typeof value === "string" ? value : ""}
          onChange={(e) => change(e.target.value)}
        />
      );
  }
}

function RecordControl({
  ctx,
  node,
  path,
  value,
  onChange,
}: {
  ctx: FormCtx;
  node: Extract<FieldNode, { kind: "record" }>;
  path: string;
  value: Record<string, unknown>;
  onChange: (v: Record<string, unknown>) => void;
}) {
  const entries = Object.entries(value);
  const rebuild = (list: [string, unknown][]) => onChange(Object.fromEntries(list));
  if (node.value.kind !== "text" && node.value.kind !== "number") {
    return (
      <JsonField
        ctx={ctx}
        path={path}
        value={value}
        onChange={(v) => onChange(isObj(v) ? v : {})}
      />
    );
  }
  return (
    <div className="space-y-2" data-testid={`${fieldTestId(path)}-list`}>
      {entries.length === 0 && <p className="text-xs text-slate-400">None.</p>}
      {entries.map(([k, v], i) => (
        <div key={i} className="flex gap-1.5">
          <input
            aria-label="Key"
            placeholder="key"
            disabled={ctx.readOnly}
            className={cn(inputClass, "px-2 text-xs")}
            value={k}
            onChange={(e) => rebuild(entries.map((x, j) => (j === i ? [e.target.value, x[1]] : x)))}
          />
          <input
            aria-label={`Value of ${k}`}
            placeholder="value"
            disabled={ctx.readOnly}
            className={cn(inputClass, "px-2 text-xs")}
            value={typeof v === "string" || typeof v === "number" ? String(v) : ""}
            onChange={(e) =>
              rebuild(
                entries.map((x, j) =>
                  j === i
                    ? [x[0], node.value.kind === "number" ? Number(e.target.value) : e.target.value]
                    : x,
                ),
              )
            }
          />
          {!ctx.readOnly && (
            <button
              type="button"
              aria-label={`Remove ${k}`}
              className="rounded px-1.5 text-slate-400 hover:bg-red-50 hover:text-red-600"
              onClick={() => rebuild(entries.filter((_, j) => j !== i))}
            >
              ×
            </button>
          )}
        </div>
      ))}
      {!ctx.readOnly && (
        <button
          type="button"
          className="rounded-md px-2 py-1 text-xs font-medium text-sky-700 hover:bg-sky-50"
          onClick={() => {
            let k = "key";
            for (let n = 2; k in value; n++) k = `key${n}`;
            rebuild([...entries, [k, node.value.kind === "number" ? 0 : ""]]);
          }}
        >
          + Add
        </button>
      )}
    </div>
  );
}

function JsonField({
  ctx,
  path,
  value,
  onChange,
}: {
  ctx: FormCtx;
  path: string;
  value: unknown;
  onChange: (v: unknown) => void;
}) {
  const [parseError, setParseError] = useState<string | null>(null);
  return (
    <>
      <textarea
        id={`${ctx.id}-${path}`}
        data-testid={fieldTestId(path || "json")}
        className={cn(
          inputClass,
          "nodrag min-h-24 font-mono text-xs",
          parseError && "border-red-400",
        )}
        spellCheck={false}
        disabled={ctx.readOnly}
        defaultValue={value === undefined ? "" : JSON.stringify(value, null, 2)}
        onBlur={(e) => {
          ctx.touch(path);
          try {
            onChange(e.target.value.trim() === "" ? undefined : JSON.parse(e.target.value));
            setParseError(null);
          } catch (err) {
            setParseError(`Not valid JSON: ${(err as Error).message}`);
          }
        }}
      />
      {parseError && (
        <p className="mt-1 text-xs text-red-600" role="alert">
          {parseError}
        </p>
      )}
    </>
  );
}
