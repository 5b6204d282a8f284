"use client";

import {
  getTaskType,
  PARAM_NAME_PATTERN,
  PRIORITIES,
  TaskDefinitionSchema,
  type Param,
  type Priority,
  type TaskDefinition,
  type ValidationIssue,
} from "@shoal/core";
import { useId, useMemo, useState, type ReactNode } from "react";
import { useShallow } from "zustand/react/shallow";
import { cn } from "~/_components/cn";
import { Button, inputClass } from "~/_components/ui";
import { ParamsForm } from "./params-form";
import { ParamsPreview } from "./params-preview";
import { useEditorStore } from "./store";
import { TaskTypeIcon } from "./task-type-icon";
import { useViewMode } from "./view-mode";

const NO_ISSUES: ValidationIssue[] = [];

/** Right-hand panel: the selected task's form, or the workflow's properties when nothing is selected. */
export function TaskPanel() {
  // Tasks, not nodes: a node changes on every frame it is dragged, its task does not.
  const selected = useEditorStore(
    useShallow((s) => s.nodes.filter((n) => n.selected).map((n) => n.data.task)),
  );
  const one = selected.length === 1 ? selected[0] : undefined;
  return (
    <aside
      aria-label="Task properties"
      data-testid="task-panel"
      className="w-80 shrink-0 overflow-y-auto border-l border-slate-200 bg-white"
    >
      {one ? (
        <TaskForm key={one.code} task={one} />
      ) : selected.length > 1 ? (
        <p className="p-4 text-sm text-slate-500">
          {selected.length} tasks selected. Delete removes them.
        </p>
      ) : (
        <WorkflowForm />
      )}
    </aside>
  );
}

function Row({
  label,
  children,
  htmlFor,
  error,
  testId,
  required,
}: {
  label: string;
  children: ReactNode;
  htmlFor?: string;
  error?: string | null;
  testId?: string;
  required?: boolean;
}) {
  return (
    <div>
      <label htmlFor={htmlFor} className="mb-1 block text-xs font-medium text-slate-600">
        {label}
        {required && (
          <span className="text-red-600" aria-label="required">
            {" "}
            *
          </span>
        )}
      </label>
      {children}
      {error && (
        <p role="alert" data-testid={testId} className="mt-1 text-xs text-red-600">
          {error}
        </p>
      )}
    </div>
  );
}

const toInt = (v: string, min: number, max: number) => {
  const n = Math.trunc(Number(v));
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : min;
};

/** The common fields' schema messages by field (`name`, `workerGroup`, `timeout.seconds`). */
function commonErrors(task: TaskDefinition): Map<string, string> {
  const out = new Map<string, string>();
  const r = TaskDefinitionSchema.safeParse(task);
  if (!r.success) {
    for (const i of r.error.issues) {
      const key = i.path.map(String).join(".");
      if (!out.has(key)) out.set(key, i.message);
    }
  }
  return out;
}

