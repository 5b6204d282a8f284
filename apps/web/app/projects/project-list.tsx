"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button, EmptyState, ErrorText, Field, inputClass, PageHeader } from "~/_components/ui";
import { useTRPC } from "~/trpc/react";

export function ProjectList() {
  const trpc = useTRPC();
  const projects = useQuery(trpc.project.list.queryOptions());
  const [creating, setCreating] = useState(false);

  return (
    <>
      <PageHeader
        title="Projects"
        actions={
          <Button variant="primary" onClick={() => setCreating((v) => !v)} aria-expanded={creating}>
            New project
          </Button>
        }
      >
        Each project holds its workflows, schedules and instances.
      </PageHeader>
      {creating && <CreateProjectForm onCancel={() => setCreating(false)} />}
      {projects.isPending ? (
        <p className="text-sm text-slate-500">Loading projects…</p>
      ) : projects.isError ? (
        <ErrorText>Could not load projects: {projects.error.message}</ErrorText>
      ) : projects.data.length === 0 ? (
        <EmptyState title="No projects yet — create one">
          {!creating && (
            <Button variant="primary" className="mt-3" onClick={() => setCreating(true)}>
              Create a project
            </Button>
          )}
        </EmptyState>
      ) : (
        <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {projects.data.map((p) => (
            <li key={p.id}>
              <Link
                href={`/projects/${p.id}/workflows`}
                data-testid={`project-card-${p.name}`}
                className="block h-full rounded-xl border border-slate-200 bg-white p-5 shadow-xs transition hover:border-sky-400 hover:shadow-sm"
              >
                <h2 className="truncate font-semibold">{p.name}</h2>
                <p className="mt-1 line-clamp-2 min-h-10 text-sm text-slate-500">
                  {p.description || "No description"}
                </p>
                <ProjectStats project={p} />
              </Link>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function ProjectStats({
  project,
}: {
  project: { workflowCount: number; runningCount: number; failedLast24h: number };
}) {
  return (
    <dl className="mt-4 flex gap-4 border-t border-slate-100 pt-3 text-xs text-slate-500">
      <div className="flex gap-1">
        <dd className="font-semibold text-slate-800">{project.workflowCount}</dd>
        <dt>workflows</dt>
      </div>
      <div className="flex gap-1">
        <dd
          className={
            project.runningCount ? "font-semibold text-blue-700" : "font-semibold text-slate-800"
          }
        >
          {project.runningCount}
        </dd>
        <dt>running</dt>
      </div>
      <div className="flex gap-1">
        <dd
          className={
            project.failedLast24h ? "font-semibold text-red-600" : "font-semibold text-slate-800"
          }
        >
          {project.failedLast24h}
        </dd>
        <dt>failed in 24 h</dt>
      </div>
    </dl>
  );
}

function CreateProjectForm({ onCancel }: { onCancel: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const create = useMutation(
    trpc.project.create.mutationOptions({
      onSuccess: async (project) => {
        await queryClient.invalidateQueries({ queryKey: trpc.project.list.queryKey() });
        router.push(`/projects/${project.id}/workflows`);
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ name: name.trim(), description: description.trim() });
  };
  return (
    <form
      onSubmit={submit}
      aria-label="Create project"
      className="mb-6 grid gap-4 rounded-xl border border-slate-200 bg-white p-5 shadow-xs sm:grid-cols-[1fr_2fr_auto]"
    >
      <Field label="Project name">
        <input
          required
          autoFocus
          name="name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          className={inputClass}
        />
      </Field>
      <Field label="Description">
        <input
          name="description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          className={inputClass}
        />
      </Field>
      <div className="flex items-end gap-2">
        <Button type="submit" variant="primary" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create project"}
        </Button>
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
      {create.error && (
        <div className="sm:col-span-3">
          <ErrorText>{create.error.message}</ErrorText>
        </div>
      )}
    </form>
  );
}
