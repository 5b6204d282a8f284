"use client";

import { validateWorkflow, type ValidationIssue, type WorkflowDefinition } from "@shoal/core";
import { useEffect, useState } from "react";
import { Button, ErrorText } from "~/_components/ui";
import { Modal } from "./modal";

export type DefinitionFormat = "json" | "yaml";

/** The definition as portable JSON or YAML text (YAML loads on demand, off the first render). */
export async function formatDefinition(
  definition: WorkflowDefinition,
  format: DefinitionFormat,
): Promise<string> {
  if (format === "json") return `${JSON.stringify(definition, null, 2)}\n`;
  const YAML = await import("yaml");
  return YAML.stringify(definition, { lineWidth: 0 });
}

export type ParsedImport =
  | { ok: true; definition: WorkflowDefinition }
  | { ok: false; syntax: string }
  | { ok: false; issues: ValidationIssue[]; raw: Record<string, unknown> };

/**
 * Parses JSON or YAML (whichever the text is) and validates it as a whole workflow: every issue comes
 * back, each naming its task. A file without a name takes `fallbackName`.
 */
export async function parseImport(text: string, fallbackName: string): Promise<ParsedImport> {
  let value: unknown;
  const trimmed = text.trim();
  if (trimmed === "") return { ok: false, syntax: "The file is empty." };
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      value = JSON.parse(trimmed);
    } catch (e) {
      return { ok: false, syntax: `Not valid JSON: ${(e as Error).message}` };
    }
  } else {
    const YAML = await import("yaml");
    try {
      value = YAML.parse(trimmed);
    } catch (e) {
      return { ok: false, syntax: `Not valid YAML: ${(e as Error).message}` };
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      ok: false,
      syntax: "Expected a workflow definition: an object with name, tasks and edges.",
    };
  }
  const obj = value as Record<string, unknown>;
  const raw = obj.name === undefined ? { ...obj, name: fallbackName } : obj;
  const result = validateWorkflow(raw);
  return result.ok
    ? { ok: true, definition: result.value }
    : { ok: false, issues: everyIssue(raw, result.error), raw };
}

/**
 * `validateWorkflow` stops at structural problems (a field of the wrong shape) before checking params,
 * names and edges. To list every problem at once, check again with the malformed fields left out
 * (their defaults apply) and add what that finds.
 */
function everyIssue(raw: Record<string, unknown>, issues: ValidationIssue[]): ValidationIssue[] {
  const structural = issues.filter((i) => i.code === "invalid_field");
  if (structural.length === 0 || !Array.isArray(raw.tasks)) return issues;
  const copy = structuredClone(raw) as { tasks: unknown[] } & Record<string, unknown>;
  for (const i of structural) {
    const head = i.field?.split(/[.[]/)[0];
    if (!head) continue;
    if (i.taskCode !== undefined) {
      const task = copy.tasks.find(
        (t): t is Record<string, unknown> =>
          typeof t === "object" && t !== null && (t as { code?: unknown }).code === i.taskCode,
      );
      if (task) delete task[head];
    } else if (head !== "tasks" && head !== "name") delete copy[head];
  }
  const again = validateWorkflow(copy);
  const more = again.ok ? [] : again.error.filter((i) => i.code !== "invalid_field");
  return [...structural, ...more];
}

/** Export: the canvas as JSON or YAML to copy or download. */
export function ExportDialog({
  definition,
  onClose,
}: {
  definition: WorkflowDefinition;
  onClose: () => void;
}) {
  const [format, setFormat] = useState<DefinitionFormat>("json");
  const [text, setText] = useState("");
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    let live = true;
    void formatDefinition(definition, format).then((t) => live && setText(t));
    return () => {
      live = false;
    };
  }, [definition, format]);

  const download = () => {
    const blob = new Blob([text], {
      type: format === "json" ? "application/json" : "application/yaml",
    });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = `${definition.name.replace(/[^\w.-]+/g, "_") || "workflow"}.${format === "json" ? "json" : "yaml"}`;
    a.click();
    URL.revokeObjectURL(a.href);
  };

  return (
    <Modal title="Export the workflow definition" onClose={onClose} testId="export-dialog">
      <p className="text-sm text-slate-500">
        The canvas in Shoal&apos;s portable format, for the CLI, the API or another Shoal.
      </p>
      <FormatToggle format={format} onChange={setFormat} />
      <textarea
        data-testid="export-textarea"
        className="block h-80 w-full rounded-md border border-slate-300 p-3 font-mono text-xs leading-5"
        spellCheck={false}
        readOnly
        value={text}
      />
      <div className="flex justify-end gap-2">
        <Button variant="ghost" onClick={onClose}>
          Close
        </Button>
        <Button data-testid="export-download" onClick={download}>
          Download
        </Button>
        <Button
          variant="primary"
          onClick={() => void navigator.clipboard?.writeText(text).then(() => setCopied(true))}
        >
          {copied ? "Copied" : "Copy"}
        </Button>
      </div>
    </Modal>
  );
}

