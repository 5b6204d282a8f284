"use client";

import { useMutation } from "@tanstack/react-query";
import {
  isTaskFinal,
  isWorkflowFinal,
  transitionTask,
  transitionWorkflow,
  type TaskDefinition,
} from "@shoal/core";
import type { RouterOutputs } from "@shoal/api";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { StateBadge } from "~/_components/state-badge";
import { Button, ErrorText, Spinner } from "~/_components/ui";
import { useTRPC } from "~/trpc/react";
import { ConfirmDialog } from "./confirm-dialog";
import { LogViewer } from "./log-viewer";
import type { PendingCommand } from "./pending-command";
import { skipReason, type Skipped } from "./skipped";
import { SkippedBadge } from "./skipped-badge";
import { TaskSummary } from "./task-summary";

type Instance = RouterOutputs["instance"]["byId"]["instance"];
type Attempt = RouterOutputs["instance"]["byId"]["allAttempts"][number];
type Mode = "only" | "downstream" | "upstream";

const MODES: { mode: Mode; label: string; hint: string }[] = [
  { mode: "only", label: "Only this task", hint: "runs just this task" },
  { mode: "downstream", label: "This and downstream", hint: "this task and everything after it" },
  { mode: "upstream", label: "This and upstream", hint: "everything this task needs, then it" },
];

/**
 * The selected task: its state, why it waits, its actions (force success, run from here) and the log
 * of the chosen attempt (latest unless one was picked). A task without an attempt (skipped on a branch
 * not taken, or not started yet) shows what it is set up to do instead.
 */
