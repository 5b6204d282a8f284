"use client";

import { useQuery } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { buildDag, downstreamClosure, isTaskActive, isWorkflowActive } from "@shoal/core";
import type { RouterOutputs } from "@shoal/api";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useState } from "react";
import { cn } from "~/_components/cn";
import { formatDuration, formatTime, shortId } from "~/_components/format";
import { StateBadge } from "~/_components/state-badge";
import { ErrorText } from "~/_components/ui";
import { useTRPC } from "~/trpc/react";
import { InstanceActions } from "./instance-actions";
import { InstanceGantt } from "./instance-gantt";
import { InstanceGraph, type TaskLive } from "./instance-graph";
import { InstanceParams, useRefetchOn } from "./instance-params";
import { InstanceTasks } from "./instance-tasks";
import { InstanceTimeline } from "./instance-timeline";
import { settle, type PendingCommand } from "./pending-command";
import { skippedOf } from "./skipped";
import { TaskDrawer } from "./task-drawer";

type InstanceData = RouterOutputs["instance"]["byId"];

const TABS = [
  { id: "graph", label: "Graph" },
  { id: "gantt", label: "Gantt" },
  { id: "tasks", label: "Tasks" },
  { id: "params", label: "Params" },
  { id: "timeline", label: "Timeline" },
] as const;
type Tab = (typeof TABS)[number]["id"];

const RUN_TYPE_LABEL: Record<string, string> = {
  MANUAL: "manual",
  SCHEDULE: "schedule",
  BACKFILL: "backfill",
  RERUN: "rerun",
  SUB_WORKFLOW: "sub-workflow",
};

/** Re-renders every second while something runs, so durations and Gantt bars grow (no polling). */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    // Catch up at once: `now` froze while nothing ran, so a row that just started would read 0 ms.
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

/**
 * The instance page: header with the command buttons, tabs (live graph, Gantt, tasks, params,
 * timeline) and the selected task's panel with its log. Tab, task and attempt live in the URL.
 */