function FormatToggle({
  format,
  onChange,
}: {
  format: DefinitionFormat;
  onChange: (f: DefinitionFormat) => void;
}) {
  return (
    <div role="radiogroup" aria-label="Format" className="flex gap-1">
      {(["json", "yaml"] as const).map((f) => (
        <button
          key={f}
          type="button"
          role="radio"
          aria-checked={format === f}
          data-testid={`format-${f}`}
          onClick={() => onChange(f)}
          className={
            "rounded-md px-3 py-1 text-xs font-medium ring-1 ring-inset " +
            (format === f
              ? "bg-sky-600 text-white ring-sky-600"
              : "text-slate-600 ring-slate-300 hover:bg-slate-50")
          }
        >
          {f.toUpperCase()}
        </button>
      ))}
    </div>
  );
}

/**
 * Import: paste or pick a JSON or YAML file in the portable format. It is validated as a whole first:
 * when anything is wrong every problem is listed (with its task) and the canvas is left alone.
 * A valid file replaces the canvas; nothing is saved until Save.
 */
export function ImportDialog({
  fallbackName,
  onApply,
  onClose,
}: {
  fallbackName: string;
  onApply: (definition: unknown) => void;
  onClose: () => void;
}) {
  const [text, setText] = useState("");
  const [raw, setRaw] = useState<unknown>(null);
  const [problem, setProblem] = useState<null | { syntax: string } | { issues: ValidationIssue[] }>(
    null,
  );

  const apply = async () => {
    const r = await parseImport(text, fallbackName);
    if (r.ok) {
      onApply(r.definition);
      onClose();
    } else {
      setProblem("syntax" in r ? { syntax: r.syntax } : { issues: r.issues });
      setRaw("issues" in r ? r.raw : null);
    }
  };

  return (
    <Modal title="Import a workflow definition" onClose={onClose} testId="import-dialog">
      <p className="text-sm text-slate-500">
        Paste JSON or YAML in Shoal&apos;s portable format (
        <code>{"{ name, tasks, edges, layout? }"}</code>), or choose a file. It replaces the canvas;
        nothing is saved until you click Save.
      </p>
      <input
        type="file"
        accept=".json,.yaml,.yml,application/json,application/yaml,text/yaml"
        aria-label="Definition file"
        data-testid="import-file"
        className="block text-sm"
        onChange={async (e) => {
          const file = e.target.files?.[0];
          if (!file) return;
          setText(await file.text());
          setProblem(null);
        }}
      />
      <textarea
        data-testid="import-textarea"
        className="block h-72 w-full rounded-md border border-slate-300 p-3 font-mono text-xs leading-5 outline-none focus:border-sky-500 focus:ring-2 focus:ring-sky-500/30"
        spellCheck={false}
        value={text}
        placeholder={'{ "name": "etl", "tasks": [ … ], "edges": [ … ] }'}
        autoFocus
        onChange={(e) => {
          setText(e.target.value);
          setProblem(null);
          setRaw(null);
        }}
      />
      {problem && "syntax" in problem && (
        <ErrorText testId="import-error">{problem.syntax}</ErrorText>
      )}
      {problem && "issues" in problem && (
        <div
          role="alert"
          data-testid="import-errors"
          className="max-h-56 overflow-y-auto rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-red-200"
        >
          <p className="font-medium">
            {problem.issues.length} {problem.issues.length === 1 ? "problem" : "problems"}; nothing
            was imported:
          </p>
          <ul className="mt-1 list-disc space-y-0.5 pl-5 text-xs">
            {problem.issues.map((i, n) => (
              <li key={n} data-testid="import-error-item">
                {i.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="flex justify-end gap-2">
        <Button variant="ghost" onClick={onClose}>
          Cancel
        </Button>
        {raw !== null && (
          <Button
            data-testid="import-load-anyway"
            title="Put it on the canvas to fix it there; saving stays refused until it is valid"
            onClick={() => {
              onApply(raw);
              onClose();
            }}
          >
            Load anyway to fix
          </Button>
        )}
        <Button
          variant="primary"
          data-testid="import-apply"
          disabled={text.trim() === ""}
          onClick={() => void apply()}
        >
          Load onto canvas
        </Button>
      </div>
    </Modal>
  );
}
