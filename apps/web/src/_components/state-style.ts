import type { TaskInstanceState, WorkflowInstanceState } from "@shoal/core";

export type AnyState = TaskInstanceState | WorkflowInstanceState;
export type StateIcon =
  "check" | "cross" | "spinner" | "clock" | "pause" | "stop" | "arrows" | "queue" | "dot" | "skip";

export interface StateStyle {
  label: string;
  icon: StateIcon;
  /** Badge: background, text and ring colours. */
  badge: string;
  /** Graph node: border and background. */
  node: string;
  /** Solid colour, for bars and dots. */
  solid: string;
  /** Shown on hover: what the state means. */
  hint: string;
}

const green = {
  badge: "bg-emerald-50 text-emerald-700 ring-emerald-600/30",
  node: "border-emerald-500 bg-emerald-50",
  solid: "bg-emerald-500",
};
const red = {
  badge: "bg-red-50 text-red-700 ring-red-600/30",
  node: "border-red-500 bg-red-50",
  solid: "bg-red-500",
};
const blue = {
  badge: "bg-blue-50 text-blue-700 ring-blue-600/30",
  node: "border-blue-500 bg-blue-50",
  solid: "bg-blue-500",
};
const waiting = {
  badge: "bg-slate-100 text-slate-600 ring-slate-500/30",
  node: "border-slate-400 bg-slate-50",
  solid: "bg-slate-400",
};
const amber = {
  badge: "bg-amber-50 text-amber-800 ring-amber-600/30",
  node: "border-amber-500 bg-amber-50",
  solid: "bg-amber-500",
};
const dark = {
  badge: "bg-zinc-200 text-zinc-800 ring-zinc-700/30",
  node: "border-zinc-700 bg-zinc-100",
  solid: "bg-zinc-700",
};
const purple = {
  badge: "bg-purple-50 text-purple-700 ring-purple-600/30",
  node: "border-purple-500 bg-purple-50",
  solid: "bg-purple-500",
};
const grey = {
  badge: "bg-gray-100 text-gray-600 ring-gray-500/30",
  node: "border-gray-400 bg-gray-50",
  solid: "bg-gray-400",
};

/** One look per state everywhere (UI.md "States, one look everywhere"). */
export const STATE_STYLES: Record<AnyState, StateStyle> = {
  SUCCESS: { label: "Success", icon: "check", ...green, hint: "finished successfully" },
  FORCED_SUCCESS: {
    label: "Forced success",
    icon: "check",
    ...green,
    badge: "bg-white text-emerald-700 ring-emerald-600 ring-2",
    node: "border-emerald-500 border-dashed bg-white",
    hint: "marked successful by a user",
  },
  FAILURE: { label: "Failure", icon: "cross", ...red, hint: "failed" },
  RUNNING: { label: "Running", icon: "spinner", ...blue, hint: "running" },
  SUBMITTED: {
    label: "Submitted",
    icon: "clock",
    ...waiting,
    hint: "waiting: submitted, not yet dispatched",
  },
  DISPATCHED: {
    label: "Dispatched",
    icon: "clock",
    ...waiting,
    hint: "waiting: queued for a worker",
  },
  DELAY_EXECUTION: {
    label: "Delayed",
    icon: "clock",
    ...waiting,
    hint: "waiting: delayed execution",
  },
  READY_PAUSE: {
    label: "Pausing",
    icon: "pause",
    ...amber,
    hint: "pausing: running tasks finish, nothing new starts",
  },
  PAUSE: { label: "Paused", icon: "pause", ...amber, hint: "paused" },
  READY_STOP: {
    label: "Stopping",
    icon: "stop",
    ...dark,
    hint: "stopping: running tasks are being killed",
  },
  STOP: { label: "Stopped", icon: "stop", ...dark, hint: "stopped" },
  KILL: { label: "Killed", icon: "stop", ...dark, hint: "killed" },
  NEED_FAILOVER: {
    label: "Needs failover",
    icon: "arrows",
    ...purple,
    hint: "its worker died; will be re-dispatched",
  },
  SERIAL_WAIT: {
    label: "Serial wait",
    icon: "queue",
    ...grey,
    hint: "waiting for an earlier run of this workflow",
  },
};

export const NOT_STARTED_STYLE: StateStyle = {
  label: "Not started",
  icon: "dot",
  badge: "bg-white text-slate-500 ring-slate-300",
  node: "border-slate-300 bg-white",
  solid: "bg-slate-200",
  hint: "not started yet",
};

/**
 * A task on a branch a switch/conditions task did not take: it has no attempt (UI shows it as the
 * pseudo-state SKIPPED). Muted and dashed, with its own icon and label.
 */
export const SKIPPED_STYLE: StateStyle = {
  label: "Skipped",
  icon: "skip",
  badge: "border border-dashed border-slate-400 bg-slate-50 text-slate-500 ring-transparent",
  node: "border-slate-300 border-dashed bg-slate-100 opacity-75",
  solid: "bg-slate-100",
  hint: "skipped: on a branch not taken",
};

export function stateStyle(state: string | null | undefined): StateStyle {
  if (!state) return NOT_STARTED_STYLE;
  return (STATE_STYLES as Record<string, StateStyle>)[state] ?? NOT_STARTED_STYLE;
}
