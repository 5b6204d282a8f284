"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { cn } from "~/_components/cn";
import { formatTime } from "~/_components/format";
import { ErrorText } from "~/_components/ui";
import { useTRPC } from "~/trpc/react";

const SOURCE_STYLE: Record<string, string> = {
  override: "bg-violet-50 text-violet-700 ring-violet-600/30",
  global: "bg-sky-50 text-sky-700 ring-sky-600/30",
  system: "bg-slate-100 text-slate-600 ring-slate-500/30",
};

/** The instance's params as tasks saw them, and the OUT params each task reported. */
export function InstanceParams({
  projectId,
  instanceId,
  eventId,
}: {
  projectId: string;
  instanceId: string;
  /** Refetches when the instance changes (a task may have reported OUT params). */
  eventId: number;
}) {
  const trpc = useTRPC();
  const q = useQuery(trpc.instance.params.queryOptions({ projectId, instanceId }));
  const { refetch } = q;
  useRefetchOn(eventId, refetch);

  if (q.isPending) return <p className="p-5 text-sm text-slate-500">Loading params…</p>;
  if (q.isError) {
    return (
      <div className="p-5">
        <ErrorText>Could not load params: {q.error.message}</ErrorText>
      </div>
    );
  }
  const { params, taskOut, timeZone, baseTime } = q.data;
  const order = { override: 0, global: 1, system: 2 } as Record<string, number>;
  const sorted = [...params].sort(
    (a, b) => (order[a.source] ?? 3) - (order[b.source] ?? 3) || a.name.localeCompare(b.name),
  );
  return (
    <div className="space-y-6 p-5" data-testid="params">
      <section>
        <h2 className="text-sm font-semibold">Workflow params</h2>
        <p className="mb-2 text-xs text-slate-500">
          Overrides given at start win over the workflow&apos;s globals, which win over system
          params. Time expressions resolve against {formatTime(baseTime)} ({timeZone}); a
          task&apos;s own and upstream OUT params sit between overrides and globals.
        </p>
        <table className="w-full overflow-hidden rounded-lg border border-slate-200 bg-white text-left text-sm">
          <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="px-3 py-2 font-medium">Name</th>
              <th className="px-3 py-2 font-medium">Value</th>
              <th className="px-3 py-2 font-medium">Resolved</th>
              <th className="px-3 py-2 font-medium">Source</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {sorted.map((p) => (
              <tr key={p.name} data-testid={`param-${p.name}`}>
                <td className="px-3 py-2 font-mono text-xs text-slate-800">{p.name}</td>
                <td
                  className="max-w-72 truncate px-3 py-2 font-mono text-xs text-slate-600"
                  title={p.value}
                >
                  {p.value}
                </td>
                <td className="max-w-72 truncate px-3 py-2 font-mono text-xs">
                  {p.error ? (
                    <span className="text-red-700">{p.error}</span>
                  ) : (
                    <span className="text-slate-900" title={p.resolved ?? undefined}>
                      {p.resolved}
                    </span>
                  )}
                </td>
                <td className="px-3 py-2">
                  <span
                    className={cn(
                      "rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset",
                      SOURCE_STYLE[p.source],
                    )}
                  >
                    {p.source}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section>
        <h2 className="mb-2 text-sm font-semibold">OUT params reported by tasks</h2>
        {taskOut.length === 0 ? (
          <p className="text-sm text-slate-500">
            No task has reported OUT params yet. A shell task reports one by printing{" "}
            <code className="rounded bg-slate-100 px-1">{"${setValue(name=value)}"}</code>.
          </p>
        ) : (
          <table className="w-full overflow-hidden rounded-lg border border-slate-200 bg-white text-left text-sm">
            <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th className="px-3 py-2 font-medium">Task</th>
                <th className="px-3 py-2 font-medium">Name</th>
                <th className="px-3 py-2 font-medium">Value</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {taskOut.flatMap((t) =>
                Object.entries(t.outParams).map(([name, value]) => (
                  <tr key={`${t.taskCode}:${name}`}>
                    <td className="px-3 py-2 text-slate-800">
                      {t.taskName}
                      {t.attempt > 1 && (
                        <span className="ml-1 text-xs text-slate-400">attempt {t.attempt}</span>
                      )}
                    </td>
                    <td className="px-3 py-2 font-mono text-xs">{name}</td>
                    <td className="px-3 py-2 font-mono text-xs text-slate-700">{value}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

/** Calls `refetch` whenever `key` changes after the first render. */
export function useRefetchOn(key: unknown, refetch: () => unknown) {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    void refetch();
  }, [key, refetch]);
}
