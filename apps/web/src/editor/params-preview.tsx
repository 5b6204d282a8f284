"use client";

import { useQuery } from "@tanstack/react-query";
import { sqlTaskType, type Param, type SqlDialect, type TaskDefinition } from "@shoal/core";
import { useParams } from "next/navigation";
import { useCallback, useId, useMemo, useState } from "react";
import { inputClass } from "~/_components/ui";
import { useTRPC } from "~/trpc/react";
import { previewTask } from "./preview";
import { SqlStatement } from "./sql-preview";

function localInputValue(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The project's data source types, by name and by id (a name match wins, as the worker's lookup). */
function useDatasourceType(enabled: boolean): (ref: string) => SqlDialect | undefined {
  const trpc = useTRPC();
  const { p: projectId } = useParams<{ p: string }>();
  const list = useQuery({
    ...trpc.datasource.list.queryOptions({ projectId }),
    staleTime: 30_000,
    enabled,
  });
  const data = list.data;
  return useCallback(
    (ref: string) => (data?.find((d) => d.name === ref) ?? data?.find((d) => d.id === ref))?.type,
    [data],
  );
}

/**
 * Task panel section: pick a schedule time and see each expression of the task resolved; a sql
 * task's statements as they will run, with their bound values.
 */
export function ParamsPreview({
  task,
  globalParams,
}: {
  task: Pick<TaskDefinition, "type" | "params" | "localParams">;
  globalParams: readonly Param[];
}) {
  const id = useId();
  const [when, setWhen] = useState(() => localInputValue(new Date()));
  const timeZone = useMemo(() => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC", []);
  const datasourceType = useDatasourceType(task.type === sqlTaskType.type);
  const baseTime = new Date(when);
  const lines = Number.isNaN(baseTime.getTime())
    ? []
    : previewTask(task, globalParams, baseTime, timeZone, { datasourceType });

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
              ) : l.sql ? (
                <SqlStatement preview={l.sql} />
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
