"use client";

import { Fragment, useState } from "react";
import { cn } from "~/_components/cn";
import { formatDuration, formatTime } from "~/_components/format";
import { StateBadge } from "~/_components/state-badge";
import { SkippedBadge } from "./skipped-badge";
import { skipReason, type Skipped } from "./skipped";

export interface AttemptRow {
  id: string;
  generation: number;
  taskCode: string;
  attempt: number;
  state: string;
  host: string | null;
  exitCode: number | null;
  waitReason: string | null;
  error: string | null;
  submitTime: string | Date;
  startTime: string | Date | null;
  endTime: string | Date | null;
}

/**
 * One row per task (its latest attempt in the current generation) with the earlier attempts — retries,
 * and runs before a rerun or recover — expandable beneath it. A task on a branch not taken reads
 * "skipped" (it has no attempt).
 */
export function InstanceTasks({
  defTasks,
  latest,
  allAttempts,
  skipped,
  selectedCode,
  onViewLog,
  now,
}: {
  defTasks: readonly { code: string; name: string; type: string }[];
  latest: ReadonlyMap<string, AttemptRow>;
  allAttempts: readonly AttemptRow[];
  skipped: ReadonlyMap<string, Skipped>;
  selectedCode: string | null;
  onViewLog: (code: string, attemptId?: string) => void;
  now: number;
}) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (code: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(code)) next.delete(code);
      else next.add(code);
      return next;
    });

  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-left text-sm" data-testid="task-table">
        <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th className="px-3 py-2 font-medium">Task</th>
            <th className="px-3 py-2 font-medium">State</th>
            <th className="px-3 py-2 font-medium">Attempt</th>
            <th className="px-3 py-2 font-medium">Host</th>
            <th className="px-3 py-2 font-medium">Start</th>
            <th className="px-3 py-2 font-medium">Duration</th>
            <th className="px-3 py-2 font-medium">Exit code</th>
            <th className="px-3 py-2 font-medium">Waiting for</th>
            <th className="px-3 py-2 font-medium">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {defTasks.map((t) => {
            const row = latest.get(t.code);
            const history = allAttempts.filter((a) => a.taskCode === t.code && a.id !== row?.id);
            const expanded = open.has(t.code);
            const skip = row ? undefined : skipped.get(t.code);
            return (
              <Fragment key={t.code}>
                <tr
                  data-testid={`task-row-${t.name}`}
                  data-state={row?.state ?? (skip ? "SKIPPED" : "NOT_STARTED")}
                  aria-selected={t.code === selectedCode}
                  className={cn(t.code === selectedCode && "bg-sky-50")}
                >
                  <td className="whitespace-nowrap px-3 py-2">
                    {history.length > 0 ? (
                      <button
                        type="button"
                        aria-expanded={expanded}
                        aria-label={`${expanded ? "Hide" : "Show"} earlier attempts of ${t.name}`}
                        onClick={() => toggle(t.code)}
                        className="mr-1 inline-flex size-5 items-center justify-center rounded text-slate-500 hover:bg-slate-100"
                      >
                        <span
                          aria-hidden
                          className={cn("transition-transform", expanded && "rotate-90")}
                        >
                          ▸
                        </span>
                      </button>
                    ) : (
                      <span className="mr-1 inline-block size-5" />
                    )}
                    <span className="font-medium text-slate-900">{t.name}</span>
                    <span className="ml-2 text-xs text-slate-400">{t.type}</span>
                  </td>
                  <td className="px-3 py-2" title={row?.waitReason ?? undefined}>
                    {row ? (
                      <StateBadge state={row.state} />
                    ) : skip ? (
                      <span className="inline-flex items-center gap-2 whitespace-nowrap">
                        <SkippedBadge reason={skipReason(skip)} />
                        <span className="text-xs text-slate-400">{skipReason(skip)}</span>
                      </span>
                    ) : (
                      <span className="text-xs text-slate-400">not started</span>
                    )}
                  </td>
                  <td className="px-3 py-2 text-slate-600">
                    {row?.attempt ?? "—"}
                    {history.length > 0 && (
                      <span className="ml-1 text-xs text-slate-400">
                        (+{history.length} earlier)
                      </span>
                    )}
                  </td>
                  <AttemptCells row={row} now={now} />
                  <td className="px-3 py-2 text-right">
                    <button
                      type="button"
                      onClick={() => onViewLog(t.code)}
                      disabled={!row}
                      className="rounded px-2 py-1 text-xs font-medium text-sky-700 hover:bg-sky-50 disabled:text-slate-300"
                    >
                      View log
                    </button>
                  </td>
                </tr>
                {expanded &&
                  history.map((a) => (
                    <tr
                      key={a.id}
                      data-testid={`attempt-row-${t.name}-${a.attempt}`}
                      data-state={a.state}
                      className="bg-slate-50/70 text-slate-500"
                    >
                      <td className="whitespace-nowrap py-1.5 pl-12 pr-3 text-xs">
                        {a.generation !== row?.generation ? `run ${a.generation}, ` : ""}attempt{" "}
                        {a.attempt}
                      </td>
                      <td className="px-3 py-1.5">
                        <StateBadge state={a.state} />
                      </td>
                      <td className="px-3 py-1.5">{a.attempt}</td>
                      <AttemptCells row={a} now={now} />
                      <td className="px-3 py-1.5 text-right">
                        <button
                          type="button"
                          onClick={() => onViewLog(t.code, a.id)}
                          className="rounded px-2 py-1 text-xs font-medium text-sky-700 hover:bg-sky-50"
                          aria-label={`View log of ${t.name} attempt ${a.attempt}`}
                        >
                          View log
                        </button>
                      </td>
                    </tr>
                  ))}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function AttemptCells({ row, now }: { row: AttemptRow | undefined; now: number }) {
  return (
    <>
      <td className="px-3 py-2 text-slate-600">{row?.host ?? "—"}</td>
      <td className="whitespace-nowrap px-3 py-2 text-slate-600">{formatTime(row?.startTime)}</td>
      <td className="whitespace-nowrap px-3 py-2 text-slate-600">
        {formatDuration(row?.startTime, row?.endTime, now)}
      </td>
      <td
        className={cn("px-3 py-2 font-mono", row?.exitCode ? "text-red-700" : "text-slate-600")}
        title={row?.error ?? undefined}
      >
        {row?.exitCode ?? "—"}
      </td>
      <td
        className="max-w-64 truncate px-3 py-2 text-xs text-slate-500"
        title={row?.waitReason ?? undefined}
      >
        {row?.waitReason ?? ""}
      </td>
    </>
  );
}
