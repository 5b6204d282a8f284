"use client";

import { useQuery } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { isTaskActive, isTaskFinal } from "@shoal/core";
import type { RouterOutputs } from "@shoal/api";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useState } from "react";
import { cn } from "~/_components/cn";
import { formatDuration, formatTime, shortId } from "~/_components/format";
import { StateBadge } from "~/_components/state-badge";
import { ErrorText } from "~/_components/ui";
import { useTRPC } from "~/trpc/react";
import { InstanceGraph, type TaskLive } from "./instance-graph";
import { LogViewer } from "./log-viewer";

type InstanceData = RouterOutputs["instance"]["byId"];
type TaskRow = InstanceData["tasks"][number];

/** Re-renders every second while something runs, so durations tick (no server polling). */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

/** The instance page: header, live DAG, task table and the log drawer of the selected task. */
export function InstanceView({ projectId, instanceId }: { projectId: string; instanceId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const selectedCode = search.get("task");

  const initial = useQuery({
    ...trpc.instance.byId.queryOptions({ projectId, instanceId }),
    refetchOnWindowFocus: false,
  });
  const [live, setLive] = useState<Omit<InstanceData, "definition"> | null>(null);
  const sub = useSubscription(
    trpc.instance.onChange.subscriptionOptions(
      { projectId, instanceId },
      {
        onData: (event) =>
          setLive((prev) => (prev && prev.eventId > event.data.eventId ? prev : event.data)),
      },
    ),
  );

  const snap = useMemo(() => {
    if (!initial.data) return null;
    if (live && live.eventId >= initial.data.eventId) return { ...initial.data, ...live };
    return initial.data;
  }, [initial.data, live]);

  const select = useCallback(
    (code: string | null) => {
      const params = new URLSearchParams(search.toString());
      if (code) params.set("task", code);
      else params.delete("task");
      const qs = params.toString();
      router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
    },
    [router, pathname, search],
  );

  const anyActive = !!snap?.tasks.some((t) => isTaskActive(t.state));
  const now = useNow(anyActive || (!!snap && !snap.instance.endTime && !!snap.instance.startTime));

  const liveByCode = useMemo(() => {
    const m = new Map<string, TaskLive>();
    for (const t of snap?.tasks ?? []) m.set(t.taskCode, { state: t.state, attempt: t.attempt });
    return m;
  }, [snap?.tasks]);

  if (initial.isPending) return <p className="p-6 text-sm text-slate-500">Loading instance…</p>;
  if (initial.isError || !snap) {
    return (
      <div className="p-6">
        <ErrorText>Could not load the instance: {initial.error?.message}</ErrorText>
      </div>
    );
  }

  const { instance, definition, tasks } = snap;
  const taskByCode = new Map(tasks.map((t) => [t.taskCode, t]));
  const defTasks = definition.tasks;
  const selectedDef = selectedCode ? defTasks.find((t) => t.code === selectedCode) : undefined;
  const selectedRow = selectedCode ? taskByCode.get(selectedCode) : undefined;

  return (
    <div className="flex h-full min-h-0 flex-col">
      <header className="flex shrink-0 flex-wrap items-center gap-x-4 gap-y-2 border-b border-slate-200 bg-white px-5 py-3">
        <h1 className="text-base font-semibold">
          <Link
            href={`/projects/${projectId}/workflows/${instance.workflowId}`}
            className="hover:underline"
          >
            {instance.workflowName}
          </Link>
        </h1>
        <StateBadge state={instance.state} testId="instance-state" className="text-sm" />
        <dl className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-500">
          <Meta label="Instance">#{shortId(instance.id)}</Meta>
          <Meta label="Version">v{instance.workflowVersion}</Meta>
          <Meta label="Run type">{instance.runType}</Meta>
          <Meta label="Started">{formatTime(instance.startTime ?? instance.createdAt)}</Meta>
          <Meta label="Duration">{formatDuration(instance.startTime, instance.endTime, now)}</Meta>
          {instance.host && <Meta label="Master">{instance.host}</Meta>}
        </dl>
        <span
          className="ml-auto flex items-center gap-1.5 text-xs text-slate-500"
          title="Updates arrive over a live subscription"
          data-testid="live-status"
          data-status={sub.status}
        >
          <span
            className={cn(
              "size-2 rounded-full",
              sub.status === "pending"
                ? "bg-emerald-500"
                : sub.status === "error"
                  ? "bg-red-500"
                  : "bg-amber-400",
            )}
          />
          {sub.status === "pending"
            ? "Live"
            : sub.status === "error"
              ? "Disconnected"
              : "Connecting…"}
        </span>
      </header>

      <div className="flex min-h-0 flex-1">
        <div className="flex min-w-0 flex-1 flex-col overflow-y-auto">
          <section
            aria-label="Graph"
            className="h-[420px] shrink-0 border-b border-slate-200 bg-slate-50"
          >
            <InstanceGraph
              definition={definition}
              live={liveByCode}
              selectedCode={selectedCode}
              onSelect={select}
            />
          </section>
          <section aria-label="Tasks" className="p-5">
            <h2 className="mb-2 text-sm font-semibold">Tasks</h2>
            <TaskTable
              defTasks={defTasks}
              taskByCode={taskByCode}
              selectedCode={selectedCode}
              onSelect={select}
              now={now}
            />
          </section>
        </div>
        {selectedDef && (
          <LogDrawer
            key={selectedDef.code}
            projectId={projectId}
            taskName={selectedDef.name}
            row={selectedRow}
            onClose={() => select(null)}
          />
        )}
      </div>
    </div>
  );
}

function Meta({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="flex gap-1">
      <dt>{label}</dt>
      <dd className="font-medium text-slate-700">{children}</dd>
    </div>
  );
}

function TaskTable({
  defTasks,
  taskByCode,
  selectedCode,
  onSelect,
  now,
}: {
  defTasks: InstanceData["definition"]["tasks"];
  taskByCode: Map<string, TaskRow>;
  selectedCode: string | null;
  onSelect: (code: string) => void;
  now: number;
}) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-left text-sm">
        <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th className="px-3 py-2 font-medium">Task</th>
            <th className="px-3 py-2 font-medium">State</th>
            <th className="px-3 py-2 font-medium">Attempt</th>
            <th className="px-3 py-2 font-medium">Host</th>
            <th className="px-3 py-2 font-medium">Start</th>
            <th className="px-3 py-2 font-medium">Duration</th>
            <th className="px-3 py-2 font-medium">Exit code</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {defTasks.map((t) => {
            const row = taskByCode.get(t.code);
            return (
              <tr
                key={t.code}
                data-testid={`task-row-${t.name}`}
                data-state={row?.state ?? "NOT_STARTED"}
                aria-selected={t.code === selectedCode}
                onClick={() => onSelect(t.code)}
                className={cn(
                  "cursor-pointer hover:bg-slate-50",
                  t.code === selectedCode && "bg-sky-50 hover:bg-sky-50",
                )}
              >
                <td className="whitespace-nowrap px-3 py-2">
                  <button
                    type="button"
                    className="font-medium text-slate-900 hover:underline"
                    onClick={(e) => {
                      e.stopPropagation();
                      onSelect(t.code);
                    }}
                  >
                    {t.name}
                  </button>
                  <span className="ml-2 text-xs text-slate-400">{t.type}</span>
                </td>
                <td className="px-3 py-2" title={row?.waitReason ?? undefined}>
                  {row ? (
                    <StateBadge state={row.state} />
                  ) : (
                    <span className="text-xs text-slate-400">not started</span>
                  )}
                </td>
                <td className="px-3 py-2 text-slate-600">{row?.attempt ?? "—"}</td>
                <td className="px-3 py-2 text-slate-600">{row?.host ?? "—"}</td>
                <td className="px-3 py-2 text-slate-600">{formatTime(row?.startTime)}</td>
                <td className="px-3 py-2 text-slate-600">
                  {formatDuration(row?.startTime, row?.endTime, now)}
                </td>
                <td
                  className={cn(
                    "px-3 py-2 font-mono",
                    row?.exitCode ? "text-red-700" : "text-slate-600",
                  )}
                >
                  {row?.exitCode ?? "—"}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function LogDrawer({
  projectId,
  taskName,
  row,
  onClose,
}: {
  projectId: string;
  taskName: string;
  row: TaskRow | undefined;
  onClose: () => void;
}) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") onClose();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);

  return (
    <aside
      data-testid="log-viewer"
      aria-label={`Log of ${taskName}`}
      className="flex w-[min(560px,48vw)] shrink-0 flex-col border-l border-slate-200 bg-white shadow-[-4px_0_12px_-6px_rgba(15,23,42,0.15)]"
    >
      <div className="flex items-center gap-3 border-b border-slate-200 px-4 py-2.5">
        <h2 className="truncate text-sm font-semibold">{taskName}</h2>
        {row && <StateBadge state={row.state} />}
        {row && <span className="text-xs text-slate-500">attempt {row.attempt}</span>}
        {row?.host && <span className="truncate text-xs text-slate-500">on {row.host}</span>}
        <button
          type="button"
          onClick={onClose}
          aria-label="Close log"
          className="ml-auto rounded px-1.5 text-lg leading-none text-slate-400 hover:bg-slate-100 hover:text-slate-700"
        >
          ×
        </button>
      </div>
      {row?.error && (
        <p className="border-b border-red-100 bg-red-50 px-4 py-2 text-xs text-red-700">
          {row.error}
        </p>
      )}
      {row ? (
        <LogViewer
          key={row.id}
          projectId={projectId}
          taskInstanceId={row.id}
          exitCode={row.exitCode}
          finished={isTaskFinal(row.state)}
        />
      ) : (
        <p className="p-4 text-sm text-slate-500">
          Not started yet — its log appears here as soon as it runs.
        </p>
      )}
    </aside>
  );
}
