import { create } from "zustand";
interface CanvasSettings {
  snapToGrid: boolean;
  showMiniMap: boolean;
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
  showMiniMap: true,
  searchOpen: false,
  helpOpen: false,
  toggleSnap: () => set((s) => ({ snapToGrid: !s.snapToGrid })),
  setMiniMap: (showMiniMap) => set({ showMiniMap }),
  setSearchOpen: (searchOpen) => set({ searchOpen, helpOpen: false }),
  setHelpOpen: (helpOpen) => set({ helpOpen, searchOpen: false }),
}));

/** Last pointer position over the canvas (client coordinates), where Ctrl-V pastes. */
export const lastPointer: { x: number; y: number; inside: boolean } = { x: 0, y: 0, inside: false };
