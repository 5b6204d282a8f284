import { create } from "zustand";
import { useEditorStore } from "./store";

/** Above this many tasks the minimap starts hidden: it draws every task again on every change. */
export const MINIMAP_MAX_TASKS = 1500;

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