export function InstanceView({ projectId, instanceId }: { projectId: string; instanceId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  // router.replace updates the URL a moment later; until it lands, the click is what counts, so the
  // drawer opens at once (and a replace that lands late or not at all loses no click).
  const [picked, setPicked] = useState<{
    task: string | null;
    attempt: string | null;
    url: string;
  }>();
  const fresh = picked?.url === search.toString() ? picked : undefined;
  const selectedCode = fresh ? fresh.task : search.get("task");
  const selectedAttempt = fresh ? fresh.attempt : search.get("attempt");
  const tabParam = search.get("tab");
  const tab: Tab = TABS.some((t) => t.id === tabParam) ? (tabParam as Tab) : "graph";

  const initial = useQuery({
    ...trpc.instance.byId.queryOptions({ projectId, instanceId }),
    refetchOnWindowFocus: false,
  });
  const [live, setLive] = useState<Omit<InstanceData, "definition"> | null>(null);
  // httpSubscriptionLink reconnects with the last tracked id, so the server resumes from it.
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
  const eventId = snap?.eventId ?? 0;

  const events = useQuery(trpc.instance.events.queryOptions({ projectId, instanceId }));
  // Viewers may watch but not command; the server refuses them anyway, the buttons say so first.
  const project = useQuery(trpc.project.byId.queryOptions({ projectId }));
  const readOnly = project.data?.role === "viewer";
  useRefetchOn(eventId, events.refetch);

  // The command the user sent, until the timeline or the state shows its outcome.
  const [pending, setPending] = useState<PendingCommand | null>(null);
  const [commandError, setCommandError] = useState<string | null>(null);
  const onPending = useCallback((p: PendingCommand | null, error?: string) => {
    setPending(p);
    setCommandError(error ?? null);
  }, []);
  useEffect(() => {
    if (!pending || !snap) return;
    const current = pending.taskCode
      ? (snap.tasks.find((t) => t.taskCode === pending.taskCode)?.state ?? "")
      : snap.instance.state;
    const verdict = settle(pending, events.data ?? [], current);
    if (verdict.done) onPending(null, verdict.error ?? undefined);
  }, [pending, snap, events.data, onPending]);

  const setParams = useCallback(
    (changes: Record<string, string | null>) => {
      const params = new URLSearchParams(search.toString());
      for (const [k, v] of Object.entries(changes)) {
        if (v) params.set(k, v);
        else params.delete(k);
      }
      const qs = params.toString();
      router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
    },
    [router, pathname, search],
  );
  const select = useCallback(
    (code: string | null, attemptId?: string) => {
      setPicked({ task: code, attempt: attemptId ?? null, url: search.toString() });
      setParams({ task: code, attempt: attemptId ?? null });
    },
    [setParams, search],
  );

  const active =
    !!snap &&
    (isWorkflowActive(snap.instance.state) || snap.tasks.some((t) => isTaskActive(t.state)));
  const now = useNow(active);

  const liveByCode = useMemo(() => {
    const m = new Map<string, TaskLive>();
    for (const t of snap?.tasks ?? [])
      m.set(t.taskCode, { state: t.state, attempt: t.attempt, waitReason: t.waitReason });
    return m;
  }, [snap?.tasks]);
  const dag = useMemo(
    () =>
      snap
        ? buildDag(
            snap.definition.tasks.map((t) => t.code),
            snap.definition.edges,
          )
        : null,
    [snap],
  );
  // Branches a switch/conditions task did not take have no attempt; tell them from "not reached yet".
  const skipped = useMemo(
    () => (snap ? skippedOf(snap.definition, snap.tasks) : new Map<string, never>()),
    [snap],
  );

  if (initial.isPending) return <p className="p-6 text-sm text-slate-500">Loading instance…</p>;
  if (initial.isError || !snap || !dag) {
    return (
      <div className="p-6">
        <ErrorText>Could not load the instance: {initial.error?.message}</ErrorText>
      </div>
    );
  }

  const { instance, definition, tasks, allAttempts } = snap;
  const latest = new Map(tasks.map((t) => [t.taskCode, t]));
  const taskNames = new Map(definition.tasks.map((t) => [t.code, t.name]));
  const selectedDef = selectedCode
    ? definition.tasks.find((t) => t.code === selectedCode)
    : undefined;

  return (
    <div className="flex h-full min-h-0 flex-col">
      <header className="shrink-0 border-b border-slate-200 bg-white px-5 pt-3">
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
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
            <Meta label="Instance">
              <span title={instance.name}>#{shortId(instance.id)}</span>
            </Meta>
            <Meta label="Version">v{instance.workflowVersion}</Meta>
            <Meta label="Run type">
              {RUN_TYPE_LABEL[instance.runType] ?? instance.runType}
              {instance.options.startTask &&
                ` from ${taskNames.get(instance.options.startTask.code) ?? instance.options.startTask.code} (${instance.options.startTask.mode})`}
            </Meta>
            <Meta label="Started">{formatTime(instance.startTime ?? instance.createdAt)}</Meta>
            <Meta label="Duration">
              {formatDuration(instance.startTime, instance.endTime, now)}
            </Meta>
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
        </div>
        <div className="mt-2 flex flex-wrap items-center gap-3">
          <InstanceActions
            projectId={projectId}
            instanceId={instanceId}
            state={instance.state}
            tasks={tasks}
            eventId={eventId}
            pending={pending}
            onPending={onPending}
            readOnly={readOnly}
          />
          {commandError && (
            <p role="alert" data-testid="command-error" className="text-sm text-red-700">
              {commandError}
            </p>
          )}
        </div>
        <div role="tablist" aria-label="Instance views" className="-mb-px mt-2 flex gap-1">
          {TABS.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              id={`tab-${t.id}`}
              aria-selected={tab === t.id}
              aria-controls="instance-tabpanel"
              onClick={() => setParams({ tab: t.id === "graph" ? null : t.id })}
              className={cn(
                "border-b-2 px-3 py-2 text-sm font-medium",
                tab === t.id
                  ? "border-sky-600 text-sky-700"
                  : "border-transparent text-slate-500 hover:text-slate-800",
              )}
            >
              {t.label}
            </button>
          ))}
        </div>
      </header>

      <div className="flex min-h-0 flex-1">
        <div
          id="instance-tabpanel"
          role="tabpanel"
          aria-labelledby={`tab-${tab}`}
          className="flex min-w-0 flex-1 flex-col overflow-y-auto"
        >
          {tab === "graph" && (
            <section aria-label="Graph" className="min-h-[420px] flex-1 bg-slate-50">
              <InstanceGraph
                definition={definition}
                live={liveByCode}
                skipped={skipped}
                selectedCode={selectedCode}
                onSelect={(c) => select(c)}
              />
            </section>
          )}
          {tab === "gantt" && (
            <InstanceGantt
              tasks={definition.tasks}
              edges={definition.edges}
              attempts={allAttempts}
              generation={instance.generation}
              skipped={skipped}
              now={now}
              selectedCode={selectedCode}
              onSelect={(c) => select(c)}
            />
          )}
          {tab === "tasks" && (
            <section aria-label="Tasks" className="p-5">
              <InstanceTasks
                defTasks={definition.tasks}
                latest={latest}
                allAttempts={allAttempts}
                skipped={skipped}
                selectedCode={selectedCode}
                onViewLog={(c, a) => select(c, a)}
                now={now}
              />
            </section>
          )}
          {tab === "params" && (
            <InstanceParams projectId={projectId} instanceId={instanceId} eventId={eventId} />
          )}
          {tab === "timeline" && (
            <InstanceTimeline
              events={events.data ?? []}
              taskNames={taskNames}
              loading={events.isPending}
            />
          )}
        </div>
        {selectedDef && (
          <TaskDrawer
            key={selectedDef.code}
            projectId={projectId}
            instance={instance}
            task={selectedDef}
            skipped={skipped.get(selectedDef.code)}
            latest={latest.get(selectedDef.code)}
            attempt={
              selectedAttempt ? allAttempts.find((a) => a.id === selectedAttempt) : undefined
            }
            downstreamCount={downstreamClosure(dag, [selectedDef.code]).size - 1}
            eventId={eventId}
            pending={pending}
            onPending={onPending}
            readOnly={readOnly}
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
