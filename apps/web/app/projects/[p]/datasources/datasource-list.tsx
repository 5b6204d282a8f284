"use client";

import type { RouterOutputs } from "@shoal/api";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { formatTime } from "~/_components/format";
import { Button, EmptyState, ErrorText, PageHeader } from "~/_components/ui";
import { useTRPC } from "~/trpc/react";
import { DatasourceForm } from "./datasource-form";
import { Dialog } from "./dialog";

export type Datasource = RouterOutputs["datasource"]["list"][number];

const TYPE_LABEL: Record<Datasource["type"], string> = { postgresql: "PostgreSQL", mysql: "MySQL" };

export function DatasourceList({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  const list = useQuery(trpc.datasource.list.queryOptions({ projectId }));
  const project = useQuery(trpc.project.byId.queryOptions({ projectId }));
  const canEdit = project.data !== undefined && project.data.role !== "viewer";
  const [editing, setEditing] = useState<Datasource | "new" | null>(null);
  const [deleting, setDeleting] = useState<Datasource | null>(null);

  return (
    <>
      <PageHeader
        title="Data sources"
        actions={
          canEdit && (
            <Button variant="primary" onClick={() => setEditing("new")}>
              New data source
            </Button>
          )
        }
      >
        Databases that SQL tasks of this project connect to, by name. Passwords are stored encrypted
        and never shown again.
      </PageHeader>
      {list.isPending ? (
        <p className="text-sm text-slate-500">Loading data sources…</p>
      ) : list.isError ? (
        <ErrorText>Could not load data sources: {list.error.message}</ErrorText>
      ) : list.data.length === 0 ? (
        <EmptyState title="No data sources yet">
          <p>Add a PostgreSQL or MySQL database, then pick it by name in a SQL task.</p>
          {canEdit && (
            <Button variant="primary" className="mt-3" onClick={() => setEditing("new")}>
              Add a data source
            </Button>
          )}
        </EmptyState>
      ) : (
        <div className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-xs">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th className="px-4 py-2 font-medium">Name</th>
                <th className="px-4 py-2 font-medium">Type</th>
                <th className="px-4 py-2 font-medium">Address</th>
                <th className="px-4 py-2 font-medium">User</th>
                <th className="px-4 py-2 font-medium">Updated</th>
                {canEdit && (
                  <th className="px-4 py-2 font-medium">
                    <span className="sr-only">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {list.data.map((d) => (
                <tr
                  key={d.id}
                  data-testid={`datasource-row-${d.name}`}
                  className="hover:bg-slate-50"
                >
                  <td className="px-4 py-2.5">
                    <span className="font-medium text-slate-800">{d.name}</span>
                    {d.description && (
                      <p className="truncate text-xs text-slate-500">{d.description}</p>
                    )}
                  </td>
                  <td className="px-4 py-2.5 text-slate-600">{TYPE_LABEL[d.type]}</td>
                  <td className="px-4 py-2.5 font-mono text-xs text-slate-600">
                    {d.host}:{d.port}/{d.database}
                    {d.options.ssl && d.options.ssl !== "disable" && (
                      <span className="ml-1.5 rounded bg-slate-100 px-1 py-0.5 font-sans text-slate-500">
                        ssl {d.options.ssl}
                      </span>
                    )}
                  </td>
                  <td className="px-4 py-2.5 text-slate-600">
                    {d.username}
                    <span className="ml-1.5 text-xs text-slate-400">
                      {d.hasPassword ? "· password set" : "· no password"}
                    </span>
                  </td>
                  <td className="px-4 py-2.5 text-slate-500">{formatTime(d.updatedAt)}</td>
                  {canEdit && (
                    <td className="px-4 py-2.5 text-right whitespace-nowrap">
                      <Button
                        variant="ghost"
                        onClick={() => setEditing(d)}
                        aria-label={`Edit ${d.name}`}
                      >
                        Edit
                      </Button>
                      <Button
                        variant="ghost"
                        className="text-red-600 hover:bg-red-50"
                        onClick={() => setDeleting(d)}
                        aria-label={`Delete ${d.name}`}
                      >
                        Delete
                      </Button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && (
        <Dialog
          title={editing === "new" ? "New data source" : `Edit ${editing.name}`}
          onClose={() => setEditing(null)}
          testId="datasource-dialog"
        >
          <DatasourceForm
            projectId={projectId}
            existing={editing === "new" ? null : editing}
            onDone={() => setEditing(null)}
          />
        </Dialog>
      )}
      {deleting && (
        <DeleteDialog
          projectId={projectId}
          datasource={deleting}
          onClose={() => setDeleting(null)}
        />
      )}
    </>
  );
}

function DeleteDialog({
  projectId,
  datasource,
  onClose,
}: {
  projectId: string;
  datasource: Datasource;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const del = useMutation(
    trpc.datasource.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({
          queryKey: trpc.datasource.list.queryKey({ projectId }),
        });
        onClose();
      },
    }),
  );
  return (
    <Dialog
      title={`Delete data source “${datasource.name}”?`}
      onClose={onClose}
      testId="datasource-delete-dialog"
    >
      <p className="text-sm text-slate-600">
        SQL tasks that use <strong>{datasource.name}</strong> will fail until a data source of that
        name exists again. Its stored password is deleted with it.
      </p>
      {del.error && (
        <div className="mt-3">
          <ErrorText>{del.error.message}</ErrorText>
        </div>
      )}
      <div className="mt-5 flex justify-end gap-2">
        <Button variant="ghost" onClick={onClose}>
          Cancel
        </Button>
        <Button
          variant="danger"
          autoFocus
          disabled={del.isPending}
          onClick={() => del.mutate({ projectId, datasourceId: datasource.id })}
        >
          {del.isPending ? "Deleting…" : "Delete"}
        </Button>
      </div>
    </Dialog>
  );
}
