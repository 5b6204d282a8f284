"use client";

import { useQuery } from "@tanstack/react-query";
import { ReactFlowProvider } from "@xyflow/react";
import type { WorkflowDefinition } from "@shoal/core";
import { useEffect, useRef } from "react";
import { ErrorText } from "~/_components/ui";
import { useTRPC } from "~/trpc/react";
import { Canvas } from "./canvas";
import { DocumentActions } from "./editor-actions";
import { CanvasMessageBar, EditorErrors } from "./editor-errors";
import { Palette } from "./palette";
import { useEditorStore } from "./store";
import { TaskPanel } from "./task-panel";
import { DiffSidePanel, showDiff, VersionBar } from "./version-view";
import { useViewMode } from "./view-mode";

/**
 * The workflow editor: palette, canvas, task panel and toolbar, for one workflow of one project. With
 * `version` it shows that saved version read-only; with `diffAgainst` too, what changed since that one.
 */
export function WorkflowEditor({
  projectId,
  workflowId,
  version,
  diffAgainst,
}: {
  projectId: string;
  workflowId: string;
  version?: number;
  diffAgainst?: number;
}) {
  const trpc = useTRPC();
  const workflow = useQuery({
    ...trpc.workflow.byId.queryOptions({ projectId, workflowId, version }),
    refetchOnWindowFocus: false,
    refetchOnMount: "always",
  });
  const base = useQuery({
    ...trpc.workflow.byId.queryOptions({ projectId, workflowId, version: diffAgainst ?? 0 }),
    enabled: diffAgainst !== undefined,
    refetchOnWindowFocus: false,
  });
  const load = useEditorStore((s) => s.load);
  const loadedFor = useRef<string | null>(null);
  const readOnly = version !== undefined;

  // Load the canvas once per mount, from a fetch made after mounting (never from an older cache entry).
  useEffect(() => {
    if (!workflow.data || !workflow.isFetchedAfterMount || loadedFor.current === workflowId) return;
    if (diffAgainst !== undefined && !base.data) return;
    loadedFor.current = workflowId;
    load(workflow.data.definition, workflow.data.version);
    useViewMode.getState().set({ readOnly });
    if (base.data) showDiff(base.data.definition, workflow.data.definition);
  }, [
    workflow.data,
    workflow.isFetchedAfterMount,
    workflowId,
    load,
    readOnly,
    diffAgainst,
    base.data,
  ]);
  useEffect(() => () => useViewMode.getState().set({ readOnly: false }), []);

  if (workflow.isPending || (!workflow.isFetchedAfterMount && workflow.isFetching)) {
    return <p className="p-6 text-sm text-slate-500">Loading workflow…</p>;
  }
  if (workflow.isError || base.isError) {
    return (
      <div className="p-6">
        <ErrorText>
          Could not load the workflow: {(workflow.error ?? base.error)?.message}
        </ErrorText>
      </div>
    );
  }
  return (
    <ReactFlowProvider>
      <div className="flex h-full min-h-0 flex-col">
        {readOnly ? (
          <VersionBar
            projectId={projectId}
            workflowId={workflowId}
            name={workflow.data.workflow.name}
            version={workflow.data.version}
            currentVersion={workflow.data.workflow.currentVersion}
            diffAgainst={diffAgainst}
          />
        ) : (
          <Toolbar
            projectId={projectId}
            workflowId={workflowId}
            name={workflow.data.workflow.name}
            savedDefinition={workflow.data.definition}
          />
        )}
        <div className="flex min-h-0 flex-1">
          {!readOnly ? (
            <Palette />
          ) : base.data ? (
            <DiffSidePanel before={base.data.definition} after={workflow.data.definition} />
          ) : null}
          <div className="relative min-w-0 flex-1 bg-slate-50">
            <Canvas />
            <CanvasMessageBar />
            <EditorErrors />
          </div>
          {diffAgainst === undefined && <TaskPanel />}
        </div>
      </div>
    </ReactFlowProvider>
  );
}

function Toolbar({
  projectId,
  workflowId,
  name,
  savedDefinition,
}: {
  projectId: string;
  workflowId: string;
  name: string;
  savedDefinition: WorkflowDefinition;
}) {
  const version = useEditorStore((s) => s.version);
  const dirty = useEditorStore((s) => s.dirty);
  return (
    <div className="flex shrink-0 flex-wrap items-center gap-3 border-b border-slate-200 bg-white px-4 py-2">
      <h1 className="truncate text-base font-semibold" title={name}>
        {name}
      </h1>
      <span
        data-testid="version-badge"
        className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600 ring-1 ring-slate-200 ring-inset"
        title={version > 0 ? `Saved as version ${version}` : "Never saved"}
      >
        {version > 0 ? `v${version}` : "draft"}
      </span>
      {dirty && (
        <span data-testid="dirty-indicator" className="text-xs text-amber-700">
          ● Unsaved changes
        </span>
      )}
      <div className="ml-auto flex items-center gap-2">
        <DocumentActions
          projectId={projectId}
          workflowId={workflowId}
          name={name}
          savedDefinition={savedDefinition}
        />
      </div>
    </div>
  );
}
