/**
 * Undo/redo as two bounded stacks of snapshots. Pure and generic: the editor stores the
 * definition-level state (tasks, positions, edges, workflow meta) — never selection or viewport.
 *
 * `record` is called with the state from BEFORE an edit. Edits carrying the same coalesce key within
 * `coalesceMs` of each other (typing into one field, nudging with arrow keys) share one entry.
 */
export interface History<S> {
  readonly past: readonly S[];
  readonly future: readonly S[];
  readonly limit: number;
  readonly coalesceMs: number;
  /** Key and time of the last recorded edit, for coalescing. */
  readonly lastKey: string | null;
  readonly lastAt: number;
}

export function createHistory<S>(limit = 100, coalesceMs = 1000): History<S> {
  return { past: [], future: [], limit, coalesceMs, lastKey: null, lastAt: 0 };
}

export function record<S>(
  h: History<S>,
  before: S,
  key: string | null = null,
  now = 0,
): History<S> {
  if (key !== null && key === h.lastKey && now - h.lastAt <= h.coalesceMs && h.past.length > 0)
    return { ...h, future: [], lastAt: now };
  const past = [...h.past, before];
  if (past.length > h.limit) past.splice(0, past.length - h.limit);
  return { ...h, past, future: [], lastKey: key, lastAt: now };
}

/** Steps back: the state to restore and the history after it, or null when there is nothing to undo. */
export function undo<S>(h: History<S>, current: S): { history: History<S>; state: S } | null {
  const state = h.past.at(-1);
  if (state === undefined) return null;
  return {
    state,
    history: { ...h, past: h.past.slice(0, -1), future: [...h.future, current], lastKey: null },
  };
}

export function redo<S>(h: History<S>, current: S): { history: History<S>; state: S } | null {
  const state = h.future.at(-1);
  if (state === undefined) return null;
  return {
    state,
    history: { ...h, future: h.future.slice(0, -1), past: [...h.past, current], lastKey: null },
  };
}

export const canUndo = (h: History<unknown>) => h.past.length > 0;
export const canRedo = (h: History<unknown>) => h.future.length > 0;
