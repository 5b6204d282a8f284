/** Closes exhaustive switches: compile error when a case is missing, runtime error if reached. */
export function assertNever(value: never, what = "value"): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}

/** A problem with a user's workflow definition, naming the task (by code) and field it concerns. */
export interface ValidationIssue {
  /** Stable machine-readable code, e.g. `cycle`, `unknown_edge_target`. */
  code: string;
  /** The task concerned, when there is one. */
  taskCode?: string;
  taskName?: string;
  /** Dotted path of the offending field, e.g. `params.script`. */
  field?: string;
  message: string;
}

export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };
