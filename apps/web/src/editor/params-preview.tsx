"use client";

import type { Param, TaskDefinition } from "@shoal/core";
import { useId, useMemo, useState } from "react";
import { inputClass } from "~/_components/ui";
import { previewTask } from "./preview";

function localInputValue(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Task panel section: pick a schedule time and see each expression of the task resolved. */
export function ParamsPreview({
  task,
  globalParams,
}: {
  task: Pick<TaskDefinition, "params" | "localParams">;
  globalParams: readonly Param[];
}) {
  const id = useId();
  const [when, setWhen] = useState(() => localInputValue(new Date()));
  const timeZone = useMemo(() => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC", []);
  const baseTime = new Date(when);
  const lines = Number.isNaN(baseTime.getTime())
    ? []
    : previewTask(task, globalParams, baseTime, timeZone);

  return (
    <section data-testid="params-preview" className="space-y-2">
      <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">
        Parameter preview
      </h3>
      <div className="flex items-center gap-2">
        <label htmlFor={`${id}-when`} className="text-xs text-slate-600">
          Run at
        </label>
        <input
          id={`${id}-when`}
          type="datetime-local"
          data-testid="preview-date"
          className={inputClass + " px-2 py-1 text-xs"}
          value={when}
          onChange={(e) => setWhen(e.target.value)}
        />
      </div>
      <p className="text-[11px] text-slate-400">Times in {timeZone}.</p>
      {lines.length === 0 ? (
        <p className="text-xs text-slate-500">
          No <code>${"{param}"}</code> or <code>$[time]</code> expressions in this task.
        </p>
      ) : (
        <ul className="space-y-2">
          {lines.map((l) => (
            <li key={l.field} data-testid={`preview-${l.field}`} className="text-xs">
              <p className="font-mono text-[11px] text-slate-500">{l.field}</p>
              {l.error ? (
                <p role="alert" className="rounded bg-red-50 px-2 py-1 text-red-700">
                  {l.error}
                </p>
              ) : (
                <pre className="max-h-32 overflow-auto whitespace-pre-wrap rounded bg-slate-50 px-2 py-1 font-mono text-[11px] text-slate-800 ring-1 ring-slate-200">
                  {l.resolved}
                </pre>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
