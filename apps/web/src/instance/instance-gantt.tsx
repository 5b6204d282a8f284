"use client";

import { buildDag, criticalPath, type Edge } from "@shoal/core";
import { useMemo } from "react";
import { cn } from "~/_components/cn";
import { formatDuration, formatTime } from "~/_components/format";
import { stateStyle } from "~/_components/state-style";
import { SkippedBadge } from "./skipped-badge";
import { skipReason, type Skipped } from "./skipped";

interface Attempt {
  id: string;
  taskCode: string;
  generation: number;
  attempt: number;
  state: string;
  submitTime: string | Date;
  startTime: string | Date | null;
  endTime: string | Date | null;
  waitReason: string | null;
}

const ms = (v: string | Date | null | undefined) => (v == null ? null : new Date(v).getTime());
/** A round tick interval that puts at most 6 ticks on `span` milliseconds. */
function tickStep(span: number): number {
  const steps = [
    100, 200, 500, 1e3, 2e3, 5e3, 10e3, 15e3, 30e3, 60e3, 120e3, 300e3, 600e3, 900e3, 1800e3,
    3600e3,
  ];
  return steps.find((s) => span / s <= 6) ?? Math.ceil(span / 6 / 3600e3) * 3600e3;
}

/** Duration between two epoch-millisecond instants. */
const elapsed = (a: number, b: number) => formatDuration(new Date(a), new Date(b));

/**
 * Task timings of the current generation: one row per task, one bar per attempt (earlier attempts
 * faded), queue time before a bar as a thin line, coloured by state. The critical path — the chain of
 * tasks whose durations add up to the run's length — is outlined.
 */
