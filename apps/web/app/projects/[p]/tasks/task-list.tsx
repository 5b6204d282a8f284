"use client";

import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { isTaskActive, TASK_INSTANCE_STATES, type TaskInstanceState } from "@shoal/core";
import Link from "next/link";
import { cn } from "~/_components/cn";
import { formatDuration, formatTime } from "~/_components/format";
import { StateBadge } from "~/_components/state-badge";
import { stateStyle } from "~/_components/state-style";
import { Button, EmptyState, ErrorText, PageHeader } from "~/_components/ui";
import {
  DateRange,
  dayToDate,
  Pager,
  SearchInput,
  SelectFilter,
  useTicker,
  useUrlParams,
} from "~/instance/list-controls";
import { useTRPC } from "~/trpc/react";

const PAGE_SIZE = 50;

/** Task attempts across the project, newest first; filters in the URL; live like the instance list. */
export function TaskList({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const url = useUrlParams();
  const state = url.get("state");
  const taskName = url.get("task");
  const host = url.get("host");
  const from = url.get("from");
  const to = url.get("to");
  const page = Math.max(1, Number.parseInt(url.get("page"), 10) || 1);
  const filtered = !!(state || taskName || host || from || to);

  const list = useQuery({
    ...trpc.instance.listTasks.queryOptions({
      projectId,
      limit: PAGE_SIZE,
      offset: (page - 1) * PAGE_SIZE,
      states: (TASK_INSTANCE_STATES as readonly string[]).includes(state)
        ? [state as TaskInstanceState]
        : undefined,
      taskName: taskName || undefined,
      host: host || undefined,
      from: dayToDate(from),
      to: dayToDate(to, true),
    }),
    placeholderData: keepPreviousData,
  });
  useSubscription(
    trpc.instance.onProjectChange.subscriptionOptions(
      { projectId },
      {
        onData: () =>
          void queryClient.invalidateQueries({ queryKey: trpc.instance.listTasks.queryKey() }),
      },
    ),
  );
  const rows = list.data?.items ?? [];
  const now = useTicker(rows.some((r) => isTaskActive(r.state)));

  return (
    <>
      <PageHeader title="Task instances">
        Every task attempt in this project, newest first. Open one to see its instance and log.
      </PageHeader>
      <div role="search" className="mb-4 flex flex-wrap items-end gap-3">
        <SearchInput label="Task" value={taskName} onChange={(v) => url.set({ task: v })} />
        <SelectFilter
          label="State"
          value={state}
          allLabel="All states"
          onChange={(v) => url.set({ state: v })}
          options={TASK_INSTANCE_STATES.map((s) => ({ value: s, label: stateStyle(s).label }))}
        />
        <SearchInput label="Host" value={host} onChange={(v) => url.set({ host: v })} />
        <DateRange from={from} to={to} onChange={(f, t) => url.set({ from: f, to: t })} />
        {filtered && (
          <Button
            variant="ghost"
            onClick={() => url.set({ state: "", task: "", host: "", from: "", to: "" })}
          >
            Clear filters
          </Button>
        )}
      </div>
      {list.isPending ? (
        <p className="text-sm text-slate-500">Loading task instances…</p>
      ) : list.isError ? (
        <ErrorText>Could not load task instances: {list.error.message}</ErrorText>
      ) : rows.length === 0 && !filtered && page === 1 ? (
        <EmptyState title="No task has run yet">
          <p>
            Run a workflow from{" "}
            <Link
              className="text-sky-700 hover:underline"
              href={`/projects/${projectId}/workflows`}
            >
              Workflows
            </Link>
            ; its tasks show up here.
          </p>
        </EmptyState>
      ) : (
        <div className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-xs">
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" data-testid="task-instance-table">
              <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
                <tr>
                  <th className="px-4 py-2 font-medium">Task</th>
                  <th className="px-4 py-2 font-medium">State</th>
                  <th className="px-4 py-2 font-medium">Instance</th>
                  <th className="px-4 py-2 font-medium">Attempt</th>
                  <th className="px-4 py-2 font-medium">Host</th>
                  <th className="px-4 py-2 font-medium">Submitted</th>
                  <th className="px-4 py-2 font-medium">Duration</th>
                  <th className="px-4 py-2 font-medium">Exit code</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {rows.length === 0 && (
                  <tr>
                    <td colSpan={8} className="px-4 py-10 text-center text-sm text-slate-500">
                      No task instances match these filters.
                    </td>
                  </tr>
                )}
                {rows.map((t) => {
                  const base = `/projects/${projectId}/instances/${t.instanceId}`;
                  return (
                    <tr key={t.id} data-testid={`task-instance-row-${t.id}`} data-state={t.state}>
                      <td className="px-4 py-2.5">
                        <Link
                          href={`${base}?tab=tasks&task=${encodeURIComponent(t.taskCode)}&attempt=${t.id}`}
                          className="font-medium text-sky-700 hover:underline"
                        >
                          {t.taskName}
                        </Link>
                        <span className="ml-2 text-xs text-slate-400">{t.taskType}</span>
                      </td>
                      <td className="px-4 py-2.5" title={t.waitReason ?? undefined}>
                        <StateBadge state={t.state} />
                      </td>
                      <td className="px-4 py-2.5">
                        <Link href={base} className="text-slate-700 hover:underline">
                          {t.instanceName}
                        </Link>
                      </td>
                      <td className="px-4 py-2.5 text-slate-600">{t.attempt}</td>
                      <td className="px-4 py-2.5 text-xs text-slate-500">{t.host ?? "—"}</td>
                      <td className="whitespace-nowrap px-4 py-2.5 text-slate-600">
                        {formatTime(t.submitTime)}
                      </td>
                      <td className="whitespace-nowrap px-4 py-2.5 text-slate-600">
                        {formatDuration(t.startTime, t.endTime, now)}
                      </td>
                      <td
                        className={cn(
                          "px-4 py-2.5 font-mono",
                          t.exitCode ? "text-red-700" : "text-slate-600",
                        )}
                      >
                        {t.exitCode ?? "—"}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pager
            page={page}
            pageSize={PAGE_SIZE}
            total={list.data?.total ?? 0}
            fetching={list.isFetching}
            onPage={(p) => url.set({ page: p > 1 ? String(p) : "" })}
          />
        </div>
      )}
    </>
  );
}
