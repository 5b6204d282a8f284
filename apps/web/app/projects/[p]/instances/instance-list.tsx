"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { isWorkflowActive } from "@shoal/core";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { formatDuration, formatTime, shortId } from "~/_components/format";
import { StateBadge } from "~/_components/state-badge";
import { Button, EmptyState, ErrorText, PageHeader } from "~/_components/ui";
import { useTRPC } from "~/trpc/react";

export function InstanceList({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const list = useInfiniteQuery(
    trpc.instance.list.infiniteQueryOptions(
      { projectId, limit: 50 },
      {
        getNextPageParam: (last) => last.nextCursor,
        // Keep rows fresh while something is still running.
        refetchInterval: (q) =>
          q.state.data?.pages.some((p) => p.items.some((i) => isWorkflowActive(i.state)))
            ? 3000
            : false,
      },
    ),
  );
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <>
      <PageHeader title="Instances">
        Every run of every workflow in this project, newest first.
      </PageHeader>
      {list.isPending ? (
        <p className="text-sm text-slate-500">Loading instances…</p>
      ) : list.isError ? (
        <ErrorText>Could not load instances: {list.error.message}</ErrorText>
      ) : rows.length === 0 ? (
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
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th className="px-4 py-2 font-medium">Workflow</th>
                <th className="px-4 py-2 font-medium">State</th>
                <th className="px-4 py-2 font-medium">Instance</th>
                <th className="px-4 py-2 font-medium">Version</th>
                <th className="px-4 py-2 font-medium">Run type</th>
                <th className="px-4 py-2 font-medium">Started</th>
                <th className="px-4 py-2 font-medium">Duration</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((i) => {
                const href = `/projects/${projectId}/instances/${i.id}`;
                return (
                  <tr
                    key={i.id}
                    data-testid={`instance-row-${i.id}`}
                    onClick={() => router.push(href)}
                    className="cursor-pointer hover:bg-slate-50"
                  >
                    <td className="px-4 py-2.5">
                      <Link
                        href={href}
                        className="font-medium text-sky-700 hover:underline"
                        onClick={(e) => e.stopPropagation()}
                      >
                        {i.workflowName}
                      </Link>
                    </td>
                    <td className="px-4 py-2.5">
                      <StateBadge state={i.state} />
                    </td>
                    <td className="px-4 py-2.5 font-mono text-xs text-slate-500">
                      #{shortId(i.id)}
                    </td>
                    <td className="px-4 py-2.5 text-slate-600">v{i.workflowVersion}</td>
                    <td className="px-4 py-2.5 text-slate-600">{i.runType}</td>
                    <td className="px-4 py-2.5 text-slate-600">
                      {formatTime(i.startTime ?? i.createdAt)}
                    </td>
                    <td className="px-4 py-2.5 text-slate-600">
                      {formatDuration(i.startTime, i.endTime)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {list.hasNextPage && (
            <div className="border-t border-slate-100 p-3 text-center">
              <Button onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
                {list.isFetchingNextPage ? "Loading…" : "Load more"}
              </Button>
            </div>
          )}
        </div>
      )}
    </>
  );
}
