"use client";

import { cn } from "~/_components/cn";
import { StateIcon } from "~/_components/state-badge";
import { stateStyle } from "~/_components/state-style";

export interface TimelineEvent {
  id: number;
  kind: string;
  taskCode: string | null;
  fromState: string | null;
  toState: string | null;
  message: string | null;
  actor: string | null;
  createdAt: string | Date;
}

const time = (v: string | Date) =>
  new Date(v).toLocaleString(undefined, {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hour12: false,
  });

/** instance_event as a readable history: who sent which command when, and every state change. */
export function InstanceTimeline({
  events,
  taskNames,
  loading,
}: {
  events: readonly TimelineEvent[];
  taskNames: ReadonlyMap<string, string>;
  loading: boolean;
}) {
  if (loading) return <p className="p-5 text-sm text-slate-500">Loading timeline…</p>;
  if (events.length === 0) return <p className="p-5 text-sm text-slate-500">No events yet.</p>;
  return (
    <ol className="space-y-0 p-5" data-testid="timeline" aria-label="Timeline">
      {[...events].reverse().map((e) => {
        const task = e.taskCode ? (taskNames.get(e.taskCode) ?? e.taskCode) : null;
        const rejected = e.kind === "command" && !!e.message?.includes(" rejected:");
        const s = stateStyle(e.toState);
        return (
          <li
            key={e.id}
            data-testid="timeline-event"
            data-kind={e.kind}
            className="grid grid-cols-[150px_24px_1fr] items-start gap-2 border-l-0 py-1.5 text-sm"
          >
            <time
              className="pt-0.5 font-mono text-xs text-slate-500"
              dateTime={new Date(e.createdAt).toISOString()}
            >
              {time(e.createdAt)}
            </time>
            <span
              className={cn(
                "mt-0.5 flex size-5 items-center justify-center rounded-full ring-1 ring-inset",
                e.kind === "command"
                  ? rejected
                    ? "bg-red-50 text-red-700 ring-red-300"
                    : "bg-sky-50 text-sky-700 ring-sky-300"
                  : s.badge,
              )}
              aria-hidden
            >
              {e.kind === "command" ? (
                <span className="text-[10px] font-bold">⌘</span>
              ) : (
                <StateIcon icon={s.icon} className="size-3" />
              )}
            </span>
            <span className="text-slate-700">
              {e.kind === "command" ? (
                <>
                  <span className="font-medium">{e.actor ?? "system"}</span> sent{" "}
                  <span className={cn("font-medium", rejected && "text-red-700")}>{e.message}</span>
                  {task && <> for task {task}</>}
                </>
              ) : e.kind === "workflowState" ? (
                <>
                  Instance {e.fromState && <>{e.fromState} → </>}
                  <span className="font-medium">{e.toState}</span>
                  {e.actor && <span className="text-slate-500"> by {e.actor}</span>}
                </>
              ) : e.kind === "taskState" ? (
                <>
                  Task <span className="font-medium">{task}</span>{" "}
                  {e.fromState && <>{e.fromState} → </>}
                  <span className="font-medium">{e.toState}</span>
                  {e.message && <span className="text-slate-500"> — {e.message}</span>}
                </>
              ) : (
                <>
                  <span className="font-medium">{e.kind}</span>
                  {task && <> · {task}</>}
                  {e.message && <> · {e.message}</>}
                </>
              )}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
