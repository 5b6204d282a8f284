"use client";

import { memo, type ReactNode } from "react";
import { cn } from "~/_components/cn";
import { Spinner } from "~/_components/ui";
import { useCanvasSettings } from "./canvas-settings";
import { useFitAll } from "./fit-all";
import { useEditorStore } from "./store";
import { useViewMode } from "./view-mode";

function ToolButton({
  label,
  shortcut,
  pressed,
  disabled,
  onClick,
  testId,
  children,
}: {
  label: string;
  shortcut?: string;
  pressed?: boolean;
  disabled?: boolean;
  onClick: () => void;
  testId: string;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      aria-label={label}
      aria-pressed={pressed}
      title={shortcut ? `${label} (${shortcut})` : label}
      data-testid={testId}
      disabled={disabled}
      onClick={onClick}
      className={cn(
        "inline-flex h-7 min-w-7 items-center justify-center gap-1 rounded px-1.5 text-xs font-medium text-slate-600 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-sky-600 disabled:opacity-40",
        pressed && "bg-sky-100 text-sky-800 hover:bg-sky-100",
      )}
    >
      {children}
    </button>
  );
}

const Sep = () => <span className="mx-0.5 h-5 w-px bg-slate-200" aria-hidden />;

/** Floating controls over the canvas: history, layout, view, search and the shortcuts help. */
export const CanvasToolbar = memo(function CanvasToolbar() {
  const canUndo = useEditorStore((s) => s.history.past.length > 0);
  const canRedo = useEditorStore((s) => s.history.future.length > 0);
  const hasTasks = useEditorStore((s) => s.nodes.length > 0);
  const layingOut = useEditorStore((s) => s.layingOut);
  const undo = useEditorStore((s) => s.undo);
  const redo = useEditorStore((s) => s.redo);
  const relayout = useEditorStore((s) => s.relayout);
  const readOnly = useViewMode((s) => s.readOnly);
  const snap = useCanvasSettings((s) => s.snapToGrid);
  const toggleSnap = useCanvasSettings((s) => s.toggleSnap);
  const setMiniMap = useCanvasSettings((s) => s.setMiniMap);
  const helpOpen = useCanvasSettings((s) => s.helpOpen);
  const setHelpOpen = useCanvasSettings((s) => s.setHelpOpen);
  const setSearchOpen = useCanvasSettings((s) => s.setSearchOpen);
  const fitAll = useFitAll();
  const miniMap = useCanvasSettings((s) => s.showMiniMap);

  return (
    <div
      role="toolbar"
      aria-label="Canvas"
      className="absolute top-3 right-3 z-10 flex items-center gap-0.5 rounded-lg border border-slate-200 bg-white/95 p-1 shadow-sm"
    >
      {!readOnly && (
        <>
          <ToolButton
            label="Undo"
            shortcut="Ctrl-Z"
            testId="undo"
            disabled={!canUndo}
            onClick={undo}
          >
            <Glyph d="M6 4 2 8l4 4M2 8h8a4 4 0 0 1 0 8H8" />
          </ToolButton>
          <ToolButton
            label="Redo"
            shortcut="Ctrl-Shift-Z"
            testId="redo"
            disabled={!canRedo}
            onClick={redo}
          >
            <Glyph d="m10 4 4 4-4 4m4-4H6a4 4 0 0 0 0 8h2" />
          </ToolButton>
          <Sep />
          <ToolButton
            label="Auto-layout left to right"
            shortcut="L"
            testId="auto-layout"
            disabled={!hasTasks || layingOut}
            onClick={() => void relayout()}
          >
            {layingOut ? (
              <Spinner className="size-3.5" />
            ) : (
              <Glyph d="M2 3h4v4H2zM10 9h4v4h-4zM6 5h2v6h2" />
            )}
            Layout
          </ToolButton>
        </>
      )}
      <ToolButton
        label="Zoom to fit"
        shortcut="F"
        testId="fit-view"
        disabled={!hasTasks}
        onClick={() => fitAll({ padding: 0.2, maxZoom: 1, duration: 200 })}
      >
        <Glyph d="M2 6V2h4M10 2h4v4M14 10v4h-4M6 14H2v-4" />
      </ToolButton>
      <ToolButton
        label="Snap to grid"
        shortcut="G"
        testId="snap-toggle"
        pressed={snap}
        onClick={toggleSnap}
      >
        <Glyph d="M2 2h2v2H2zM7 2h2v2H7zM12 2h2v2h-2zM2 7h2v2H2zM7 7h2v2H7zM12 7h2v2h-2zM2 12h2v2H2zM7 12h2v2H7zM12 12h2v2h-2z" />
      </ToolButton>
      <ToolButton
        label="Minimap"
        shortcut="M"
        testId="minimap-toggle"
        pressed={miniMap}
        onClick={() => setMiniMap(!miniMap)}
      >
        <Glyph d="M2 3h12v10H2zM8 8h5v4H8z" />
      </ToolButton>
      <Sep />
      <ToolButton
        label="Find a task"
        shortcut="Ctrl-K"
        testId="open-search"
        onClick={() => setSearchOpen(true)}
      >
        <Glyph d="M7 12A5 5 0 1 0 7 2a5 5 0 0 0 0 10zM11 11l3 3" />
      </ToolButton>
      <ToolButton
        label="Keyboard shortcuts"
        shortcut="?"
        testId="shortcuts-button"
        pressed={helpOpen}
        onClick={() => setHelpOpen(!helpOpen)}
      >
        ?
      </ToolButton>
    </div>
  );
});

function Glyph({ d }: { d: string }) {
  return (
    <svg
      viewBox="0 0 16 16"
      className="size-3.5"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      aria-hidden
    >
      <path d={d} strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
