import type { FailureStrategy, TaskInstanceState } from "../statuses";
import { isTaskActive, isTaskFailed, isTaskSuccess } from "../statuses";
import { isFailureHandled } from "./branches";
import type { Dag } from "./graph";

export type WorkflowOutcome = "SUCCESS" | "FAILURE";

export interface Readiness {
  /** Tasks whose upstreams all succeeded and that have no attempt yet: dispatch them (unless pausing). */
  ready: string[];
  /** Tasks with an attempt that is not over. */
  active: string[];
  /** Tasks that can never run in this instance because an upstream failed (or was skipped). */
  blocked: string[];
  /** Nothing is active and nothing more can become ready. */
  done: boolean;
  /** Set when done: SUCCESS when every task in scope succeeded, else FAILURE. */
  outcome?: WorkflowOutcome;
}

/**
 * Decides what a workflow instance does next from its DAG and the state of each task's latest attempt
 * (`undefined` = not started). `scope` limits the run to some tasks (run-from-here); tasks outside it
 * count as succeeded. With failure strategy END, a failure stops new dispatches; with CONTINUE, every
 * branch not downstream of a failure goes on. A PAUSE task counts as not finished: the instance is done
 * (and a recover can pick it up) once nothing is active.
 *
 * Branching: `skipped` tasks (ruled out by a switch or conditions decision, see `skippedTasks`) never
 * run and count as done; downstream tasks treat them as satisfied. `conditions` tasks become ready once
 * every upstream has finished, successfully or not, and a failure they handle neither stops dispatch
 * nor fails the instance.
 */
export function readiness(
  dag: Dag,
  states: ReadonlyMap<string, TaskInstanceState | undefined>,
  opts: {
    failureStrategy: FailureStrategy;
    scope?: ReadonlySet<string>;
    skipped?: ReadonlySet<string>;
    conditions?: ReadonlySet<string>;
  },
): Readiness {
  const skipped = opts.skipped ?? new Set<string>();
  const conditions = opts.conditions ?? new Set<string>();
  const inScope = (c: string) => !opts.scope || opts.scope.has(c);
  const succeeded = (c: string) => {
    if (!inScope(c)) return true;
    const s = states.get(c);
    if (s === undefined) return skipped.has(c);
    return isTaskSuccess(s);
  };
  const finished = (c: string) => {
    const s = states.get(c);
    return succeeded(c) || (s !== undefined && isTaskFailed(s));
  };
  const ready: string[] = [];
  const active: string[] = [];
  const blocked: string[] = [];
  let anyFailed = false;
  let allSucceeded = true;

  // Unstarted tasks downstream of a failure can never run in this instance (a conditions task right
  // after the failed task is the exception: it runs to handle the failure).
  const blockedSet = new Set<string>();
  const failed = dag.codes.filter((c) => {
    const s = states.get(c);
    return inScope(c) && s !== undefined && isTaskFailed(s);
  });
  const failedSet = new Set(failed);
  const queue = [...failed];
  while (queue.length > 0) {
    const from = queue.pop()!;
    for (const next of dag.downstream.get(from) ?? []) {
      if (failedSet.has(from) && conditions.has(next)) continue;
      if (
        !blockedSet.has(next) &&
        inScope(next) &&
        states.get(next) === undefined &&
        !skipped.has(next)
      ) {
        blockedSet.add(next);
        queue.push(next);
      }
    }
  }

  for (const code of dag.codes) {
    if (!inScope(code)) continue;
    const s = states.get(code);
    if (s === undefined) {
      if (skipped.has(code)) continue;
      allSucceeded = false;
      if (blockedSet.has(code)) {
        blocked.push(code);
      } else if (
        (dag.upstream.get(code) ?? []).every(conditions.has(code) ? finished : succeeded)
      ) {
        ready.push(code);
      } // else it waits on an upstream that is active or paused
      continue;
    }
    if (isTaskSuccess(s)) continue;
    if (isTaskFailed(s) && isFailureHandled(dag, code, conditions)) continue;
    allSucceeded = false;
    if (isTaskActive(s)) active.push(code);
    else if (isTaskFailed(s)) anyFailed = true;
    // PAUSE and NEED_FAILOVER wait for a recover or a failover to create a new attempt
  }

  const stopDispatch = anyFailed && opts.failureStrategy === "END";
  const readyNow = stopDispatch ? [] : ready;
  const done = active.length === 0 && readyNow.length === 0;
  const result: Readiness = { ready: readyNow, active, blocked, done };
  if (done) result.outcome = allSucceeded ? "SUCCESS" : "FAILURE";
  return result;
}
