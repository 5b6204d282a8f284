"use client";

import { getTaskType, PRIORITIES, type Priority, type TaskDefinition } from "@shoal/core";
import { useId, type ReactNode } from "react";
import { useShallow } from "zustand/react/shallow";
import { cn } from "~/_components/cn";
import { Button, inputClass } from "~/_components/ui";
import { ParamsForm } from "./params-form";
import { useEditorStore } from "./store";
import { TaskTypeIcon } from "./task-type-icon";

/** Right-hand panel: the selected task's form, or the workflow's properties when nothing is selected. */
export function TaskPanel() {
  const selected = useEditorStore(useShallow((s) => s.nodes.filter((n) => n.selected)));
  const one = selected.length === 1 ? selected[0] : undefined;
  return (
    <aside
      aria-label="Task properties"
      className="w-80 shrink-0 overflow-y-auto border-l border-slate-200 bg-white"
    >
      {one ? (
        <TaskForm key={one.id} task={one.data.task} issues={one.data.issues} />
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
}: {
  label: string;
  children: ReactNode;
  htmlFor?: string;
}) {
  return (
    <div>
      <label htmlFor={htmlFor} className="mb-1 block text-xs font-medium text-slate-600">
        {label}
      </label>
      {children}
    </div>
  );
}

const toInt = (v: string, min: number, max: number) => {
  const n = Math.trunc(Number(v));
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : min;
};

function TaskForm({ task, issues }: { task: TaskDefinition; issues?: string[] }) {
  const id = useId();
  const updateTask = useEditorStore((s) => s.updateTask);
  const onNodesChange = useEditorStore((s) => s.onNodesChange);
  const names = useEditorStore(
    useShallow((s) => s.nodes.filter((n) => n.id !== task.code).map((n) => n.data.task.name)),
  );
  const taskType = getTaskType(task.type);
  const update = (patch: Partial<Omit<TaskDefinition, "code">>) => updateTask(task.code, patch);
  const nameProblem =
    task.name.trim() === ""
      ? "name is required"
      : names.includes(task.name)
        ? "another task has this name"
        : null;

  return (
    <div className="space-y-4 p-4">
      <div className="flex items-center gap-2">
        <TaskTypeIcon type={task.type} />
        <div className="min-w-0 flex-1">
          <p className="text-sm font-semibold">{taskType?.label ?? task.type} task</p>
          <p className="truncate font-mono text-[11px] text-slate-400" title="task code">
            {task.code}
          </p>
        </div>
        <Button
          variant="ghost"
          className="px-2 text-red-600 hover:bg-red-50"
          onClick={() => onNodesChange([{ type: "remove", id: task.code }])}
          aria-label={`Delete task ${task.name}`}
        >
          Delete
        </Button>
      </div>

      {issues?.length ? (
        <ul className="space-y-1 rounded-md bg-red-50 px-3 py-2 text-xs text-red-700 ring-1 ring-red-200">
          {issues.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      ) : null}

      <Row label="Name" htmlFor={`${id}-name`}>
        <input
          id={`${id}-name`}
          data-testid="task-name-input"
          className={cn(inputClass, nameProblem && "border-red-400")}
          value={task.name}
          onChange={(e) => update({ name: e.target.value })}
        />
        {nameProblem && <p className="mt-1 text-xs text-red-600">{nameProblem}</p>}
      </Row>

      {taskType ? (
        <section>
          <h3 className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">
            Parameters
          </h3>
          <ParamsForm
            taskType={taskType}
            params={task.params}
            onChange={(params) => update({ params })}
          />
        </section>
      ) : (
        <p className="rounded-md bg-red-50 px-3 py-2 text-xs text-red-700">
          Unknown task type “{task.type}”.
        </p>
      )}

      <section className="space-y-3">
        <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Execution</h3>
        <div className="grid grid-cols-2 gap-3">
          <Row label="Worker group" htmlFor={`${id}-wg`}>
            <input
              id={`${id}-wg`}
              data-testid="task-worker-group-input"
              className={inputClass}
              value={task.workerGroup}
              onChange={(e) => update({ workerGroup: e.target.value })}
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
          <Row label="Retries" htmlFor={`${id}-retries`}>
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
          <Row label="Retry interval (s)" htmlFor={`${id}-ri`}>
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
          <Row label="Delay (s)" htmlFor={`${id}-delay`}>
            <input
              id={`${id}-delay`}
              type="number"
              min={0}
              className={inputClass}
              value={task.delaySeconds}
              onChange={(e) => update({ delaySeconds: toInt(e.target.value, 0, 86_400) })}
            />
          </Row>
          <Row label="Timeout (s)" htmlFor={`${id}-timeout`}>
            <input
              id={`${id}-timeout`}
              type="number"
              min={0}
              placeholder="none"
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
              <option value="warn">warn</option>
              <option value="fail">fail</option>
              <option value="warnfail">warn and fail</option>
            </select>
          </Row>
        )}
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input
            type="checkbox"
            className="size-4 rounded border-slate-300"
            checked={task.prohibitExecution}
            onChange={(e) => update({ prohibitExecution: e.target.checked })}
          />
          Skip this task when the workflow runs
        </label>
      </section>

      <Row label="Description" htmlFor={`${id}-desc`}>
        <textarea
          id={`${id}-desc`}
          rows={2}
          className={inputClass}
          value={task.description}
          onChange={(e) => update({ description: e.target.value })}
        />
      </Row>
    </div>
  );
}

function WorkflowForm() {
  const id = useId();
  const meta = useEditorStore((s) => s.meta);
  const setMeta = useEditorStore((s) => s.setMeta);
  const counts = useEditorStore(
    useShallow((s) => ({ tasks: s.nodes.length, edges: s.edges.length })),
  );
  return (
    <div className="space-y-4 p-4">
      <div>
        <p className="text-sm font-semibold">Workflow</p>
        <p className="text-xs text-slate-500">
          {counts.tasks} tasks, {counts.edges} dependencies. Select a task to edit it.
        </p>
      </div>
      <Row label="Description" htmlFor={`${id}-desc`}>
        <textarea
          id={`${id}-desc`}
          rows={3}
          className={inputClass}
          value={meta.description}
          onChange={(e) => setMeta({ description: e.target.value })}
        />
      </Row>
      <section>
        <h3 className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">
          Global parameters
        </h3>
        <ul className="space-y-2">
          {meta.globalParams.map((p, i) => (
            <li key={i} className="flex gap-2">
              <input
                aria-label="Parameter name"
                className={cn(inputClass, "font-mono text-xs")}
                value={p.name}
                onChange={(e) =>
                  setMeta({
                    globalParams: meta.globalParams.map((q, j) =>
                      j === i ? { ...q, name: e.target.value } : q,
                    ),
                  })
                }
              />
              <input
                aria-label="Parameter value"
                className={cn(inputClass, "font-mono text-xs")}
                value={p.value}
                onChange={(e) =>
                  setMeta({
                    globalParams: meta.globalParams.map((q, j) =>
                      j === i ? { ...q, value: e.target.value } : q,
                    ),
                  })
                }
              />
              <button
                type="button"
                aria-label={`Remove parameter ${p.name}`}
                className="px-1 text-slate-400 hover:text-red-600"
                onClick={() =>
                  setMeta({ globalParams: meta.globalParams.filter((_, j) => j !== i) })
                }
              >
                ×
              </button>
            </li>
          ))}
        </ul>
        <Button
          variant="ghost"
          className="mt-2 px-2 text-xs"
          onClick={() => setMeta({ globalParams: [...meta.globalParams, { name: "", value: "" }] })}
        >
          + Add parameter
        </Button>
      </section>
    </div>
  );
}
