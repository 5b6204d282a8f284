import { create } from "zustand";
import { useEditorStore } from "./store";

/** Above this many tasks the minimap starts hidden: it draws every task again on every change. */
export const MINIMAP_MAX_TASKS = 1500;
/** Above this many tasks the first view shows the start of the graph at a readable zoom, not all of it. */
export const FIT_ALL_MAX_TASKS = 300;

interface CanvasSettings {
  snapToGrid: boolean;
  /** null: decided by the task count. */
  showMiniMap: boolean | null;
  searchOpen: boolean;
  helpOpen: boolean;
  toggleSnap: () => void;
  setMiniMap: (show: boolean) => void;
  setSearchOpen: (open: boolean) => void;
  setHelpOpen: (open: boolean) => void;
}

/** View preferences of the canvas; not part of the workflow, so never in its history. */
export const useCanvasSettings = create<CanvasSettings>()((set) => ({
  snapToGrid: false,
  showMiniMap: null,
  searchOpen: false,
  helpOpen: false,
  toggleSnap: () => set((s) => ({ snapToGrid: !s.snapToGrid })),
  setMiniMap: (showMiniMap) => set({ showMiniMap }),
  setSearchOpen: (searchOpen) => set({ searchOpen, helpOpen: false }),
  setHelpOpen: (helpOpen) => set({ helpOpen, searchOpen: false }),
}));

/**
 * `?canvas=stock` turns the editor's canvas optimisations off (React Flow defaults: every element
 * rendered, detailed nodes at any zoom, minimap always, fit-all on open) — bench/editor's baseline.
 */
export function stockCanvas(): boolean {
  return (
    typeof window !== "undefined" &&
    new URLSearchParams(window.location.search).get("canvas") === "stock"
  );
}

/** Last pointer position over the canvas (client coordinates), where Ctrl-V pastes. */
export const lastPointer: { x: number; y: number; inside: boolean } = { x: 0, y: 0, inside: false };

/** Whether the minimap shows: the user's choice, else on for graphs up to MINIMAP_MAX_TASKS. */
export function useMiniMapShown(): boolean {
  const pref = useCanvasSettings((s) => s.showMiniMap);
  const small = useEditorStore((s) => s.nodes.length <= MINIMAP_MAX_TASKS);
  return pref ?? small;
}

export function currentMiniMap(): boolean {
  const pref = useCanvasSettings.getState().showMiniMap;
  return pref ?? useEditorStore.getState().nodes.length <= MINIMAP_MAX_TASKS;
}
