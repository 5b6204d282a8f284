"use client";

import { useMutation } from "@tanstack/react-query";
import {
  isTaskActive,
  isTaskFailed,
  transitionWorkflow,
  type TaskInstanceState,
  type WorkflowEvent,
  type WorkflowInstanceState,
} from "@shoal/core";
import { useState, type ReactNode } from "react";
import { Button, Spinner } from "~/_components/ui";
import { useTRPC } from "~/trpc/react";
import { ConfirmDialog } from "./confirm-dialog";
import type { PendingCommand } from "./pending-command";

type Action = "pause" | "stop" | "recoverPaused" | "recoverFailed" | "rerun";

interface ActionSpec {
  label: string;
  pendingLabel: string;
  command: string;
  event: WorkflowEvent;
  variant?: "danger" | "primary";
  /** What will happen, shown in the confirmation; none = no confirmation needed. */
  confirm?: (counts: Counts) => ReactNode;
}
interface Counts {
  active: number;
  running: number;
  failed: number;
  total: number;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const ACTIONS: Record<Action, ActionSpec> = {
  pause: {
    label: "Pause",
    pendingLabel: "Pausing…",
    command: "PAUSE",
    event: { type: "pause" },
  },
  stop: {
    label: "Stop",
    pendingLabel: "Stopping…",
    command: "STOP",
    event: { type: "stop" },
    variant: "danger",
    confirm: (c) => (
      <>
        <p>
          {c.running > 0
            ? `${plural(c.running, "running task")} will be killed.`
            : "No task is running right now."}{" "}
          {c.active - c.running > 0 &&
            `${plural(c.active - c.running, "waiting task")} will not start.`}
        </p>
        <p className="mt-2">The instance ends STOP; Recover continues it later.</p>
      </>
    ),
  },
  recoverPaused: {
    label: "Recover",
    pendingLabel: "Recovering…",
    command: "RECOVER_PAUSED",
    event: { type: "recoverPaused" },
    variant: "primary",
  },
  recoverFailed: {
    label: "Recover failed",
    pendingLabel: "Recovering…",
    command: "RECOVER_FAILED",
    event: { type: "recoverFailed" },
    variant: "primary",
    confirm: (c) => (
      <p>
        {plural(c.failed, "failed or killed task")} and everything downstream of them run again as
        new attempts; tasks that succeeded are kept.
      </p>
    ),
  },
  rerun: {
    label: "Rerun",
    pendingLabel: "Rerunning…",
    command: "RERUN",
    event: { type: "rerun" },
    confirm: (c) => (
      <p>
        All {plural(c.total, "task")} run again from the start as new attempts. Earlier attempts and
        their logs stay in the history.
      </p>
    ),
  },
};

const ORDER: Action[] = ["pause", "stop", "recoverPaused", "recoverFailed", "rerun"];

/**
 * The instance's command buttons. Each is enabled only when the engine's workflow machine accepts its
 * event in the current state (the disabled button says why on hover); after a click it shows the
 * pending command until the state changes or the engine rejects it.
 */
export function InstanceActions({
  projectId,
  instanceId,
  state,
  tasks,
  eventId,
  pending,
  onPending,
  readOnly = false,
}: {
  projectId: string;
  instanceId: string;
  state: WorkflowInstanceState;
  tasks: readonly { state: TaskInstanceState }[];
  eventId: number;
  pending: PendingCommand | null;
  onPending: (p: PendingCommand | null, error?: string) => void;
  /** A viewer: every button disabled. */
  readOnly?: boolean;
}) {
  const trpc = useTRPC();
  const [confirming, setConfirming] = useState<Action | null>(null);
  const opts = {
    onError: (e: { message: string }) => onPending(null, e.message),
  };
  const mutations = {
    pause: useMutation(trpc.instance.pause.mutationOptions(opts)),
    stop: useMutation(trpc.instance.stop.mutationOptions(opts)),
    recoverPaused: useMutation(trpc.instance.recoverPaused.mutationOptions(opts)),
    recoverFailed: useMutation(trpc.instance.recoverFailed.mutationOptions(opts)),
    rerun: useMutation(trpc.instance.rerun.mutationOptions(opts)),
  };
  const counts: Counts = {
    active: tasks.filter((t) => isTaskActive(t.state)).length,
    running: tasks.filter((t) => t.state === "RUNNING").length,
    failed: tasks.filter((t) => isTaskFailed(t.state)).length,
    total: tasks.length,
  };

  const send = (a: Action) => {
    setConfirming(null);
    const spec = ACTIONS[a];
    onPending({
      type: spec.command,
      label: spec.pendingLabel,
      sinceEventId: eventId,
      fromState: state,
    });
    mutations[a].mutate({ projectId, instanceId });
  };

  return (
    <div className="flex flex-wrap items-center gap-2" role="toolbar" aria-label="Instance actions">
      {ORDER.map((a) => {
        const spec = ACTIONS[a];
        const verdict = transitionWorkflow(state, spec.event);
        const isPending = pending?.type === spec.command;
        const disabled = readOnly || !verdict.ok || (!!pending && !pending.taskCode);
        return (
          <Button
            key={a}
            variant={verdict.ok && !pending ? spec.variant : undefined}
            disabled={disabled}
            title={
              readOnly ? "viewers cannot send commands" : verdict.ok ? undefined : verdict.reason
            }
            aria-busy={isPending || undefined}
            onClick={() => (spec.confirm ? setConfirming(a) : send(a))}
          >
            {isPending && <Spinner className="size-3.5" />}
            {isPending ? spec.pendingLabel : spec.label}
          </Button>
        );
      })}
      {confirming && (
        <ConfirmDialog
          open
          title={`${ACTIONS[confirming].label} this instance?`}
          confirmLabel={ACTIONS[confirming].label}
          destructive={ACTIONS[confirming].variant === "danger"}
          onConfirm={() => send(confirming)}
          onCancel={() => setConfirming(null)}
        >
          {ACTIONS[confirming].confirm?.(counts)}
        </ConfirmDialog>
      )}
    </div>
  );
}
