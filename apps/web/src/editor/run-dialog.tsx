"use client";

import {
  FAILURE_STRATEGIES,
  PRIORITIES,
  type FailureStrategy,
  type Param,
  type Priority,
} from "@shoal/core";
import { useId, useState } from "react";
import { Button, ErrorText, inputClass, Spinner } from "~/_components/ui";
import { Modal } from "./modal";
import { ParamList, paramListErrors } from "./task-panel";

export type StartMode = "only" | "downstream" | "upstream";

export interface RunRequest {
  paramOverrides?: Record<string, string>;
  workerGroup: string;
  priority: Priority;
  failureStrategy: FailureStrategy;
  dryRun: boolean;
  startTask?: { code: string; mode: StartMode };
}

const STRATEGY_LABEL: Record<FailureStrategy, string> = {
  END: "End: stop starting tasks when one fails",
  CONTINUE: "Continue: run every branch that does not depend on the failure",
};

const MODE_LABEL: Record<StartMode, string> = {
  only: "Only this task",
  downstream: "This task and its downstream",
  upstream: "This task and its upstream",
};

/**
 * Options for one run: parameter overrides, worker group, priority, failure strategy, dry run, and
 * where to start. `onRun` resolves to an error message to show, or null once the run started.
 */
export function RunDialog({
  globalParams,
  tasks,
  selectedCode,
  dirty,
  onRun,
  onClose,
}: {
  globalParams: readonly Param[];
  tasks: readonly { code: string; name: string }[];
  selectedCode: string | null;
  dirty: boolean;
  onRun: (request: RunRequest) => Promise<string | null>;
  onClose: () => void;
}) {
  const id = useId();
  const [overrides, setOverrides] = useState<Record<string, string>>({});
  const [extra, setExtra] = useState<Param[]>([]);
  const [workerGroup, setWorkerGroup] = useState("default");
  const [priority, setPriority] = useState<Priority>("MEDIUM");
  const [failureStrategy, setFailureStrategy] = useState<FailureStrategy>("END");
  const [dryRun, setDryRun] = useState(false);
  // The whole workflow by default; the selected task is one click away.
  const [startCode, setStartCode] = useState("");
  const [mode, setMode] = useState<StartMode>("downstream");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const selected = tasks.find((t) => t.code === selectedCode);
  const extraErrors = paramListErrors(extra);
  const workerGroupError = /^[A-Za-z0-9_.-]{1,64}$/.test(workerGroup)
    ? null
    : "worker group must be 1-64 letters, digits, _ . or -";
  const invalid = !!workerGroupError || extraErrors.some(Boolean);

  const submit = async () => {
    if (invalid) return;
    const paramOverrides: Record<string, string> = {};
    for (const [k, v] of Object.entries(overrides)) if (v !== "") paramOverrides[k] = v;
    for (const p of extra) paramOverrides[p.name] = p.value;
    setBusy(true);
    setError(null);
    const message = await onRun({
      paramOverrides: Object.keys(paramOverrides).length ? paramOverrides : undefined,
      workerGroup,
      priority,
      failureStrategy,
      dryRun,
      startTask: startCode ? { code: startCode, mode } : undefined,
    });
    setBusy(false);
    if (message) setError(message);
  };

  return (
    <Modal title="Run workflow" onClose={onClose} testId="run-dialog">
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {dirty && (
          <p className="rounded-md bg-amber-50 px-3 py-2 text-xs text-amber-800 ring-1 ring-amber-200">
            The canvas has unsaved changes: they are saved as a new version before the run.
          </p>
        )}
        <section>
          <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">
            Parameters
          </h3>
          {globalParams.length === 0 && extra.length === 0 && (
            <p className="mb-1 text-xs text-slate-500">
              The workflow has no global parameters; add overrides below if a task uses others.
            </p>
          )}
          <ul className="space-y-2">
            {globalParams.map((p) => (
              <li key={p.name} className="grid grid-cols-[8rem_1fr] items-center gap-2">
                <label htmlFor={`${id}-o-${p.name}`} className="truncate font-mono text-xs">
                  {p.name}
                </label>
                <input
                  id={`${id}-o-${p.name}`}
                  data-testid={`run-override-${p.name}`}
                  className={inputClass + " font-mono text-xs"}
                  placeholder={p.value || "(empty)"}
                  value={overrides[p.name] ?? ""}
                  onChange={(e) => setOverrides({ ...overrides, [p.name]: e.target.value })}
                />
              </li>
            ))}
          </ul>
          <div className="mt-3">
            <p className="mb-1 text-xs font-medium text-slate-600">Other parameters for this run</p>
            <ParamList params={extra} onChange={setExtra} testId="run-extra-params" />
          </div>
        </section>

        <section className="grid grid-cols-3 gap-3">
          <div>
            <label htmlFor={`${id}-wg`} className="mb-1 block text-xs font-medium text-slate-600">
              Worker group
            </label>
            <input
              id={`${id}-wg`}
              data-testid="run-worker-group"
              className={inputClass}
              value={workerGroup}
              onChange={(e) => setWorkerGroup(e.target.value)}
            />
            {workerGroupError && (
              <p role="alert" className="mt-1 text-xs text-red-600">
                {workerGroupError}
              </p>
            )}
          </div>
          <div>
            <label htmlFor={`${id}-prio`} className="mb-1 block text-xs font-medium text-slate-600">
              Priority
            </label>
            <select
              id={`${id}-prio`}
              data-testid="run-priority"
              className={inputClass}
              value={priority}
              onChange={(e) => setPriority(e.target.value as Priority)}
            >
              {PRIORITIES.map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor={`${id}-fs`} className="mb-1 block text-xs font-medium text-slate-600">
              On failure
            </label>
            <select
              id={`${id}-fs`}
              data-testid="run-failure-strategy"
              className={inputClass}
              value={failureStrategy}
              title={STRATEGY_LABEL[failureStrategy]}
              onChange={(e) => setFailureStrategy(e.target.value as FailureStrategy)}
            >
              {FAILURE_STRATEGIES.map((s) => (
                <option key={s} value={s}>
                  {s === "END" ? "End" : "Continue"}
                </option>
              ))}
            </select>
          </div>
        </section>
        <p className="-mt-2 text-xs text-slate-500">{STRATEGY_LABEL[failureStrategy]}.</p>

        <section className="space-y-2">
          <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">
            Start from
          </h3>
          <select
            aria-label="Start task"
            data-testid="run-start-task"
            className={inputClass}
            value={startCode}
            onChange={(e) => setStartCode(e.target.value)}
          >
            <option value="">The whole workflow</option>
            {tasks.map((t) => (
              <option key={t.code} value={t.code}>
                {t.name}
              </option>
            ))}
          </select>
          {!startCode && selected && (
            <Button
              variant="ghost"
              className="px-2 text-xs"
              data-testid="run-from-selected"
              onClick={() => setStartCode(selected.code)}
            >
              Start from the selected task, “{selected.name}”
            </Button>
          )}
          {startCode && (
            <div role="radiogroup" aria-label="Which tasks" className="flex flex-wrap gap-4">
              {(Object.keys(MODE_LABEL) as StartMode[]).map((m) => (
                <label key={m} className="flex items-center gap-1.5 text-sm">
                  <input
                    type="radio"
                    name={`${id}-mode`}
                    data-testid={`run-mode-${m}`}
                    checked={mode === m}
                    onChange={() => setMode(m)}
                  />
                  {MODE_LABEL[m]}
                </label>
              ))}
            </div>
          )}
        </section>

        <label className="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            data-testid="run-dry-run"
            className="mt-0.5 size-4"
            checked={dryRun}
            onChange={(e) => setDryRun(e.target.checked)}
          />
          <span>
            Dry run
            <span className="block text-xs text-slate-500">
              Walks the DAG and marks every task successful without running anything.
            </span>
          </span>
        </label>

        {error && <ErrorText testId="run-error">{error}</ErrorText>}
        <div className="flex justify-end gap-2">
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button
            type="submit"
            variant="primary"
            data-testid="run-confirm"
            disabled={busy || invalid}
          >
            {busy && <Spinner className="size-3.5" />}
            {dryRun ? "Dry run" : "Run"}
          </Button>
        </div>
      </form>
    </Modal>
  );
}
