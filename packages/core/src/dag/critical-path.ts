import type { Dag } from "./graph";

/** The chain of tasks that decided how long a run took, and that chain's total duration. */
export interface CriticalPath {
  /** Task codes from the first to the last task of the chain, following edges. */
  codes: string[];
  /** Sum of the chain's durations, in the unit the durations came in. */
  total: number;
}

/**
 * The longest path through `dag` weighted by each task's duration: the tasks whose time adds up to the
 * run's length, so speeding up any other task would not have ended the run sooner. Tasks without a
 * duration (not run, or out of scope) weigh nothing and are left out of the result. Ties go to the
 * task listed first in `dag.codes`, so the answer is stable. Ignores edges that would close a cycle
 * (validation rejects those before a run exists).
 *
 * @param duration milliseconds (or any unit) a task took; `undefined` when it did not run
 */
export function criticalPath(
  dag: Dag,
  duration: (code: string) => number | undefined,
): CriticalPath {
  const order = topologicalOrder(dag);
  const rank = new Map(dag.codes.map((c, i) => [c, i]));
  const best = new Map<string, number>();
  const prev = new Map<string, string | null>();
  for (const code of order) {
    let from: string | null = null;
    let longest = 0;
    for (const up of dag.upstream.get(code) ?? []) {
      const b = best.get(up);
      if (b === undefined) continue;
      if (from === null || b > longest || (b === longest && rank.get(up)! < rank.get(from)!)) {
        from = up;
        longest = b;
      }
    }
    best.set(code, longest + Math.max(0, duration(code) ?? 0));
    prev.set(code, from);
  }

  let end: string | null = null;
  for (const code of order) {
    if (duration(code) === undefined) continue;
    const b = best.get(code)!;
    if (
      end === null ||
      b > best.get(end)! ||
      (b === best.get(end)! && rank.get(code)! < rank.get(end)!)
    )
      end = code;
  }
  if (end === null) return { codes: [], total: 0 };
  const codes: string[] = [];
  for (let c: string | null = end; c !== null; c = prev.get(c) ?? null) {
    if (duration(c) !== undefined) codes.push(c);
  }
  return { codes: codes.reverse(), total: best.get(end)! };
}

/** Kahn's algorithm in `dag.codes` order; nodes on a cycle are appended last so every code appears once. */
function topologicalOrder(dag: Dag): string[] {
  const indegree = new Map(dag.codes.map((c) => [c, (dag.upstream.get(c) ?? []).length]));
  const ready = dag.codes.filter((c) => indegree.get(c) === 0);
  const out: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < ready.length; i++) {
    const c = ready[i]!;
    out.push(c);
    seen.add(c);
    for (const d of dag.downstream.get(c) ?? []) {
      const n = indegree.get(d)! - 1;
      indegree.set(d, n);
      if (n === 0) ready.push(d);
    }
  }
  for (const c of dag.codes) if (!seen.has(c)) out.push(c);
  return out;
}
