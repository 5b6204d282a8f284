"use client";

import { useEditorStore } from "./store";

/** The server's reasons for refusing the last save, each naming its task; click one to select the task. */
export function EditorErrors() {
  const issues = useEditorStore((s) => s.issues);
  const saveError = useEditorStore((s) => s.saveError);
  const nodes = useEditorStore((s) => s.nodes);
  const selectTask = useEditorStore((s) => s.selectTask);
  const clear = useEditorStore((s) => s.refused);
  const setSaveError = useEditorStore((s) => s.setSaveError);
  if (issues.length === 0 && !saveError) return null;
  return (
    <div
      role="alert"
      data-testid="editor-errors"
      className="absolute bottom-4 left-14 z-10 max-h-56 w-[min(560px,calc(100%-5rem))] overflow-y-auto rounded-lg border border-red-200 bg-white shadow-lg"
    >
      <div className="flex items-center justify-between border-b border-red-100 bg-red-50 px-3 py-2">
        <p className="text-sm font-semibold text-red-800">
          {issues.length > 0
            ? `Not saved: ${issues.length} problem${issues.length === 1 ? "" : "s"} in this workflow`
            : "Not saved"}
        </p>
        <button
          type="button"
          aria-label="Dismiss"
          className="px-1 text-red-400 hover:text-red-700"
          onClick={() => {
            clear([]);
            setSaveError(null);
          }}
        >
          ×
        </button>
      </div>
      <ul className="divide-y divide-red-50 text-sm">
        {saveError && <li className="px-3 py-2 text-red-700">{saveError}</li>}
        {issues.map((issue, i) => {
          const onCanvas = issue.taskCode && nodes.some((n) => n.id === issue.taskCode);
          return (
            <li key={i} data-issue-code={issue.code} className="px-3 py-2 text-red-700">
              {onCanvas ? (
                <button
                  type="button"
                  className="text-left hover:underline"
                  onClick={() => selectTask(issue.taskCode!)}
                >
                  {issue.message}
                </button>
              ) : (
                issue.message
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** A transient message over the canvas, e.g. why a connection was refused. */
export function CanvasMessageBar() {
  const message = useEditorStore((s) => s.message);
  const setMessage = useEditorStore((s) => s.setMessage);
  if (!message) return null;
  return (
    <div
      role={message.kind === "error" ? "alert" : "status"}
      data-testid="canvas-message"
      className={
        message.kind === "error"
          ? "absolute top-3 left-1/2 z-10 flex max-w-[90%] -translate-x-1/2 items-start gap-3 rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 shadow-md"
          : "absolute top-3 left-1/2 z-10 flex max-w-[90%] -translate-x-1/2 items-start gap-3 rounded-lg border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-800 shadow-md"
      }
    >
      <span>{message.text}</span>
      <button
        type="button"
        aria-label="Dismiss"
        className="opacity-60 hover:opacity-100"
        onClick={() => setMessage(null)}
      >
        ×
      </button>
    </div>
  );
}
