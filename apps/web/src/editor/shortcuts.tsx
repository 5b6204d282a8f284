"use client";

import { useReactFlow } from "@xyflow/react";
import { memo, useEffect } from "react";
import { lastPointer, useCanvasSettings } from "./canvas-settings";
import { useFitAll } from "./fit-all";
import { useEditorStore } from "./store";
import { useViewMode } from "./view-mode";

/** Every shortcut of the editor, as the help popover lists them. */
export const SHORTCUTS: ReadonlyArray<{ keys: string[]; does: string }> = [
  { keys: ["Ctrl", "S"], does: "Save" },
  { keys: ["Ctrl", "Z"], does: "Undo" },
  { keys: ["Ctrl", "Shift", "Z"], does: "Redo (also Ctrl-Y)" },
  { keys: ["Ctrl", "A"], does: "Select every task and edge" },
  { keys: ["Ctrl", "C"], does: "Copy the selected tasks (portable JSON)" },
  { keys: ["Ctrl", "X"], does: "Cut the selected tasks" },
  { keys: ["Ctrl", "V"], does: "Paste tasks (also a whole exported workflow)" },
  { keys: ["Ctrl", "D"], does: "Duplicate the selection" },
  { keys: ["Delete"], does: "Delete the selection (also Backspace)" },
  { keys: ["Ctrl", "K"], does: "Find a task by name, code or type" },
  { keys: ["L"], does: "Auto-layout left to right" },
  { keys: ["F"], does: "Zoom to fit" },
  { keys: ["G"], does: "Snap to grid on/off" },
  { keys: ["M"], does: "Minimap on/off" },
  { keys: ["Arrows"], does: "Move the selected tasks" },
  { keys: ["Esc"], does: "Clear the selection" },
  { keys: ["Shift", "click"], does: "Add a task to the selection" },
  { keys: ["Drag"], does: "Box-select on empty canvas" },
  { keys: ["Space", "drag"], does: "Pan (also the scroll wheel, or right/middle drag)" },
  { keys: ["Ctrl", "wheel"], does: "Zoom" },
  { keys: ["?"], does: "Show these shortcuts" },
];

/** Typing into a field (inputs, CodeMirror) keeps its own keys. */
function typingIn(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.closest) return false;
  return !!el.closest(
    "input, textarea, select, [contenteditable=''], [contenteditable=true], dialog",
  );
}

/** Flow position to paste at: under the pointer when it is over the canvas, else the view's centre. */
function pastePoint(
  screenToFlowPosition: (p: { x: number; y: number }) => { x: number; y: number },
) {
  if (lastPointer.inside) return screenToFlowPosition(lastPointer);
  const r = document.querySelector("[data-testid=canvas]")?.getBoundingClientRect();
  return screenToFlowPosition(
    r ? { x: r.left + r.width / 3, y: r.top + r.height / 3 } : { x: 300, y: 200 },
  );
}

/** The editor's keyboard: history, selection, clipboard (system copy/paste events), search, view. */
export function useEditorShortcuts(): void {
  const { screenToFlowPosition } = useReactFlow();
  const fitAll = useFitAll();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (typingIn(e.target) || e.defaultPrevented) return;
      const store = useEditorStore.getState();
      const settings = useCanvasSettings.getState();
      const readOnly = useViewMode.getState().readOnly;
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      const act = (fn: () => void) => {
        e.preventDefault();
        fn();
      };
      if (mod && key === "k") return act(() => settings.setSearchOpen(true));
      if (mod && !e.shiftKey && key === "z") return readOnly ? undefined : act(store.undo);
      if (mod && ((e.shiftKey && key === "z") || key === "y"))
        return readOnly ? undefined : act(store.redo);
      if (mod && key === "a") return act(store.selectAll);
      if (mod && key === "d") return readOnly ? undefined : act(store.duplicateSelection);
      if (mod || e.altKey) return;
      if ((key === "delete" || key === "backspace") && !readOnly) return act(store.deleteSelected);
      if (e.key === "?") return act(() => settings.setHelpOpen(!settings.helpOpen));
      if (key === "escape") {
        if (settings.helpOpen || settings.searchOpen) return act(() => settings.setHelpOpen(false));
        return act(() => store.selectTask(""));
      }
      if (key === "l" && !readOnly) return act(() => void store.relayout());
      if (key === "f") return act(() => fitAll({ padding: 0.2, maxZoom: 1, duration: 200 }));
      if (key === "g") return act(settings.toggleSnap);
      if (key === "m") return act(() => settings.setMiniMap(!settings.showMiniMap));
    };
    // Copy and paste go through the clipboard events: no permission prompt, and the system clipboard.
    const onCopy = (e: ClipboardEvent, cut: boolean) => {
      if (typingIn(e.target) || hasTextSelection()) return;
      const text = useEditorStore.getState().copySelection();
      if (!text || !e.clipboardData) return;
      e.preventDefault();
      e.clipboardData.setData("text/plain", text);
      if (cut && !useViewMode.getState().readOnly) useEditorStore.getState().deleteSelected();
    };
    const onPaste = (e: ClipboardEvent) => {
      if (typingIn(e.target) || useViewMode.getState().readOnly) return;
      const text = e.clipboardData?.getData("text/plain");
      if (!text) return;
      e.preventDefault();
      useEditorStore.getState().paste(text, pastePoint(screenToFlowPosition));
    };
    const copy = (e: ClipboardEvent) => onCopy(e, false);
    const cut = (e: ClipboardEvent) => onCopy(e, true);
    window.addEventListener("keydown", onKey);
    document.addEventListener("copy", copy);
    document.addEventListener("cut", cut);
    document.addEventListener("paste", onPaste);
    return () => {
      window.removeEventListener("keydown", onKey);
      document.removeEventListener("copy", copy);
      document.removeEventListener("cut", cut);
      document.removeEventListener("paste", onPaste);
    };
  }, [screenToFlowPosition, fitAll]);
}

function hasTextSelection(): boolean {
  const s = window.getSelection();
  return !!s && !s.isCollapsed && s.toString().trim() !== "";
}

/** The `?` popover listing every shortcut. */
export const ShortcutsHelp = memo(function ShortcutsHelp() {
  const open = useCanvasSettings((s) => s.helpOpen);
  const setOpen = useCanvasSettings((s) => s.setHelpOpen);
  if (!open) return null;
  return (
    <div
      role="dialog"
      aria-label="Keyboard shortcuts"
      data-testid="shortcuts-help"
      className="absolute top-12 right-3 z-20 w-80 rounded-lg border border-slate-200 bg-white shadow-xl"
    >
      <div className="flex items-center justify-between border-b border-slate-100 px-3 py-2">
        <h2 className="text-sm font-semibold text-slate-800">Keyboard shortcuts</h2>
        <button
          type="button"
          aria-label="Close"
          className="px-1 text-slate-400 hover:text-slate-700"
          onClick={() => setOpen(false)}
        >
          ×
        </button>
      </div>
      <ul className="max-h-[60vh] divide-y divide-slate-50 overflow-y-auto px-3 py-1 text-sm">
        {SHORTCUTS.map((s) => (
          <li key={s.does} className="flex items-center justify-between gap-3 py-1">
            <span className="text-slate-600">{s.does}</span>
            <span className="flex shrink-0 gap-0.5">
              {s.keys.map((k) => (
                <kbd
                  key={k}
                  className="rounded border border-slate-300 bg-slate-50 px-1.5 py-0.5 font-mono text-[11px] text-slate-700"
                >
                  {k}
                </kbd>
              ))}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
});
