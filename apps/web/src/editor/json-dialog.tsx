"use client";

import { useEffect, useRef, useState } from "react";
import { Button, ErrorText } from "~/_components/ui";

/**
 * Import: paste a definition in the portable JSON format; it is loaded onto the canvas as is (the server
 * validates on save). Export: the current canvas as JSON, to copy.
 */
export function JsonDialog({
  mode,
  initial,
  onApply,
  onClose,
}: {
  mode: "import" | "export";
  initial: string;
  onApply?: (value: unknown) => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [text, setText] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);

  const apply = () => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      setError(`Not valid JSON: ${(e as Error).message}`);
      return;
    }
    if (
      typeof value !== "object" ||
      value === null ||
      !Array.isArray((value as { tasks?: unknown }).tasks)
    ) {
      setError('Expected a workflow definition: an object with a "tasks" array (and "edges").');
      return;
    }
    onApply?.(value);
    onClose();
  };

  return (
    <dialog
      ref={ref}
      onClose={onClose}
      aria-labelledby="json-dialog-title"
      className="m-auto w-[min(720px,92vw)] rounded-xl border border-slate-200 bg-white p-0 shadow-xl backdrop:bg-slate-900/40"
    >
      <div className="space-y-3 p-5">
        <h2 id="json-dialog-title" className="text-base font-semibold">
          {mode === "import" ? "Import a workflow definition" : "Export the workflow definition"}
        </h2>
        <p className="text-sm text-slate-500">
          {mode === "import"
            ? "Paste JSON in Shoal's portable format ({ name, tasks, edges, layout? }). It replaces the canvas; nothing is saved until you click Save."
            : "The canvas in Shoal's portable format, for the CLI, the API or another Shoal."}
        </p>
        <textarea
          data-testid={mode === "import" ? "import-textarea" : "export-textarea"}
          className="block h-80 w-full rounded-md border border-slate-300 p-3 font-mono text-xs leading-5 outline-none focus:border-sky-500 focus:ring-2 focus:ring-sky-500/30"
          spellCheck={false}
          readOnly={mode === "export"}
          value={text}
          autoFocus
          onChange={(e) => {
            setText(e.target.value);
            setError(null);
          }}
        />
        {error && <ErrorText>{error}</ErrorText>}
        <div className="flex justify-end gap-2">
          <Button variant="ghost" onClick={onClose}>
            {mode === "import" ? "Cancel" : "Close"}
          </Button>
          {mode === "import" ? (
            <Button variant="primary" data-testid="import-apply" onClick={apply}>
              Load onto canvas
            </Button>
          ) : (
            <Button
              variant="primary"
              onClick={() => {
                void navigator.clipboard?.writeText(text).then(() => setCopied(true));
              }}
            >
              {copied ? "Copied" : "Copy"}
            </Button>
          )}
        </div>
      </div>
    </dialog>
  );
}
