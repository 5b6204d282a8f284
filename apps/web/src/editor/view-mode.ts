import { create } from "zustand";

export type DiffMark = "added" | "removed" | "changed";

interface ViewMode {
  /** An older version (or a diff) is open: the canvas and forms cannot change it. */
  readOnly: boolean;
  /** Diff marks by task code when the canvas shows a version diff; empty otherwise. */
  diff: ReadonlyMap<string, DiffMark>;
  set: (mode: { readOnly: boolean; diff?: ReadonlyMap<string, DiffMark> }) => void;
}

/** How the editor is being viewed, apart from the graph itself (kept out of the editing store). */
export const useViewMode = create<ViewMode>()((set) => ({
  readOnly: false,
  diff: new Map(),
  set: ({ readOnly, diff }) => set({ readOnly, diff: diff ?? new Map() }),
}));

/** Border and ring of a task node carrying a diff mark. */
export const DIFF_NODE_CLASS: Record<DiffMark, string> = {
  added: "border-emerald-500 ring-2 ring-emerald-200 !bg-emerald-50",
  removed: "border-red-500 ring-2 ring-red-200 !bg-red-50 opacity-70 border-dashed",
  changed: "border-amber-500 ring-2 ring-amber-200 !bg-amber-50",
};
