import {
  branchDecisions,
  buildDag,
  skippedTasks,
  type Edge,
  type TaskInstanceState,
} from "@shoal/core";

export interface LatestAttempt {
  taskCode: string;
  taskType: string;
  state: string;
  detail?: Record<string, unknown> | null;
}

/** A task on a branch not taken: it gets no attempt. `by` names the switch/conditions tasks that ruled it out. */
export interface Skipped {
  by: string[];
}

/**
 * The tasks of an instance skipped by its switch/conditions decisions (from the latest attempts of the
 * current generation), each with the names of the deciding tasks. A task with an attempt is never
 * listed: what it did wins over what the graph implies.
 */
export function skippedOf(
  definition: { tasks: readonly { code: string; name: string }[]; edges: readonly Edge[] },
  latest: readonly LatestAttempt[],
): Map<string, Skipped> {
  const dag = buildDag(
    definition.tasks.map((t) => t.code),
    definition.edges,
  );
  const decisions = branchDecisions(
    latest.map((a) => ({ ...a, state: a.state as TaskInstanceState })),
  );
  const attempted = new Set(latest.map((a) => a.taskCode));
  const skipped = skippedTasks(dag, decisions);
  const names = new Map(definition.tasks.map((t) => [t.code, t.name]));

  // Who ruled a task out: the deciders that did not choose it directly, else whoever ruled out its
  // (all skipped) upstreams.
  const memo = new Map<string, Set<string>>();
  const deciders = (code: string): Set<string> => {
    const known = memo.get(code);
    if (known) return known;
    const found = new Set<string>();
    memo.set(code, found); // guards a (never valid) cycle
    for (const up of dag.upstream.get(code) ?? []) {
      const chosen = decisions.get(up);
      if (chosen && !chosen.includes(code)) found.add(up);
    }
    if (found.size === 0) {
      for (const up of dag.upstream.get(code) ?? [])
        if (skipped.has(up)) for (const d of deciders(up)) found.add(d);
    }
    return found;
  };

  const out = new Map<string, Skipped>();
  for (const t of definition.tasks) {
    if (!skipped.has(t.code) || attempted.has(t.code)) continue;
    out.set(t.code, { by: [...deciders(t.code)].map((c) => names.get(c) ?? c) });
  }
  return out;
}

/** "branch not taken by route" — why a task is skipped, for tooltips and labels. */
export function skipReason(s: Skipped): string {
  return s.by.length > 0 ? `branch not taken by ${s.by.join(", ")}` : "branch not taken";
}
