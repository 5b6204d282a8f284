"use client";

import { isEmptyDiff, type FieldChange, type WorkflowDiff } from "@shoal/core";
import { cn } from "~/_components/cn";

function show(v: unknown): string {
  if (v === undefined) return "—";
  if (typeof v === "string") return v === "" ? "“”" : v;
  return JSON.stringify(v);
}

function Change({ c }: { c: FieldChange }) {
  return (
    <li data-testid="diff-field" className="text-xs">
      <span className="font-mono text-slate-600">{c.field}</span>
      {c.lines ? (
        <pre className="mt-1 max-h-48 overflow-auto rounded bg-slate-50 py-1 font-mono text-[11px] leading-4 ring-1 ring-slate-200">
          {c.lines.map((l, i) => (
            <div
              key={i}
              data-testid="diff-line"
              className={cn(
                "px-2 whitespace-pre-wrap",
                l.op === "+" ? "bg-emerald-50 text-emerald-800" : "bg-red-50 text-red-800",
              )}
            >
              <span className="mr-2 inline-block w-8 text-right text-slate-400 select-none">
                {l.line}
              </span>
              {l.op} {l.text}
            </div>
          ))}
        </pre>
      ) : (
        <>
          {": "}
          <del className="rounded bg-red-50 px-1 font-mono text-red-700">{show(c.before)}</del>
          {" → "}
          <ins className="rounded bg-emerald-50 px-1 font-mono text-emerald-700 no-underline">
            {show(c.after)}
          </ins>
        </>
      )}
    </li>
  );
}

/** A workflow diff as a list: workflow fields, tasks added/removed/changed field by field, edges. */
export function DiffList({
  diff,
  names,
  emptyText = "No differences.",
}: {
  diff: WorkflowDiff;
  /** Task names by code, to name edge ends. */
  names: ReadonlyMap<string, string>;
  emptyText?: string;
}) {
  if (isEmptyDiff(diff))
    return (
      <p data-testid="diff-empty" className="text-sm text-slate-500">
        {emptyText}
      </p>
    );
  const name = (code: string) => names.get(code) ?? code;
  return (
    <div data-testid="diff-list" className="space-y-3 text-sm">
      {diff.workflow.length > 0 && (
        <section>
          <h4 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Workflow</h4>
          <ul className="mt-1 space-y-1">
            {diff.workflow.map((c) => (
              <Change key={c.field} c={c} />
            ))}
          </ul>
        </section>
      )}
      {diff.tasksAdded.map((t) => (
        <p
          key={`+${t.code}`}
          data-testid={`diff-task-added-${t.name}`}
          className="text-emerald-700"
        >
          <span className="mr-1 rounded bg-emerald-100 px-1.5 text-xs font-medium">added</span>
          {t.name} <span className="text-xs text-slate-400">({t.type})</span>
        </p>
      ))}
      {diff.tasksRemoved.map((t) => (
        <p key={`-${t.code}`} data-testid={`diff-task-removed-${t.name}`} className="text-red-700">
          <span className="mr-1 rounded bg-red-100 px-1.5 text-xs font-medium">removed</span>
          {t.name} <span className="text-xs text-slate-400">({t.type})</span>
        </p>
      ))}
      {diff.tasksChanged.map((t) => (
        <section key={`~${t.code}`} data-testid={`diff-task-changed-${t.name}`}>
          <p className="text-amber-800">
            <span className="mr-1 rounded bg-amber-100 px-1.5 text-xs font-medium">changed</span>
            {t.name}
          </p>
          <ul className="mt-1 space-y-1 pl-4">
            {t.changes.map((c) => (
              <Change key={c.field} c={c} />
            ))}
          </ul>
        </section>
      ))}
      {(diff.edgesAdded.length > 0 || diff.edgesRemoved.length > 0) && (
        <section>
          <h4 className="text-xs font-semibold uppercase tracking-wide text-slate-500">
            Dependencies
          </h4>
          <ul className="mt-1 space-y-0.5 text-xs">
            {diff.edgesAdded.map((e) => (
              <li
                key={`+${e.from}>${e.to}`}
                data-testid="diff-edge-added"
                className="text-emerald-700"
              >
                + {name(e.from)} → {name(e.to)}
              </li>
            ))}
            {diff.edgesRemoved.map((e) => (
              <li
                key={`-${e.from}>${e.to}`}
                data-testid="diff-edge-removed"
                className="text-red-700"
              >
                − {name(e.from)} → {name(e.to)}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

/** Task names by code across both sides of a diff. */
export function namesOf(
  ...defs: { tasks: readonly { code: string; name: string }[] }[]
): Map<string, string> {
  const m = new Map<string, string>();
  for (const d of defs) for (const t of d.tasks) m.set(t.code, t.name);
  return m;
}
