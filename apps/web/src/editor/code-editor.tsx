"use client";

import { lazy, Suspense } from "react";
import { cn } from "~/_components/cn";
import { inputClass } from "~/_components/ui";

export type CodeLanguage = "shell" | "python" | "sql" | "text";

export interface CodeEditorProps {
  id?: string;
  value: string;
  onChange: (value: string) => void;
  onBlur?: () => void;
  language: CodeLanguage;
  testId?: string;
  readOnly?: boolean;
  invalid?: boolean;
  placeholder?: string;
  ariaLabel?: string;
}

// CodeMirror (~150 kB) loads only when a code field is first shown, so opening the editor stays fast.
const CodeEditorImpl = lazy(() => import("./code-editor-impl"));

/** A highlighted code field (shell, Python, SQL); a plain textarea stands in while CodeMirror loads. */
export function CodeEditor(props: CodeEditorProps) {
  return (
    <Suspense fallback={<PlainCode {...props} />}>
      <CodeEditorImpl {...props} />
    </Suspense>
  );
}

function PlainCode({ id, value, onChange, onBlur, readOnly, invalid, testId }: CodeEditorProps) {
  return (
    <textarea
      id={id}
      data-testid={testId}
      data-fallback="codemirror"
      className={cn(
        inputClass,
        "nodrag min-h-40 resize-y font-mono text-xs leading-5",
        invalid && "border-red-400",
      )}
      spellCheck={false}
      readOnly={readOnly}
      rows={10}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      onBlur={onBlur}
    />
  );
}

/** Which highlighter a params field gets, from its key and the task type. */
export function codeLanguageFor(taskType: string, key: string): CodeLanguage {
  if (/sql|query/i.test(key) || taskType === "sql") return "sql";
  if (taskType === "python") return "python";
  if (taskType === "shell" || /script|command/i.test(key)) return "shell";
  return "text";
}
