import { getTaskType, type TaskDefinition } from "@shoal/core";
import type { ReactNode } from "react";

const MAX_TEXT = 2000;

function isEmpty(v: unknown): boolean {
  return (
    v === undefined ||
    v === null ||
    v === "" ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0)
  );
}

function cut(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

/** A param's value: short text, numbers and booleans inline; long text and objects (as JSON) in a block. */
function ParamValue({ value }: { value: unknown }) {
  const inline =
    typeof value === "number" || typeof value === "boolean"
      ? String(value)
      : typeof value === "string" && !value.includes("\n") && value.length <= 80
        ? value
        : null;
  if (inline !== null) return <code className="font-mono text-slate-800">{inline}</code>;
  return (
    <pre className="max-h-40 overflow-auto rounded bg-slate-50 px-2 py-1 font-mono text-[11px] whitespace-pre-wrap text-slate-800 ring-1 ring-slate-200">
      {cut(typeof value === "string" ? value : JSON.stringify(value, null, 1))}
    </pre>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[8rem_minmax(0,1fr)] gap-2">
      <dt className="text-slate-500">{label}</dt>
      <dd className="min-w-0 break-words text-slate-800">{children}</dd>
    </div>
  );
}

/**
 * What a task of the instance's pinned definition is set up to do: type, params and the settings that
 * differ from the defaults. For a task that has no attempt to show (skipped, or not started yet).
 */
export function TaskSummary({ task }: { task: TaskDefinition }) {
  const type = getTaskType(task.type);
  const params = Object.entries(task.params).filter(([, v]) => !isEmpty(v));
  return (
    <section data-testid="task-summary" aria-label="Task definition" className="space-y-3 text-xs">
      <h3 className="font-semibold tracking-wide text-slate-500 uppercase">Definition</h3>
      <dl className="space-y-1.5">
        <Row label="Type">{type?.label ?? task.type}</Row>
        <Row label="Code">
          <code className="font-mono">{task.code}</code>
        </Row>
        {task.description && <Row label="Description">{task.description}</Row>}
        {params.map(([k, v]) => (
          <Row key={k} label={k}>
            <ParamValue value={v} />
          </Row>
        ))}
        {task.localParams.length > 0 && (
          <Row label="Local params">
            {task.localParams.map((p) => (
              <div key={p.name}>
                <code className="font-mono">
                  {p.name} = {p.value}
                </code>
              </div>
            ))}
          </Row>
        )}
        <Row label="Worker group">{task.workerGroup}</Row>
        {task.priority !== "MEDIUM" && <Row label="Priority">{task.priority}</Row>}
        {task.retries > 0 && (
          <Row label="Retries">
            {task.retries}, {task.retryIntervalSeconds} s apart
          </Row>
        )}
        {task.timeout && (
          <Row label="Timeout">
            {task.timeout.seconds} s ({task.timeout.strategy})
          </Row>
        )}
        {task.delaySeconds > 0 && <Row label="Delay">{task.delaySeconds} s</Row>}
        {task.prohibitExecution && <Row label="Execution">prohibited (passes without running)</Row>}
      </dl>
    </section>
  );
}
