"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { Button, ErrorText, Spinner } from "~/_components/ui";
import { useTRPC } from "~/trpc/react";
import { diffCanvas } from "./diff-canvas";
import { DiffList, namesOf } from "./diff-list";
import { useEditorStore } from "./store";
import { useViewMode } from "./view-mode";

/** Puts "what changed from `before` to `after`" on the canvas (after `after` was loaded). */
export function showDiff(before: unknown, after: unknown) {
  const d = diffCanvas(before, after);
  useEditorStore.setState({ nodes: d.nodes, edges: d.edges, dirty: false });
  useViewMode.getState().set({ readOnly: true, diff: d.marks });
}

const linkClass = "rounded-md px-3 py-1.5 text-sm font-medium text-slate-600 hover:bg-slate-100";

/** Toolbar of a read-only version (or version diff): where you are, make current, back to editing. */
export function VersionBar({
  projectId,
  workflowId,
  name,
  version,
  currentVersion,
  diffAgainst,
}: {
  projectId: string;
  workflowId: string;
  name: string;
  version: number;
  currentVersion: number;
  diffAgainst?: number;
}) {
  const base = `/projects/${projectId}/workflows/${workflowId}`;
  return (
    <>
      <div
        data-testid="version-bar"
        className="flex shrink-0 flex-wrap items-center gap-3 border-b border-amber-200 bg-amber-50 px-4 py-2"
      >
        <h1 className="truncate text-base font-semibold" title={name}>
          {name}
        </h1>
        <span
          data-testid="version-badge"
          className="rounded-full bg-white px-2 py-0.5 text-xs font-medium text-slate-700 ring-1 ring-amber-300 ring-inset"
        >
          v{version}
          {version === currentVersion && " · current"}
        </span>
        <span className="text-xs text-amber-800">
          {diffAgainst !== undefined
            ? `Read-only: changes from v${diffAgainst} to v${version}`
            : "Read-only: an older version"}
        </span>
        {diffAgainst !== undefined && <DiffLegend />}
        <div className="ml-auto flex items-center gap-2">
          <Link href={`${base}/versions`} className={linkClass} data-testid="versions-link">
            All versions
          </Link>
          {version !== currentVersion && (
            <MakeCurrentButton projectId={projectId} workflowId={workflowId} version={version} />
          )}
          <Link href={base} className={linkClass} data-testid="open-current">
            Edit current (v{currentVersion})
          </Link>
        </div>
      </div>
    </>
  );
}

/** Left-hand list of a version diff, beside the highlighted canvas. */
export function DiffSidePanel({ before, after }: { before: unknown; after: unknown }) {
  const diff = useMemo(() => diffCanvas(before, after).diff, [before, after]);
  const names = useMemo(() => namesOf(tasksOf(before), tasksOf(after)), [before, after]);
  return (
    <aside
      aria-label="Changes"
      className="w-80 shrink-0 overflow-y-auto border-r border-slate-200 bg-white p-3"
    >
      <h2 className="mb-2 text-sm font-semibold">Changes</h2>
      <DiffList diff={diff} names={names} />
    </aside>
  );
}

function tasksOf(d: unknown): { tasks: { code: string; name: string }[] } {
  const tasks = (d as { tasks?: unknown } | null)?.tasks;
  return { tasks: Array.isArray(tasks) ? (tasks as { code: string; name: string }[]) : [] };
}

function DiffLegend() {
  return (
    <span className="flex items-center gap-2 text-xs" aria-label="Legend">
      <span className="rounded bg-emerald-100 px-1.5 text-emerald-800 ring-1 ring-emerald-300">
        added
      </span>
      <span className="rounded bg-red-100 px-1.5 text-red-800 ring-1 ring-red-300">removed</span>
      <span className="rounded bg-amber-100 px-1.5 text-amber-800 ring-1 ring-amber-300">
        changed
      </span>
    </span>
  );
}

/** Switches the workflow's current version to `version` (DolphinScheduler's "switch version"). */
export function MakeCurrentButton({
  projectId,
  workflowId,
  version,
  onDone,
}: {
  projectId: string;
  workflowId: string;
  version: number;
  onDone?: () => void;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const m = useMutation(
    trpc.workflow.makeCurrent.mutationOptions({
      onSuccess: async () => {
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.workflow.byId.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.workflow.versions.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.workflow.list.pathKey() }),
        ]);
        if (onDone) onDone();
        else router.push(`/projects/${projectId}/workflows/${workflowId}`);
      },
      onError: (e) => setError(e.message),
    }),
  );
  return (
    <>
      <Button
        variant="primary"
        data-testid={`make-current-${version}`}
        disabled={m.isPending}
        onClick={() => {
          setError(null);
          m.mutate({ projectId, workflowId, version });
        }}
        title="Runs and the editor use this version from now on; no version is deleted"
      >
        {m.isPending && <Spinner className="size-3.5" />}
        Make v{version} current
      </Button>
      {error && <ErrorText>{error}</ErrorText>}
    </>
  );
}
