import { isTaskSuccess, type TaskInstanceState } from "../statuses";
import type { Dag } from "./graph";

/**
 * Tasks a branch decision rules out. `decisions` maps each decided conditions/switch task to the direct
 * downstream tasks it chose; its other direct downstream tasks are skipped, and so is every task whose
 * upstreams are all skipped (a join with one live upstream still runs, as in DolphinScheduler).
 *
 * Skipped tasks get no task instance: they never run, and the workflow completes without them.
 */
export function skippedTasks(
  dag: Dag,
  decisions: ReadonlyMap<string, readonly string[]>,
): Set<string> {
  const skipped = new Set<string>();
  const queue: string[] = [];
  for (const [code, chosen] of decisions) {
    for (const next of dag.downstream.get(code) ?? []) {
      if (!chosen.includes(next) && !skipped.has(next)) {
        skipped.add(next);
        queue.push(next);
      }
    }
  }
  while (queue.length > 0) {
    for (const next of dag.downstream.get(queue.pop()!) ?? []) {
      if (skipped.has(next)) continue;
      if ((dag.upstream.get(next) ?? []).every((u) => skipped.has(u))) {
        skipped.add(next);
        queue.push(next);
      }
    }
  }
  return skipped;
}

/**
 * A failed task whose failure a conditions task downstream of it handles: it neither stops dispatch
 * (failure strategy END) nor fails the instance; the conditions task decides what runs next.
 */
export function isFailureHandled(dag: Dag, code: string, conditions: ReadonlySet<string>): boolean {
  return (dag.downstream.get(code) ?? []).some((d) => conditions.has(d));
}

/**
 * The branch decisions recorded on latest attempts: a successful switch or conditions attempt's
 * `detail.next`. Feed it to {@link skippedTasks} (the master does; a page can too, to show skipped tasks).
 */
export function branchDecisions(
  attempts: Iterable<{
    taskCode: string;
    taskType: string;
    state: TaskInstanceState;
    detail?: Record<string, unknown> | null;
  }>,
): Map<string, string[]> {
  const decisions = new Map<string, string[]>();
  for (const a of attempts) {
    const next = a.detail?.next;
    if (
      (a.taskType === "switch" || a.taskType === "conditions") &&
      isTaskSuccess(a.state) &&
      Array.isArray(next)
    ) {
      decisions.set(
        a.taskCode,
        next.filter((c): c is string => typeof c === "string"),
      );
    }
  }
  return decisions;
}