function TaskForm({ task }: { task: TaskDefinition }) {
  const id = useId();
  const readOnly = useViewMode((s) => s.readOnly);
  const updateTask = useEditorStore((s) => s.updateTask);
  const onNodesChange = useEditorStore((s) => s.onNodesChange);
  const globalParams = useEditorStore((s) => s.meta.globalParams);
  const allIssues = useEditorStore((s) => s.issues);
  const others = useEditorStore(
    useShallow((s) =>
      s.nodes.filter((n) => n.id !== task.code).map((n) => `${n.id}\u0000${n.data.task.name}`),
    ),
  );
  const otherTasks = useMemo(
    () =>
      others.map((o) => {
        const [code, name] = o.split("\u0000") as [string, string];
        return { code, name };
      }),
    [others],
  );
  const names = otherTasks.map((t) => t.name);
  const [touched, setTouched] = useState<Set<string>>(() => new Set());
  const touch = (f: string) => setTouched((t) => (t.has(f) ? t : new Set(t).add(f)));
  const taskType = getTaskType(task.type);
  const update = (patch: Partial<Omit<TaskDefinition, "code">>) => {
    for (const k of Object.keys(patch)) touch(k);
    updateTask(task.code, patch);
  };

  const issues = allIssues.length ? allIssues.filter((i) => i.taskCode === task.code) : NO_ISSUES;
  // The server's messages for this task, by field: params ones go to the params form.
  const { serverParams, serverCommon } = useMemo(() => {
    const serverParams = new Map<string, string>();
    const serverCommon = new Map<string, string>();
    for (const i of issues) {
      if (i.field?.startsWith("params.") || i.field?.startsWith("params[")) {
        serverParams.set(i.field.replace(/^params\.?/, ""), i.message);
      } else if (i.field && !i.field.startsWith("edges")) serverCommon.set(i.field, i.message);
    }
    return { serverParams, serverCommon };
  }, [issues]);

  const local = commonErrors(task);
  if (names.includes(task.name)) local.set("name", "another task has this name");
  const errorOf = (field: string): string | null =>
    (touched.has(field) || issues.length > 0 ? local.get(field) : undefined) ??
    serverCommon.get(field) ??
    null;

  return (
    <fieldset disabled={readOnly} className="min-w-0 space-y-4 p-4" data-testid="task-form">
      <div className="flex items-center gap-2">
        <TaskTypeIcon type={task.type} />
        <div className="min-w-0 flex-1">
          <p className="text-sm font-semibold">{taskType?.label ?? task.type} task</p>
          <p className="truncate font-mono text-[11px] text-slate-400" title="task code">
            {task.code}
          </p>
        </div>
        {!readOnly && (
          <Button
            variant="ghost"
            className="px-2 text-red-600 hover:bg-red-50"
            onClick={() => onNodesChange([{ type: "remove", id: task.code }])}
            aria-label={`Delete task ${task.name}`}
          >
            Delete
          </Button>
        )}
      </div>
      {taskType && <p className="text-xs text-slate-500">{taskType.description}</p>}

      {issues.length > 0 && (
        <ul
          data-testid="task-issues"
          className="space-y-1 rounded-md bg-red-50 px-3 py-2 text-xs text-red-700 ring-1 ring-red-200"
        >
          {issues.map((m, i) => (
            <li key={i}>{m.message}</li>
          ))}
        </ul>
      )}

      <Row
        label="Name"
        htmlFor={`${id}-name`}
        required
        error={errorOf("name")}
        testId="task-name-error"
      >
        <input
          id={`${id}-name`}
          data-testid="task-name-input"
          className={cn(inputClass, errorOf("name") && "border-red-400")}
          value={task.name}
          onChange={(e) => update({ name: e.target.value })}
          onBlur={() => touch("name")}
        />
      </Row>

      {taskType ? (
        <section>
          <h3 className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">
            Parameters
          </h3>
          <ParamsForm
            taskType={taskType}
            params={task.params}
            onChange={(params) => updateTask(task.code, { params })}
            serverErrors={serverParams}
            readOnly={readOnly}
            tasks={otherTasks}
          />
        </section>
      ) : (
        <p className="rounded-md bg-red-50 px-3 py-2 text-xs text-red-700">
          Unknown task type “{task.type}”.
        </p>
      )}

      <ParamsPreview task={task} globalParams={globalParams} />

      <section className="space-y-3">
        <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Execution</h3>
        <div className="grid grid-cols-2 gap-3">
          <Row
            label="Worker group"
            htmlFor={`${id}-wg`}
            error={errorOf("workerGroup")}
            testId="task-worker-group-error"
          >
            <input
              id={`${id}-wg`}
              data-testid="task-worker-group-input"
              className={cn(inputClass, errorOf("workerGroup") && "border-red-400")}
              value={task.workerGroup}
              onChange={(e) => update({ workerGroup: e.target.value })}
              onBlur={() => touch("workerGroup")}
            />
          </Row>
          <Row label="Priority" htmlFor={`${id}-prio`}>
            <select
              id={`${id}-prio`}
              data-testid="task-priority-input"
              className={inputClass}
              value={task.priority}
              onChange={(e) => update({ priority: e.target.value as Priority })}
            >
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </Row>
          <Row label="Retries" htmlFor={`${id}-retries`} error={errorOf("retries")}>
            <input
              id={`${id}-retries`}
              type="number"
              min={0}
              max={100}
              data-testid="task-retries-input"
              className={inputClass}
              value={task.retries}
              onChange={(e) => update({ retries: toInt(e.target.value, 0, 100) })}
            />
          </Row>
          <Row
            label="Retry interval (s)"
            htmlFor={`${id}-ri`}
            error={errorOf("retryIntervalSeconds")}
          >
            <input
              id={`${id}-ri`}
              type="number"
              min={0}
              data-testid="task-retry-interval-input"
              className={inputClass}
              value={task.retryIntervalSeconds}
              onChange={(e) => update({ retryIntervalSeconds: toInt(e.target.value, 0, 86_400) })}
            />
          </Row>
          <Row label="Delay (s)" htmlFor={`${id}-delay`} error={errorOf("delaySeconds")}>
            <input
              id={`${id}-delay`}
              type="number"
              min={0}
              data-testid="task-delay-input"
              className={inputClass}
              value={task.delaySeconds}
              onChange={(e) => update({ delaySeconds: toInt(e.target.value, 0, 86_400) })}
            />
          </Row>
          <Row label="Timeout (s)" htmlFor={`${id}-timeout`} error={errorOf("timeout.seconds")}>
            <input
              id={`${id}-timeout`}
              type="number"
              min={0}
              placeholder="none"
              data-testid="task-timeout-input"
              className={inputClass}
              value={task.timeout?.seconds ?? ""}
              onChange={(e) =>
                update({
                  timeout:
                    e.target.value === "" || Number(e.target.value) <= 0
                      ? null
                      : {
                          seconds: toInt(e.target.value, 1, 604_800),
                          strategy: task.timeout?.strategy ?? "fail",
                        },
                })
              }
            />
          </Row>
        </div>
        {task.timeout && (
          <Row label="On timeout" htmlFor={`${id}-ts`}>
            <select
              id={`${id}-ts`}
              data-testid="task-timeout-strategy-input"
              className={inputClass}
              value={task.timeout.strategy}
              onChange={(e) =>
                update({
                  timeout: {
                    seconds: task.timeout!.seconds,
                    strategy: e.target.value as "warn" | "fail" | "warnfail",
                  },
                })
              }
            >
              <option value="warn">warn (alert, keep running)</option>
              <option value="fail">fail (stop the task)</option>
              <option value="warnfail">warn and fail</option>
            </select>
          </Row>
        )}
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input
            type="checkbox"
            data-testid="task-prohibit-input"
            className="size-4 rounded border-slate-300"
            checked={task.prohibitExecution}
            onChange={(e) => update({ prohibitExecution: e.target.checked })}
          />
          Prohibit execution (skip this task when the workflow runs)
        </label>
      </section>

      <Row label="Description" htmlFor={`${id}-desc`} error={errorOf("description")}>
        <textarea
          id={`${id}-desc`}
          rows={2}
          data-testid="task-description-input"
          className={inputClass}
          value={task.description}
          onChange={(e) => update({ description: e.target.value })}
        />
      </Row>

      <section className="space-y-2">
        <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">
          Local parameters
        </h3>
        <ParamList
          params={task.localParams}
          onChange={(localParams) => update({ localParams })}
          testId="local-params"
        />
      </section>
    </fieldset>
  );
}

