"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { diffWorkflows, type ValidationIssue, type WorkflowDefinition } from "@shoal/core";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Button, Spinner } from "~/_components/ui";
import { useTRPC } from "~/trpc/react";
import { DiffList, namesOf } from "./diff-list";
import { ExportDialog, ImportDialog } from "./json-dialog";
import { Modal } from "./modal";
import { RunDialog, type RunRequest } from "./run-dialog";
import { currentDefinition, useEditorStore } from "./store";
import { useUnsavedChangesGuard } from "./unsaved-changes-guard";

export function issuesOf(error: unknown): ValidationIssue[] | null {
  const data = (error as { data?: { issues?: unknown } } | null)?.data;
  return Array.isArray(data?.issues) ? (data.issues as ValidationIssue[]) : null;
}

const versionsHref = (projectId: string, workflowId: string) =>
  `/projects/${projectId}/workflows/${workflowId}/versions`;

type Open = null | "save" | "run" | "import" | "export";

/**
 * The toolbar's document actions: import, export, versions, save (with a diff of the pending edit) and
 * run (with its options dialog). Also Ctrl-S and the unsaved-changes guard.
 */
export function DocumentActions({
  projectId,
  workflowId,
  name,
  savedDefinition,
}: {
  projectId: string;
  workflowId: string;
  name: string;
  /** The definition of the version the canvas was loaded from or last saved as. */
  savedDefinition: WorkflowDefinition;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const dirty = useEditorStore((s) => s.dirty);
  const taskCount = useEditorStore((s) => s.nodes.length);
  const importDefinition = useEditorStore((s) => s.importDefinition);
  const [open, setOpen] = useState<Open>(null);

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
      void queryClient.invalidateQueries({
        queryKey: trpc.workflow.versions.queryKey({ projectId, workflowId }),
      });
      return saved;
    } catch (error) {
      const issues = issuesOf(error);
      if (issues && issues.length > 0) store.refused(issues);
      else store.setSaveError(`Could not save: ${(error as Error).message}`);
      return null;
    }
  }, [saveMutation, projectId, workflowId, name, queryClient, trpc]);

  const run = async (request: RunRequest): Promise<string | null> => {
    const st = useEditorStore.getState();
    if (st.dirty || st.version === 0) {
      if ((await save()) === null) {
        setOpen(null);
        return "The workflow could not be saved; see the problems listed on the canvas.";
      }
    }
    try {
      const { instanceId } = await runMutation.mutateAsync({ projectId, workflowId, ...request });
      setOpen(null);
      router.push(
        instanceId
          ? `/projects/${projectId}/instances/${instanceId}`
          : `/projects/${projectId}/instances`,
      );
      return null;
    } catch (error) {
      const issues = issuesOf(error);
      if (issues?.length) {
        useEditorStore.getState().refused(issues);
        setOpen(null);
        return null;
      }
      return `Could not run: ${(error as Error).message}`;
    }
  };

  // Ctrl-S / Cmd-S saves at once (the Save button shows the pending diff first).
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

  useUnsavedChangesGuard();

  const busy = saveMutation.isPending || runMutation.isPending;
  return (
    <>
      <Button variant="ghost" data-testid="import-json" onClick={() => setOpen("import")}>
        Import
      </Button>
      <Button variant="ghost" data-testid="export-json" onClick={() => setOpen("export")}>
        Export
      </Button>
      <Link
        href={versionsHref(projectId, workflowId)}
        data-testid="versions-link"
        className="rounded-md px-3 py-1.5 text-sm font-medium text-slate-600 hover:bg-slate-100"
      >
        Versions
      </Link>
      <Button
        data-testid="save-button"
        onClick={() => setOpen("save")}
        disabled={busy}
        title="Review and save (Ctrl-S saves at once)"
      >
        {saveMutation.isPending && <Spinner className="size-3.5" />}
        Save
      </Button>
      <Button
        variant="primary"
        data-testid="run-button"
        onClick={() => setOpen("run")}
        disabled={busy || taskCount === 0}
        title="Run with options"
      >
        <PlayIcon />
        Run…
      </Button>
      {open === "import" && (
        <ImportDialog
          fallbackName={name}
          onApply={(v) => importDefinition(v)}
          onClose={() => setOpen(null)}
        />
      )}
      {open === "export" && (
        <ExportDialog definition={{ ...currentDefinition(), name }} onClose={() => setOpen(null)} />
      )}
      {open === "save" && (
        <SaveDialog
          saved={savedDefinition}
          name={name}
          dirty={dirty}
          busy={saveMutation.isPending}
          onSave={async () => {
            await save();
            setOpen(null);
          }}
          onClose={() => setOpen(null)}
        />
      )}
      {open === "run" && (
        <RunDialog
          globalParams={useEditorStore.getState().meta.globalParams}
          tasks={useEditorStore.getState().nodes.map((n) => ({
            code: n.id,
            name: n.data.task.name,
          }))}
          selectedCode={selectedCode()}
          dirty={dirty}
          onRun={run}
          onClose={() => setOpen(null)}
        />
      )}
    </>
  );
}

function selectedCode(): string | null {
  const sel = useEditorStore.getState().nodes.filter((n) => n.selected);
  return sel.length === 1 ? sel[0]!.id : null;
}

/** Confirms saving, showing what changed since the saved version. */
function SaveDialog({
  saved,
  name,
  dirty,
  busy,
  onSave,
  onClose,
}: {
  saved: WorkflowDefinition;
  name: string;
  dirty: boolean;
  busy: boolean;
  onSave: () => Promise<void>;
  onClose: () => void;
}) {
  const version = useEditorStore((s) => s.version);
  const pending = useMemo(() => ({ ...currentDefinition(), name }), [name]);
  const diff = useMemo(() => diffWorkflows(saved, pending), [saved, pending]);
  return (
    <Modal title="Save a new version" onClose={onClose} testId="save-dialog">
      <p className="text-sm text-slate-500">
        {version === 0
          ? "The first version of this workflow:"
          : `Changes since version ${version}${dirty ? "" : " (nothing edited; saving still writes a new version)"}:`}
      </p>
      <div className="max-h-[55vh] overflow-y-auto">
        <DiffList
          diff={diff}
          names={namesOf(saved, pending)}
          emptyText="No changes to tasks, dependencies or parameters (positions may have moved)."
        />
      </div>
      <div className="flex justify-end gap-2">
        <Button variant="ghost" onClick={onClose}>
          Cancel
        </Button>
        <Button
          variant="primary"
          data-testid="save-confirm"
          autoFocus
          disabled={busy}
          onClick={() => void onSave()}
        >
          {busy && <Spinner className="size-3.5" />}
          Save version
        </Button>
      </div>
    </Modal>
  );
}

function PlayIcon() {
  return (
    <svg viewBox="0 0 16 16" className="size-3.5" fill="currentColor" aria-hidden>
      <path d="M4 3v10l9-5z" />
    </svg>
  );
}
