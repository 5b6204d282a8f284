"use client";

import { useSubscription } from "@trpc/tanstack-react-query";
import { useLayoutEffect, useRef, useState } from "react";
import { cn } from "~/_components/cn";
import { useTRPC } from "~/trpc/react";

/** `<ISO timestamp>\t<text>` → parts; lines without a tab are all text. */
export function splitLogLine(line: string): { time: string | null; text: string } {
  const tab = line.indexOf("\t");
  if (tab <= 0) return { time: null, text: line };
  const iso = line.slice(0, tab);
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return { time: null, text: line };
  const time = `${d.toLocaleTimeString(undefined, { hour12: false })}.${String(d.getMilliseconds()).padStart(3, "0")}`;
  return { time, text: line.slice(tab + 1) };
}

export interface LogViewerProps {
  projectId: string;
  taskInstanceId: string;
  /** Exit code of the attempt once it finished (from the instance's live snapshot). */
  exitCode: number | null;
  finished: boolean;
}

/**
 * Live log of one task attempt: subscribes to `task.onLog` (resuming from the last event id after a
 * reconnect), appends lines as they arrive and keeps the view pinned to the bottom unless the user
 * scrolled up. Mount it with `key={taskInstanceId}`.
 */
export function LogViewer({ projectId, taskInstanceId, exitCode, finished }: LogViewerProps) {
  const trpc = useTRPC();
  const [lines, setLines] = useState<string[]>([]);
  const [done, setDone] = useState(false);
  const seen = useRef(new Set<string>());
  const box = useRef<HTMLDivElement>(null);
  const stick = useRef(true);

  const sub = useSubscription(
    trpc.task.onLog.subscriptionOptions(
      { projectId, taskInstanceId },
      {
        onData: (event) => {
          if (seen.current.has(event.id)) return;
          seen.current.add(event.id);
          const batch = event.data;
          setLines((prev) =>
            batch.reset ? [...batch.lines] : batch.lines.length ? prev.concat(batch.lines) : prev,
          );
          if (batch.done) setDone(true);
        },
      },
    ),
  );

  useLayoutEffect(() => {
    const el = box.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [lines, done]);

  const ended = done || (finished && sub.status === "idle");
  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div
        ref={box}
        data-testid="log-lines"
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
        className="min-h-0 flex-1 overflow-auto bg-slate-950 py-2 font-mono text-xs leading-5 text-slate-100"
      >
        {lines.length === 0 && (
          <p className="px-3 text-slate-500">
            {ended ? "(no output)" : sub.status === "error" ? "" : "Waiting for output…"}
          </p>
        )}
        <table className="w-full border-collapse">
          <tbody>
            {lines.map((line, i) => {
              const { time, text } = splitLogLine(line);
              return (
                <tr key={i} className="align-top hover:bg-white/5">
                  <td className="w-px select-none whitespace-nowrap pr-3 pl-3 text-slate-500">
                    {time ?? ""}
                  </td>
                  <td className="whitespace-pre-wrap break-all pr-3">{text}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="flex items-center justify-between gap-3 border-t border-slate-200 bg-white px-4 py-2 text-xs">
        <span className="text-slate-500">
          {lines.length} line{lines.length === 1 ? "" : "s"}
          {sub.status === "error" && (
            <span className="ml-2 text-red-600">log stream error: {sub.error?.message}</span>
          )}
          {!ended && sub.status === "connecting" && <span className="ml-2">connecting…</span>}
        </span>
        {finished && exitCode !== null ? (
          <span
            data-testid="log-exit-code"
            className={cn("font-medium", exitCode === 0 ? "text-emerald-700" : "text-red-700")}
          >
            Exit code {exitCode}
          </span>
        ) : ended ? (
          <span className="text-slate-500">Log complete</span>
        ) : (
          <span className="flex items-center gap-1.5 text-blue-700">
            <span className="size-1.5 rounded-full bg-blue-600" /> live
          </span>
        )}
      </div>
    </div>
  );
}