/** Problems of a `{ name, value }` list: bad names and duplicates, by row. */
export function paramListErrors(params: readonly Param[]): (string | null)[] {
  const seen = new Set<string>();
  return params.map((p) => {
    if (!PARAM_NAME_PATTERN.test(p.name))
      return p.name === ""
        ? "name is required"
        : "must start with a letter or _ and use letters, digits, _ or .";
    if (seen.has(p.name)) return `“${p.name}” is defined twice`;
    seen.add(p.name);
    return null;
  });
}

/** Editable `{ name, value }` rows (global and local parameters). */
export function ParamList({
  params,
  onChange,
  testId,
}: {
  params: Param[];
  onChange: (params: Param[]) => void;
  testId: string;
}) {
  const errors = paramListErrors(params);
  return (
    <div data-testid={testId}>
      {params.length === 0 && <p className="text-xs text-slate-400">None.</p>}
      <ul className="space-y-2">
        {params.map((p, i) => (
          <li key={i}>
            <div className="flex gap-2">
              <input
                aria-label="Parameter name"
                placeholder="name"
                data-testid={`${testId}-name-${i}`}
                className={cn(inputClass, "font-mono text-xs", errors[i] && "border-red-400")}
                value={p.name}
                onChange={(e) =>
                  onChange(params.map((q, j) => (j === i ? { ...q, name: e.target.value } : q)))
                }
              />
              <input
                aria-label="Parameter value"
                placeholder="value, ${other} or $[yyyyMMdd-1]"
                data-testid={`${testId}-value-${i}`}
                className={cn(inputClass, "font-mono text-xs")}
                value={p.value}
                onChange={(e) =>
                  onChange(params.map((q, j) => (j === i ? { ...q, value: e.target.value } : q)))
                }
              />
              <button
                type="button"
                aria-label={`Remove parameter ${p.name}`}
                className="px-1 text-slate-400 hover:text-red-600"
                onClick={() => onChange(params.filter((_, j) => j !== i))}
              >
                ×
              </button>
            </div>
            {errors[i] && (
              <p role="alert" className="mt-1 text-xs text-red-600">
                {errors[i]}
              </p>
            )}
          </li>
        ))}
      </ul>
      <Button
        variant="ghost"
        className="mt-2 px-2 text-xs"
        data-testid={`${testId}-add`}
        onClick={() => onChange([...params, { name: "", value: "" }])}
      >
        + Add parameter
      </Button>
    </div>
  );
}

function WorkflowForm() {
  const id = useId();
  const readOnly = useViewMode((s) => s.readOnly);
  const meta = useEditorStore((s) => s.meta);
  const setMeta = useEditorStore((s) => s.setMeta);
  const counts = useEditorStore(
    useShallow((s) => ({ tasks: s.nodes.length, edges: s.edges.length })),
  );
  return (
    <fieldset disabled={readOnly} className="min-w-0 space-y-4 p-4" data-testid="workflow-form">
      <div>
        <p className="text-sm font-semibold">Workflow settings</p>
        <p className="text-xs text-slate-500">
          {counts.tasks} tasks, {counts.edges} dependencies. Select a task to edit it.
        </p>
      </div>
      <Row label="Description" htmlFor={`${id}-desc`}>
        <textarea
          id={`${id}-desc`}
          rows={3}
          data-testid="workflow-description-input"
          className={inputClass}
          value={meta.description}
          onChange={(e) => setMeta({ description: e.target.value })}
        />
      </Row>
      <section>
        <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">
          Global parameters
        </h3>
        <p className="mb-2 text-xs text-slate-500">
          Every task sees these as <code>${"{name}"}</code>; a task&apos;s local parameter of the
          same name wins, and a run can override them.
        </p>
        <ParamList
          params={meta.globalParams}
          onChange={(globalParams) => setMeta({ globalParams })}
          testId="global-params"
        />
      </section>
    </fieldset>
  );
}
