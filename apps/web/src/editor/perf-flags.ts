/** Query flags bench/editor uses; read once per page load. */
function flag(name: string): string | null {
  return typeof window === "undefined"
    ? null
    : new URLSearchParams(window.location.search).get(name);
}

/**
 * `?canvas=stock` turns the editor's canvas optimisations off (React Flow defaults: every element
 * rendered, detailed nodes at any zoom, minimap always, fit-all on open, layout on the main thread)
 * — bench/editor's baseline, measured in the same run.
 */
export function stockCanvas(): boolean {
  return flag("canvas") === "stock";
}

/** `?bench=1` exposes the editor store as `window.shoalEditor` so the bench can read timings. */
export function benchHook(): boolean {
  return flag("bench") !== null;
}