export function InstanceGantt({
  tasks,
  edges,
  attempts,
  generation,
  skipped,
  now,
  selectedCode,
  onSelect,
}: {
  tasks: readonly { code: string; name: string }[];
  edges: readonly Edge[];
  attempts: readonly Attempt[];
  generation: number;
  /** Tasks on branches not taken: no bar, a "skipped" label instead. */
  skipped: ReadonlyMap<string, Skipped>;
  now: number;
  selectedCode: string | null;
  onSelect: (code: string) => void;
}) {
  const byCode = useMemo(() => {
    const m = new Map<string, Attempt[]>();
    for (const a of attempts) {
      if (a.generation !== generation) continue;
      const list = m.get(a.taskCode) ?? [];
      list.push(a);
      m.set(a.taskCode, list);
    }
    for (const list of m.values()) list.sort((x, y) => x.attempt - y.attempt);
    return m;
  }, [attempts, generation]);

  const critical = useMemo(() => {
    const dag = buildDag(
      tasks.map((t) => t.code),
      edges,
    );
    const path = criticalPath(dag, (code) => {
      const list = byCode.get(code);
      const first = list?.find((a) => a.startTime);
      const last = list?.[list.length - 1];
      const s = ms(first?.startTime);
      if (s == null || !last) return undefined;
      return (ms(last.endTime) ?? now) - s;
    });
    return { codes: new Set(path.codes), total: path.total, count: path.codes.length };
  }, [tasks, edges, byCode, now]);

  let t0 = Infinity;
  let t1 = -Infinity;
  for (const list of byCode.values()) {
    for (const a of list) {
      const s = ms(a.startTime) ?? ms(a.submitTime)!;
      t0 = Math.min(t0, ms(a.submitTime) ?? s, s);
      t1 = Math.max(t1, ms(a.endTime) ?? now, s);
    }
  }
  if (!Number.isFinite(t0)) {
    return (
      <p className="p-6 text-sm text-slate-500" data-testid="gantt-empty">
        No task has been submitted yet — bars appear here as tasks run.
      </p>
    );
  }
  const span = Math.max(1000, t1 - t0);
  const pct = (t: number) => `${(((t - t0) / span) * 100).toFixed(3)}%`;
  const width = (a: number, b: number) => `${Math.max(0.4, ((b - a) / span) * 100).toFixed(3)}%`;
  const step = tickStep(span);
  const ticks = Array.from({ length: Math.floor(span / step) + 1 }, (_, i) => t0 + i * step);

  return (
    <div className="p-5" data-testid="gantt">
      <div className="mb-3 flex flex-wrap items-center gap-4 text-xs text-slate-600">
        <span>
          Started {formatTime(new Date(t0))} · span {elapsed(t0, t1)}
        </span>
        {critical.count > 0 && (
          <span className="flex items-center gap-1.5" data-testid="gantt-critical-legend">
            <span className="inline-block h-3 w-6 rounded-sm bg-slate-300 ring-2 ring-orange-500 ring-offset-1" />
            Critical path: {critical.count} {critical.count === 1 ? "task" : "tasks"},{" "}
            {elapsed(0, critical.total)}
          </span>
        )}
        <span className="flex items-center gap-1.5">
          <span className="inline-block h-px w-6 bg-slate-400" /> waiting for a worker
        </span>
      </div>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <div className="min-w-[640px]">
          <div className="grid grid-cols-[180px_1fr] border-b border-slate-200 bg-slate-50 text-[11px] text-slate-500">
            <div className="px-3 py-1.5 font-medium uppercase tracking-wide">Task</div>
            <div className="relative mr-10 ml-2 h-7">
              {ticks.map((t, i) => (
                <span
                  key={i}
                  className={cn(
                    "absolute top-1.5 -translate-x-1/2 whitespace-nowrap",
                    i === 0 && "translate-x-0",
                  )}
                  style={{ left: pct(t) }}
                >
                  +{elapsed(t0, t)}
                </span>
              ))}
            </div>
          </div>
          {tasks.map((task) => {
            const list = byCode.get(task.code) ?? [];
            const onPath = critical.codes.has(task.code);
            const skip = list.length === 0 ? skipped.get(task.code) : undefined;
            return (
              <div
                key={task.code}
                data-testid={`gantt-row-${task.name}`}
                data-skipped={skip ? true : undefined}
                data-critical={onPath || undefined}
                className={cn(
                  "grid grid-cols-[180px_1fr] border-b border-slate-100 last:border-b-0",
                  task.code === selectedCode && "bg-sky-50",
                )}
              >
                <button
                  type="button"
                  onClick={() => onSelect(task.code)}
                  className="truncate px-3 py-2 text-left text-sm font-medium text-slate-800 hover:underline"
                  title={onPath ? `${task.name} (on the critical path)` : task.name}
                >
                  {onPath && (
                    <span aria-hidden className="mr-1 text-orange-500">
                      ◆
                    </span>
                  )}
                  {task.name}
                  {onPath && <span className="sr-only"> (critical path)</span>}
                </button>
                <div className="relative mr-10 ml-2 h-9">
                  {ticks.map((t, i) => (
                    <span
                      key={i}
                      aria-hidden
                      className="absolute inset-y-0 w-px bg-slate-100"
                      style={{ left: pct(t) }}
                    />
                  ))}
                  {skip ? (
                    <span className="absolute left-2 top-1.5 flex items-center gap-2 text-xs text-slate-400">
                      <SkippedBadge reason={skipReason(skip)} />
                      {skipReason(skip)}
                    </span>
                  ) : (
                    list.length === 0 && (
                      <span className="absolute left-2 top-2.5 text-xs text-slate-400">
                        not started
                      </span>
                    )
                  )}
                  {list.map((a, i) => {
                    const latest = i === list.length - 1;
                    const submit = ms(a.submitTime)!;
                    const start = ms(a.startTime);
                    const end = ms(a.endTime) ?? now;
                    const s = stateStyle(a.state);
                    const tip = [
                      `${task.name} · attempt ${a.attempt} · ${a.state}`,
                      start ? `${formatTime(a.startTime)} · ${elapsed(start, end)}` : null,
                      a.waitReason ? `waiting: ${a.waitReason}` : null,
                    ]
                      .filter(Boolean)
                      .join("\n");
                    return (
                      <div key={a.id}>
                        {(start ?? end) > submit && (
                          <span
                            aria-hidden
                            className="absolute top-1/2 h-px bg-slate-400"
                            style={{ left: pct(submit), width: width(submit, start ?? end) }}
                          />
                        )}
                        {start != null && (
                          <button
                            type="button"
                            onClick={() => onSelect(task.code)}
                            data-testid={latest ? `gantt-bar-${task.name}` : "gantt-attempt"}
                            data-state={a.state}
                            title={tip}
                            aria-label={tip}
                            className={cn(
                              "state-enter absolute top-1.5 h-6 rounded-sm",
                              s.solid,
                              a.state === "FORCED_SUCCESS" &&
                                "border-2 border-dashed border-emerald-700 bg-emerald-300",
                              !latest && "opacity-40",
                              onPath && latest && "ring-2 ring-orange-500 ring-offset-1",
                            )}
                            style={{ left: pct(start), width: width(start, end) }}
                          />
                        )}
                      </div>
                    );
                  })}
                </div>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
