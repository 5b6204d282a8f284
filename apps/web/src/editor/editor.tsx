"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ReactFlowProvider } from "@xyflow/react";
import type { ValidationIssue } from "@shoal/core";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { Button, ErrorText, Spinner } from "~/_components/ui";
import { useTRPC } from "~/trpc/react";
import { Canvas } from "./canvas";
import { CanvasMessageBar, EditorErrors } from "./editor-errors";
import { JsonDialog } from "./json-dialog";
import { Palette } from "./palette";
import { currentDefinition, useEditorStore } from "./store";
import { TaskPanel } from "./task-panel";

function issuesOf(error: unknown): ValidationIssue[] | null {
  const data = (error as { data?: { issues?: unknown } } | null)?.data;
  return Array.isArray(data?.issues) ? (data.issues as ValidationIssue[]) : null;
}

/** The workflow editor: palette, canvas, task panel and toolbar, for one workflow of one project. */
export function WorkflowEditor({
  projectId,
  workflowId,
}: {
  projectId: string;
  workflowId: string;
}) {
  const trpc = useTRPC();
  const workflow = useQuery({
    ...trpc.workflow.byId.queryOptions({ projectId, workflowId }),
    refetchOnWindowFocus: false,
    refetchOnMount: "always",
  });
  const load = useEditorStore((s) => s.load);
  const loadedFor = useRef<string | null>(null);

  // Load the canvas once per mount, from a fetch made after mounting (never from an older cache entry).
  useEffect(() => {
    if (!workflow.data || !workflow.isFetchedAfterMount || loadedFor.current === workflowId) return;
    loadedFor.current = workflowId;
    load(workflow.data.definition, workflow.data.version);
  }, [workflow.data, workflow.isFetchedAfterMount, workflowId, load]);

  if (workflow.isPending || (!workflow.isFetchedAfterMount && workflow.isFetching)) {
    return <p className="p-6 text-sm text-slate-500">Loading workflow…</p>;
  }
  if (workflow.isError) {
    return (
      <div className="p-6">
        <ErrorText>Could not load the workflow: {workflow.error.message}</ErrorText>
      </div>
    );
  }
  return (
    <ReactFlowProvider>
      <div className="flex h-full min-h-0 flex-col">
        <Toolbar projectId={projectId} workflowId={workflowId} name={workflow.data.workflow.name} />
        <div className="flex min-h-0 flex-1">
          <Palette />
          <div className="relative min-w-0 flex-1 bg-slate-50">
            <Canvas />
            <CanvasMessageBar />
            <EditorErrors />
          </div>
          <TaskPanel />
        </div>
      </div>
    </ReactFlowProvider>
  );
}

function Toolbar({
  projectId,
  workflowId,
  name,
}: {
  projectId: string;
  workflowId: string;
  name: string;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const version = useEditorStore((s) => s.version);
  const dirty = useEditorStore((s) => s.dirty);
  const taskCount = useEditorStore((s) => s.nodes.length);
  const relayout = useEditorStore((s) => s.relayout);
  const importDefinition = useEditorStore((s) => s.importDefinition);
  const [dialog, setDialog] = useState<null | { mode: "import" | "export"; text: string }>(null);
  const [runNote, setRunNote] = useState<string | null>(null);

  const saveMutation = useMutation(trpc.workflow.save.mutationOptions());
  const runMutation = useMutation(trpc.workflow.run.mutationOptions());

  /** Saves the canvas; resolves to the new version, or null when the server refused it. */
  const save = useCallback(async (): Promise<number | null> => {
    const definition = { ...currentDefinition(), name };
    const store = useEditorStore.getState();
    try {
      const { version: saved } = await saveMutation.mutateAsync({
        projectId,
        workflowId,
        definition,
      });
      store.saved(saved);
      queryClient.setQueryData(trpc.workflow.byId.queryKey({ projectId, workflowId }), (old) =>
        old
          ? {
              ...old,
              version: saved,
              definition,
              workflow: { ...old.workflow, currentVersion: saved },
            }
          : old,
      );
      void queryClient.invalidateQueries({ queryKey: trpc.workflow.list.queryKey({ projectId }) });
      return saved;
    } catch (error) {
      const issues = issuesOf(error);
      if (issues && issues.length > 0) store.refused(issues);
      else store.setSaveError(`Could not save: ${(error as Error).message}`);
      return null;
    }
  }, [saveMutation, projectId, workflowId, name, queryClient, trpc]);

  const run = async () => {
    setRunNote(null);
    const st = useEditorStore.getState();
    if (st.dirty || st.version === 0) {
      if ((await save()) === null) return;
    }
    try {
      const { instanceId } = await runMutation.mutateAsync({ projectId, workflowId });
      if (instanceId) router.push(`/projects/${projectId}/instances/${instanceId}`);
      else {
        setRunNote(
          "Run requested; no master has picked it up yet. It will appear under Instances.",
        );
        router.push(`/projects/${projectId}/instances`);
      }
    } catch (error) {
      const issues = issuesOf(error);
      if (issues?.length) useEditorStore.getState().refused(issues);
      else useEditorStore.getState().setSaveError(`Could not run: ${(error as Error).message}`);
    }
  };

  // Ctrl-S / Cmd-S saves, wherever the focus is inside the editor.
  const saveRef = useRef(save);
  saveRef.current = save;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") {
        e.preventDefault();
        void saveRef.current();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  // Leaving with unsaved changes asks first.
  useEffect(() => {
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (useEditorStore.getState().dirty) e.preventDefault();
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, []);

  const busy = saveMutation.isPending || runMutation.isPending;
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
      {runNote && <span className="text-xs text-slate-500">{runNote}</span>}
      <div className="ml-auto flex items-center gap-2">
        <Button
          variant="ghost"
          onClick={relayout}
          disabled={taskCount === 0}
          title="Arrange tasks left to right"
        >
          Layout
        </Button>
        <Button
          variant="ghost"
          data-testid="import-json"
          onClick={() =>
            setDialog({
              mode: "import",
              text: JSON.stringify({ name, tasks: [], edges: [] }, null, 2),
            })
          }
        >
          Import JSON
        </Button>
        <Button
          variant="ghost"
          data-testid="export-json"
          onClick={() =>
            setDialog({
              mode: "export",
              text: JSON.stringify({ ...currentDefinition(), name }, null, 2),
            })
          }
        >
          Export
        </Button>
        <Button
          data-testid="save-button"
          onClick={() => void save()}
          disabled={busy}
          title="Save (Ctrl-S)"
        >
          {saveMutation.isPending && <Spinner className="size-3.5" />}
          Save
        </Button>
        <Button
          variant="primary"
          data-testid="run-button"
          onClick={() => void run()}
          disabled={busy || taskCount === 0}
          title={dirty ? "Save, then run" : "Run this version"}
        >
          {runMutation.isPending ? <Spinner className="size-3.5" /> : <PlayIcon />}
          Run
        </Button>
      </div>
      {dialog && (
        <JsonDialog
          mode={dialog.mode}
          initial={dialog.text}
          onApply={(v) => importDefinition(v)}
          onClose={() => setDialog(null)}
        />
      )}
    </div>
  );
}

function PlayIcon() {
  return (
    <svg viewBox="0 0 16 16" className="size-3.5" fill="currentColor" aria-hidden>
      <path d="M4 3v10l9-5z" />
    </svg>
  );
}
