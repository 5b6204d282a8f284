"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { formatTime } from "~/_components/format";
import { StateBadge } from "~/_components/state-badge";
import { Button, EmptyState, ErrorText, Field, inputClass, PageHeader } from "~/_components/ui";
import { useTRPC } from "~/trpc/react";

export function WorkflowList({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  const workflows = useQuery(trpc.workflow.list.queryOptions({ projectId }));
  const [creating, setCreating] = useState(false);

  return (
    <>
      <PageHeader
        title="Workflows"
        actions={
          <Button variant="primary" onClick={() => setCreating((v) => !v)} aria-expanded={creating}>
            New workflow
          </Button>
        }
      >
        Workflow definitions: every save is a new version; runs pin the version they ran.
      </PageHeader>
      {creating && <CreateWorkflowForm projectId={projectId} onCancel={() => setCreating(false)} />}
      {workflows.isPending ? (
        <p className="text-sm text-slate-500">Loading workflows…</p>
      ) : workflows.isError ? (
        <ErrorText>Could not load workflows: {workflows.error.message}</ErrorText>
      ) : workflows.data.length === 0 ? (
        <EmptyState title="No workflows yet — create one">
          <p>Then drag tasks onto the canvas, or import a JSON definition in the editor.</p>
          {!creating && (
            <Button variant="primary" className="mt-3" onClick={() => setCreating(true)}>
              Create a workflow
            </Button>
          )}
        </EmptyState>
      ) : (
        <div className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-xs">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th className="px-4 py-2 font-medium">Name</th>
                <th className="px-4 py-2 font-medium">Version</th>
                <th className="px-4 py-2 font-medium">Last run</th>
                <th className="px-4 py-2 font-medium">Updated</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {workflows.data.map((w) => {
                return (
                  <tr key={w.id} className="hover:bg-slate-50">
                    <td className="px-4 py-2.5">
                      <Link
                        href={`/projects/${projectId}/workflows/${w.id}`}
                        data-testid={`workflow-row-${w.name}`}
                        className="font-medium text-sky-700 hover:underline"
                      >
                        {w.name}
                      </Link>
                      {w.description && (
                        <p className="truncate text-xs text-slate-500">{w.description}</p>
                      )}
                    </td>
                    <td className="px-4 py-2.5 text-slate-600">
                      {w.currentVersion > 0 ? (
                        `v${w.currentVersion}`
                      ) : (
                        <span className="text-slate-400">draft</span>
                      )}
                    </td>
                    <td className="px-4 py-2.5">
                      {w.lastInstance ? (
                        <Link
                          href={`/projects/${projectId}/instances/${w.lastInstance.id}`}
                          title="Open the last run"
                        >
                          <StateBadge state={w.lastInstance.state} />
                        </Link>
                      ) : (
                        <span className="text-slate-400">never</span>
                      )}
                    </td>
                    <td className="px-4 py-2.5 text-slate-500">{formatTime(w.updatedAt)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function CreateWorkflowForm({ projectId, onCancel }: { projectId: string; onCancel: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const create = useMutation(
    trpc.workflow.create.mutationOptions({
      onSuccess: async (wf) => {
        await queryClient.invalidateQueries({
          queryKey: trpc.workflow.list.queryKey({ projectId }),
        });
        router.push(`/projects/${projectId}/workflows/${wf.id}`);
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ projectId, name: name.trim() });
  };
  return (
    <form
      onSubmit={submit}
      aria-label="Create workflow"
      className="mb-6 flex flex-wrap items-end gap-3 rounded-xl border border-slate-200 bg-white p-5 shadow-xs"
    >
      <div className="min-w-64 flex-1">
        <Field label="Workflow name">
          <input
            required
            autoFocus
            name="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            className={inputClass}
          />
        </Field>
      </div>
      <Button type="submit" variant="primary" disabled={create.isPending}>
        {create.isPending ? "Creating…" : "Create workflow"}
      </Button>
      <Button variant="ghost" onClick={onCancel}>
        Cancel
      </Button>
      {create.error && (
        <div className="w-full">
          <ErrorText>{create.error.message}</ErrorText>
        </div>
      )}
    </form>
  );
}
