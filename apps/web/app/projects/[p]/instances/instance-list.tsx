"use client";

import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import {
  isWorkflowActive,
  WORKFLOW_INSTANCE_STATES,
  type WorkflowInstanceState,
} from "@shoal/core";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { formatDuration, formatTime, shortId } from "~/_components/format";
import { StateBadge } from "~/_components/state-badge";
import { stateStyle } from "~/_components/state-style";
import { Button, EmptyState, ErrorText, PageHeader } from "~/_components/ui";
import {
  DateRange,
  dayToDate,
  Pager,
  SearchInput,
  SelectFilter,
  SortHeader,
  useTicker,
  useUrlParams,
} from "~/instance/list-controls";
import { useTRPC } from "~/trpc/react";

const PAGE_SIZE = 25;
const SORTS = [
  "createdAt",
  "startTime",
  "endTime",
  "duration",
  "state",
  "workflow",
  "name",
] as const;
type Sort = (typeof SORTS)[number];
const RUN_TYPE_LABEL: Record<string, string> = {
  MANUAL: "manual",
  SCHEDULE: "schedule",
  BACKFILL: "backfill",
  RERUN: "rerun",
  SUB_WORKFLOW: "sub-workflow",
};

/** Workflow instances of a project: filters, sort and page in the URL; rows follow the project channel live. */
export function InstanceList({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const url = useUrlParams();

  const state = url.get("state");
  const workflowId = url.get("workflow");
  const name = url.get("q");
  const from = url.get("from");
  const to = url.get("to");
  const sort: Sort = (SORTS as readonly string[]).includes(url.get("sort"))
    ? (url.get("sort") as Sort)
    : "createdAt";
  const dir = url.get("dir") === "asc" ? "asc" : "desc";
  const page = Math.max(1, Number.parseInt(url.get("page"), 10) || 1);
  const filtered = !!(state || workflowId || name || from || to);

  const input = {
    projectId,
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
    states: (WORKFLOW_INSTANCE_STATES as readonly string[]).includes(state)
      ? [state as WorkflowInstanceState]
      : undefined,
    workflowId: workflowId || undefined,
    name: name || undefined,
    from: dayToDate(from),
    to: dayToDate(to, true),
    sort,
    dir,
  } as const;
  const list = useQuery({
    ...trpc.instance.list.queryOptions(input),
    placeholderData: keepPreviousData,
  });
  const workflows = useQuery(trpc.workflow.list.queryOptions({ projectId }));

  // Live rows: the project channel ticks when any instance changes; refetch the page on screen.
  const live = useSubscription(
    trpc.instance.onProjectChange.subscriptionOptions(
      { projectId },
      {
        onData: () =>
          void queryClient.invalidateQueries({ queryKey: trpc.instance.list.queryKey() }),
      },
    ),
  );

  const rows = list.data?.items ?? [];
  const total = list.data?.total ?? 0;
  const now = useTicker(rows.some((r) => isWorkflowActive(r.state)));
  const onSort = (column: string, d: "asc" | "desc") => url.set({ sort: column, dir: d });

  return (
    <>
      <PageHeader
        title="Instances"
        actions={
          <span
            className="flex items-center gap-1.5 text-xs text-slate-500"
            data-testid="list-live-status"
            data-status={live.status}
          >
            <span
              className={
                live.status === "pending"
                  ? "size-2 rounded-full bg-emerald-500"
                  : "size-2 rounded-full bg-amber-400"
              }
            />
            {live.status === "pending" ? "Live" : "Connecting…"}
          </span>
        }
      >
        Every run of every workflow in this project.
      </PageHeader>

      <div role="search" className="mb-4 flex flex-wrap items-end gap-3">
        <SearchInput
          label="Name"
          value={name}
          placeholder="instance or workflow"
          onChange={(v) => url.set({ q: v })}
        />
        <SelectFilter
          label="State"
          value={state}
          allLabel="All states"
          onChange={(v) => url.set({ state: v })}
          options={WORKFLOW_INSTANCE_STATES.map((s) => ({ value: s, label: stateStyle(s).label }))}
        />
        <SelectFilter
          label="Workflow"
          value={workflowId}
          allLabel="All workflows"
          onChange={(v) => url.set({ workflow: v })}
          options={(workflows.data ?? []).map((w) => ({ value: w.id, label: w.name }))}
        />
        <DateRange from={from} to={to} onChange={(f, t) => url.set({ from: f, to: t })} />
        {filtered && (
          <Button
            variant="ghost"
            onClick={() => url.set({ state: "", workflow: "", q: "", from: "", to: "" })}
          >
            Clear filters
          </Button>
        )}
      </div>

      {list.isPending ? (
        <p className="text-sm text-slate-500">Loading instances…</p>
      ) : list.isError ? (
        <ErrorText>Could not load instances: {list.error.message}</ErrorText>
      ) : rows.length === 0 && !filtered && page === 1 ? (
        <EmptyState title="No instances yet — run a workflow">
          <p>
            Open a workflow in{" "}
            <Link
              className="text-sky-700 hover:underline"
              href={`/projects/${projectId}/workflows`}
            >
              Workflows
            </Link>{" "}
            and click Run.
          </p>
        </EmptyState>
      ) : (
        <div className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-xs">
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" data-testid="instance-table">
              <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
                <tr>
                  <SortHeader
                    label="Instance"
                    column="name"
                    sort={sort}
                    dir={dir}
                    onSort={onSort}
                  />
                  <SortHeader label="State" column="state" sort={sort} dir={dir} onSort={onSort} />
                  <SortHeader
                    label="Workflow"
                    column="workflow"
                    sort={sort}
                    dir={dir}
                    onSort={onSort}
                  />
                  <th className="px-4 py-2 font-medium">Version</th>
                  <th className="px-4 py-2 font-medium">Run type</th>
                  <SortHeader
                    label="Start"
                    column="startTime"
                    sort={sort}
                    dir={dir}
                    onSort={onSort}
                  />
                  <SortHeader label="End" column="endTime" sort={sort} dir={dir} onSort={onSort} />
                  <SortHeader
                    label="Duration"
                    column="duration"
                    sort={sort}
                    dir={dir}
                    onSort={onSort}
                  />
                  <th className="px-4 py-2 font-medium">Host</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {rows.length === 0 && (
                  <tr>
                    <td colSpan={9} className="px-4 py-10 text-center text-sm text-slate-500">
                      No instances match these filters.
                    </td>
                  </tr>
                )}
                {rows.map((i) => {
                  const href = `/projects/${projectId}/instances/${i.id}`;
                  return (
                    <tr
                      key={i.id}
                      data-testid={`instance-row-${i.id}`}
                      data-state={i.state}
                      onClick={() => router.push(href)}
                      className="cursor-pointer hover:bg-slate-50"
                    >
                      <td className="px-4 py-2.5">
                        <Link
                          href={href}
                          className="font-medium text-sky-700 hover:underline"
                          onClick={(e) => e.stopPropagation()}
                        >
                          {i.name}
                        </Link>
                        <span className="ml-2 font-mono text-xs text-slate-400">
                          #{shortId(i.id)}
                        </span>
                      </td>
                      <td className="px-4 py-2.5">
                        <StateBadge state={i.state} />
                      </td>
                      <td className="px-4 py-2.5 text-slate-700">{i.workflowName}</td>
                      <td className="px-4 py-2.5 text-slate-600">v{i.workflowVersion}</td>
                      <td className="px-4 py-2.5 text-slate-600">
                        {RUN_TYPE_LABEL[i.runType] ?? i.runType}
                        {i.options.startTask && (
                          <span
                            className="ml-1 text-xs text-slate-400"
                            title={`run from task ${i.options.startTask.code} (${i.options.startTask.mode})`}
                          >
                            · from task
                          </span>
                        )}
                      </td>
                      <td className="whitespace-nowrap px-4 py-2.5 text-slate-600">
                        {formatTime(i.startTime)}
                      </td>
                      <td className="whitespace-nowrap px-4 py-2.5 text-slate-600">
                        {formatTime(i.endTime)}
                      </td>
                      <td className="whitespace-nowrap px-4 py-2.5 text-slate-600">
                        {formatDuration(i.startTime, i.endTime, now)}
                      </td>
                      <td className="px-4 py-2.5 text-xs text-slate-500">{i.host ?? "—"}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pager
            page={page}
            pageSize={PAGE_SIZE}
            total={total}
            fetching={list.isFetching}
            onPage={(p) => url.set({ page: p > 1 ? String(p) : "" })}
          />
        </div>
      )}
    </>
  );
}
