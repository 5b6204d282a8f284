"use client";

import { useQuery } from "@tanstack/react-query";
import { diffWorkflows } from "@shoal/core";
import Link from "next/link";
import { useMemo, useState } from "react";
import { formatTime } from "~/_components/format";
import { EmptyState, ErrorText, PageHeader } from "~/_components/ui";
import { useTRPC } from "~/trpc/react";
import { DiffList, namesOf } from "./diff-list";
import { MakeCurrentButton } from "./version-view";

const linkClass = "text-sm font-medium text-sky-700 hover:underline";

/** /projects/[p]/workflows/[w]/versions: every saved version, make one current, diff any two. */
export function VersionsView({ projectId, workflowId }: { projectId: string; workflowId: string }) {
  const trpc = useTRPC();
  const workflow = useQuery(trpc.workflow.byId.queryOptions({ projectId, workflowId }));
  const versions = useQuery(trpc.workflow.versions.queryOptions({ projectId, workflowId }));
  const [pick, setPick] = useState<{ from?: number; to?: number }>({});
  const base = `/projects/${projectId}/workflows/${workflowId}`;

  const list = versions.data ?? [];
  // By default compare the newest version with the one before it.
  const to = pick.to ?? list[0]?.version;
  const from = pick.from ?? list.find((v) => v.version !== to)?.version;

  return (
    <>
      <PageHeader
        title={
          <>
            <Link href={base} className="text-sky-700 hover:underline">
              {workflow.data?.workflow.name ?? "Workflow"}
            </Link>{" "}
            <span className="text-slate-400">/</span> Versions
          </>
        }
      >
        Every save is a version. Making an older one current switches runs and the editor to it
        (nothing is deleted; the next save becomes the newest version).
      </PageHeader>
      {versions.isPending ? (
        <p className="text-sm text-slate-500">Loading versions…</p>
      ) : versions.isError ? (
        <ErrorText>Could not load versions: {versions.error.message}</ErrorText>
      ) : list.length === 0 ? (
        <EmptyState title="No versions yet">
          <p>
            Save the workflow in the <Link href={base}>editor</Link> to create version 1.
          </p>
        </EmptyState>
      ) : (
        <div className="space-y-6">
          <div className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-xs">
            <table className="w-full text-left text-sm" data-testid="versions-table">
              <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
                <tr>
                  <th className="px-4 py-2 font-medium">Version</th>
                  <th className="px-4 py-2 font-medium">Saved by</th>
                  <th className="px-4 py-2 font-medium">When</th>
                  <th className="px-4 py-2 font-medium">Tasks</th>
                  <th className="px-4 py-2 font-medium" title="Compare from (older) and to (newer)">
                    Compare
                  </th>
                  <th className="px-4 py-2 font-medium">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {list.map((v) => (
                  <tr key={v.version} data-testid={`version-row-${v.version}`}>
                    <td className="px-4 py-2.5 font-medium">
                      v{v.version}
                      {v.current && (
                        <span
                          data-testid="current-badge"
                          className="ml-2 rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-700 ring-1 ring-emerald-200"
                        >
                          current
                        </span>
                      )}
                    </td>
                    <td className="px-4 py-2.5 text-slate-600">{v.createdBy ?? "—"}</td>
                    <td className="px-4 py-2.5 text-slate-600">{formatTime(v.createdAt)}</td>
                    <td className="px-4 py-2.5 text-slate-600">{v.taskCount}</td>
                    <td className="px-4 py-2.5">
                      <label className="mr-3 inline-flex items-center gap-1 text-xs">
                        <input
                          type="radio"
                          name="from"
                          data-testid={`diff-from-${v.version}`}
                          checked={from === v.version}
                          onChange={() => setPick({ from: v.version, to })}
                        />
                        from
                      </label>
                      <label className="inline-flex items-center gap-1 text-xs">
                        <input
                          type="radio"
                          name="to"
                          data-testid={`diff-to-${v.version}`}
                          checked={to === v.version}
                          onChange={() => setPick({ from, to: v.version })}
                        />
                        to
                      </label>
                    </td>
                    <td className="space-x-3 px-4 py-2.5 text-right whitespace-nowrap">
                      <Link
                        href={v.current ? base : `${base}?version=${v.version}`}
                        className={linkClass}
                        data-testid={`open-version-${v.version}`}
                      >
                        {v.current ? "Edit" : "Open"}
                      </Link>
                      {!v.current && (
                        <MakeCurrentButton
                          projectId={projectId}
                          workflowId={workflowId}
                          version={v.version}
                          onDone={() => undefined}
                        />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {from !== undefined && to !== undefined && from !== to ? (
            <VersionDiff
              projectId={projectId}
              workflowId={workflowId}
              from={from}
              to={to}
              canvasHref={`${base}?version=${to}&diff=${from}`}
            />
          ) : (
            <p className="text-sm text-slate-500">
              {list.length === 1
                ? "Only one version so far: save again to compare."
                : "Pick two different versions to compare."}
            </p>
          )}
        </div>
      )}
    </>
  );
}

function VersionDiff({
  projectId,
  workflowId,
  from,
  to,
  canvasHref,
}: {
  projectId: string;
  workflowId: string;
  from: number;
  to: number;
  canvasHref: string;
}) {
  const trpc = useTRPC();
  const a = useQuery(trpc.workflow.byId.queryOptions({ projectId, workflowId, version: from }));
  const b = useQuery(trpc.workflow.byId.queryOptions({ projectId, workflowId, version: to }));
  const before = a.data?.definition;
  const after = b.data?.definition;
  const diff = useMemo(
    () => (before && after ? diffWorkflows(before, after) : null),
    [before, after],
  );
  return (
    <section
      data-testid="version-diff"
      className="rounded-xl border border-slate-200 bg-white p-4 shadow-xs"
    >
      <div className="mb-3 flex items-center justify-between">
        <h2 className="text-sm font-semibold">
          Changes from v{from} to v{to}
        </h2>
        <Link href={canvasHref} className={linkClass} data-testid="diff-on-canvas">
          Show on the canvas
        </Link>
      </div>
      {a.isError || b.isError ? (
        <ErrorText>Could not load a version: {(a.error ?? b.error)?.message}</ErrorText>
      ) : !diff || !before || !after ? (
        <p className="text-sm text-slate-500">Loading…</p>
      ) : (
        <DiffList diff={diff} names={namesOf(before, after)} />
      )}
    </section>
  );
}
