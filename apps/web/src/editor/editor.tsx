"use client";

import { useQuery } from "@tanstack/react-query";
import { ReactFlowProvider } from "@xyflow/react";
import type { RouterOutputs } from "@shoal/api";
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

type WorkflowById = RouterOutputs["workflow"]["byId"];

/**
 * The workflow editor: palette, canvas, task panel and toolbar, for one workflow of one project. With
 * `version` it shows that saved version read-only; with `diffAgainst` too, what changed since that one.
 * `initial` is the workflow as the server rendered the page; it is refetched after mounting all the
 * same, since the router may replay an older render on Back.
 */
export function WorkflowEditor({
  projectId,
  workflowId,
  version,
  diffAgainst,
  initial,
}: {
  projectId: string;
  workflowId: string;
  version?: number;
  diffAgainst?: number;
  initial?: WorkflowById;
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
  const loaded = useRef(false);
  const readOnly = version !== undefined;
  // Never an older react-query cache entry: the server's render of this page, then what was fetched.
  const data = workflow.isFetchedAfterMount ? workflow.data : initial;

  // Load the canvas once per mount. A later fetch replaces it only if it holds another version and
  // nothing was edited yet (the server's render was replayed from the router's cache); refetches of
  // the version on the canvas (after a save, say) never reload it.
  useEffect(() => {
    if (!data || (diffAgainst !== undefined && !base.data)) return;
    if (loaded.current) {
      const s = useEditorStore.getState();
      if (s.version === data.version || s.dirty) return;
    }
    loaded.current = true;
    load(data.definition, data.version);
    useViewMode.getState().set({ readOnly });
    if (base.data) showDiff(base.data.definition, data.definition);
  }, [data, load, readOnly, diffAgainst, base.data]);
  useEffect(() => () => useViewMode.getState().set({ readOnly: false }), []);

  if (workflow.isError || base.isError) {
    return (
      <div className="p-6">
        <ErrorText>
          Could not load the workflow: {(workflow.error ?? base.error)?.message}
        </ErrorText>
      </div>
    );
  }
  if (!data) return <p className="p-6 text-sm text-slate-500">Loading workflow…</p>;
  return (
    <ReactFlowProvider>
      <div className="flex h-full min-h-0 flex-col">
        {readOnly ? (
          <VersionBar
            projectId={projectId}
            workflowId={workflowId}
            name={data.workflow.name}
            version={data.version}
            currentVersion={data.workflow.currentVersion}
            diffAgainst={diffAgainst}
          />
        ) : (
          <Toolbar
            projectId={projectId}
            workflowId={workflowId}
            name={data.workflow.name}
            savedDefinition={data.definition}
          />
        )}
        <div className="flex min-h-0 flex-1">
          {!readOnly ? (
            <Palette />
          ) : base.data ? (
            <DiffSidePanel before={base.data.definition} after={data.definition} />
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