export function TaskDrawer({
  projectId,
  instance,
  task,
  skipped,
  latest,
  attempt,
  downstreamCount,
  eventId,
  pending,
  onPending,
  readOnly = false,
  onClose,
}: {
  projectId: string;
  instance: Instance;
  task: TaskDefinition;
  /** Set when the task is on a branch not taken (it gets no attempt). */
  skipped?: Skipped;
  latest: Attempt | undefined;
  attempt: Attempt | undefined;
  downstreamCount: number;
  eventId: number;
  pending: PendingCommand | null;
  onPending: (p: PendingCommand | null, error?: string) => void;
  /** A viewer: no force success, no new runs. */
  readOnly?: boolean;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [confirmForce, setConfirmForce] = useState(false);
  const [menu, setMenu] = useState(false);
  const [runResult, setRunResult] = useState<string | null>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && !confirmForce) onClose();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose, confirmForce]);

  const force = useMutation(
    trpc.instance.forceTaskSuccess.mutationOptions({ onError: (e) => onPending(null, e.message) }),
  );
  const run = useMutation(
    trpc.workflow.run.mutationOptions({
      onSuccess: (res) => {
        if (res.instanceId) router.push(`/projects/${projectId}/instances/${res.instanceId}`);
        else setRunResult("Started — the new instance appears in Instances in a moment.");
      },
    }),
  );

  // The engine's own rules: the task machine must accept forcing, and the instance machine the result.
  const forceVerdict = latest
    ? transitionTask(
        latest.state,
        {
          type: "forceSucceeded",
          workflowFinished: isWorkflowFinal(instance.state),
        },
        // Retry settings do not bear on forcing.
        { attempt: latest.attempt, retries: 0, retryIntervalSeconds: 0 },
      )
    : ({
        ok: false,
        reason: skipped ? `it was skipped: ${skipReason(skipped)}` : "the task has not run",
      } as const);
  const wfVerdict = transitionWorkflow(instance.state, {
    type: "taskForced",
  });
  const canForce = !readOnly && forceVerdict.ok && wfVerdict.ok;
  const forcing = pending?.type === "FORCE_SUCCESS" && pending.taskCode === task.code;
  const shown = attempt ?? latest;

  const sendForce = () => {
    setConfirmForce(false);
    if (!latest) return;
    onPending({
      type: "FORCE_SUCCESS",
      label: "Forcing…",
      sinceEventId: eventId,
      fromState: latest.state,
      taskCode: task.code,
    });
    force.mutate({ projectId, instanceId: instance.id, taskCode: task.code });
  };
  const runFrom = (mode: Mode) => {
    setMenu(false);
    setRunResult(null);
    run.mutate({
      projectId,
      workflowId: instance.workflowId,
      startTask: { code: task.code, mode },
      paramOverrides: instance.options.paramOverrides,
      failureStrategy: instance.failureStrategy,
      priority: instance.priority,
      workerGroup: instance.workerGroup,
    });
  };

  return (
    <aside
      data-testid="log-viewer"
      aria-label={`Task ${task.name}`}
      className="flex w-[min(580px,50vw)] shrink-0 flex-col border-l border-slate-200 bg-white shadow-[-4px_0_12px_-6px_rgba(15,23,42,0.15)]"
    >
      <div className="flex items-center gap-3 border-b border-slate-200 px-4 py-2.5">
        <h2 className="truncate text-sm font-semibold">{task.name}</h2>
        {shown && <StateBadge state={shown.state} testId="drawer-task-state" />}
        {!shown && skipped && <SkippedBadge reason={skipReason(skipped)} />}
        {shown && (
          <span className="text-xs text-slate-500">
            attempt {shown.attempt}
            {attempt && latest && attempt.id !== latest.id && " (earlier)"}
          </span>
        )}
        {shown?.host && <span className="truncate text-xs text-slate-500">on {shown.host}</span>}
        <button
          type="button"
          onClick={onClose}
          aria-label="Close task panel"
          className="ml-auto rounded px-1.5 text-lg leading-none text-slate-400 hover:bg-slate-100 hover:text-slate-700"
        >
          ×
        </button>
      </div>
      <div className="flex flex-wrap items-center gap-2 border-b border-slate-100 px-4 py-2">
        <Button
          variant={canForce && !forcing ? "primary" : undefined}
          disabled={!canForce || forcing}
          title={
            canForce
              ? undefined
              : !forceVerdict.ok
                ? forceVerdict.reason
                : !wfVerdict.ok
                  ? wfVerdict.reason
                  : undefined
          }
          aria-busy={forcing || undefined}
          onClick={() => setConfirmForce(true)}
        >
          {forcing && <Spinner className="size-3.5" />}
          {forcing ? "Forcing…" : "Force success"}
        </Button>
        <div className="relative">
          <Button
            aria-haspopup="menu"
            aria-expanded={menu}
            disabled={readOnly || run.isPending}
            onClick={() => setMenu((m) => !m)}
          >
            {run.isPending && <Spinner className="size-3.5" />}
            Run from here ▾
          </Button>
          {menu && (
            <div
              role="menu"
              aria-label="Run from here"
              className="absolute left-0 z-20 mt-1 w-64 rounded-lg border border-slate-200 bg-white p-1 shadow-lg"
              onKeyDown={(e) => {
                if (e.key === "Escape") {
                  e.stopPropagation();
                  setMenu(false);
                }
              }}
            >
              {MODES.map((m, i) => (
                <button
                  key={m.mode}
                  type="button"
                  role="menuitem"
                  autoFocus={i === 0}
                  onClick={() => runFrom(m.mode)}
                  className="block w-full rounded-md px-3 py-1.5 text-left text-sm hover:bg-slate-100 focus:bg-slate-100 focus:outline-none"
                >
                  <span className="font-medium text-slate-800">{m.label}</span>
                  <span className="block text-xs text-slate-500">{m.hint} · a new instance</span>
                </button>
              ))}
            </div>
          )}
        </div>
        {shown?.waitReason && !isTaskFinal(shown.state) && (
          <span className="text-xs text-slate-500" data-testid="drawer-wait-reason">
            Waiting: {shown.waitReason}
          </span>
        )}
      </div>
      {(run.error ?? runResult) && (
        <div className="border-b border-slate-100 px-4 py-2">
          {run.error ? (
            <ErrorText>
              Could not start a run from {task.name}: {run.error.message}
            </ErrorText>
          ) : (
            <p className="text-sm text-slate-600">{runResult}</p>
          )}
        </div>
      )}
      {shown?.error && (
        <p className="border-b border-red-100 bg-red-50 px-4 py-2 text-xs text-red-700">
          {shown.error}
        </p>
      )}
      {shown ? (
        <LogViewer
          key={shown.id}
          projectId={projectId}
          taskInstanceId={shown.id}
          exitCode={shown.exitCode}
          finished={isTaskFinal(shown.state)}
        />
      ) : (
        <div className="min-h-0 flex-1 space-y-4 overflow-y-auto p-4">
          {skipped ? (
            <div
              data-testid="drawer-skipped"
              className="rounded-md border border-dashed border-slate-300 bg-slate-50 px-3 py-2 text-sm"
            >
              <p className="font-medium text-slate-700">Skipped: {skipReason(skipped)}</p>
              <p className="mt-0.5 text-xs text-slate-500">
                It does not run in this instance, so it has no attempt and no log.
              </p>
            </div>
          ) : (
            <p className="text-sm text-slate-500">
              Not started yet — its log appears here as soon as it runs.
            </p>
          )}
          <TaskSummary task={task} />
        </div>
      )}
      <ConfirmDialog
        open={confirmForce}
        title={`Force ${task.name} to success?`}
        confirmLabel="Force success"
        destructive
        onConfirm={sendForce}
        onCancel={() => setConfirmForce(false)}
      >
        <p>
          Its {latest?.state ?? ""} attempt will be marked FORCED_SUCCESS and the instance resumes
          {downstreamCount > 0
            ? `: ${downstreamCount} downstream ${downstreamCount === 1 ? "task runs" : "tasks run"} as if it had succeeded.`
            : "; no task depends on it, so the instance can finish."}
        </p>
        <p className="mt-2">The failure stays in the history; this cannot be undone.</p>
      </ConfirmDialog>
    </aside>
  );
}
