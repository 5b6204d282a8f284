import type { Edge } from "../format/workflow";

/** Adjacency view of a workflow's DAG, keyed by task code. */
export interface Dag {
  codes: readonly string[];
  upstream: ReadonlyMap<string, readonly string[]>;
  downstream: ReadonlyMap<string, readonly string[]>;
}

export function buildDag(codes: readonly string[], edges: readonly Edge[]): Dag {
  const upstream = new Map<string, string[]>(codes.map((c) => [c, []]));
  const downstream = new Map<string, string[]>(codes.map((c) => [c, []]));
  for (const { from, to } of edges) {
    const up = upstream.get(to);
    const down = downstream.get(from);
    if (!up || !down) continue; // edges to unknown codes are reported by validation
    if (!up.includes(from)) up.push(from);
    if (!down.includes(to)) down.push(to);
  }
  return { codes, upstream, downstream };
}

/**
 * One cycle per strongly connected component with more than one node (or a self-loop), listed in edge
 * order (each task has an edge to the next, the last one to the first). Iterative Tarjan, so 20 000-task graphs don't overflow the stack.
 */
export function findCycles(dag: Dag): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let next = 0;

  for (const root of dag.codes) {
    if (index.has(root)) continue;
    const work: Array<{ node: string; i: number }> = [{ node: root, i: 0 }];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const succ = dag.downstream.get(frame.node) ?? [];
      if (frame.i < succ.length) {
        const w = succ[frame.i++]!;
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push({ node: w, i: 0 });
        } else if (onStack.has(w)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(w)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== frame.node);
        const selfLoop = component.length === 1 && (dag.downstream.get(w) ?? []).includes(w);
        if (component.length > 1) cycles.push(cycleThrough(dag, w, new Set(component)));
        else if (selfLoop) cycles.push(component);
      }
    }
  }
  return cycles;
}

/**
 * The shortest cycle through `root` inside its strongly connected component, in edge order. A component
 * can hold several loops (a ⇄ b, a ⇄ c), so listing its members would name a path that does not exist.
 */
function cycleThrough(dag: Dag, root: string, component: ReadonlySet<string>): string[] {
  const prev = new Map<string, string>();
  const queue = [root];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    for (const next of dag.downstream.get(node) ?? []) {
      if (next === root) {
        const path = [node];
        for (let cur = node; cur !== root; ) {
          cur = prev.get(cur)!;
          path.push(cur);
        }
        return path.reverse();
      }
      if (component.has(next) && !prev.has(next)) {
        prev.set(next, node);
        queue.push(next);
      }
    }
  }
  return [...component]; // unreachable: every node of a component reaches its root
}

/** Would adding `from → to` close a cycle? Returns the path `to … from` that the edge would close. */
export function pathClosedBy(dag: Dag, from: string, to: string): string[] | null {
  if (from === to) return [from];
  const prev = new Map<string, string>();
  const queue = [to];
  const seen = new Set([to]);
  while (queue.length > 0) {
    const node = queue.shift()!;
    if (node === from) {
      const path = [from];
      let cur = from;
      while (cur !== to) {
        cur = prev.get(cur)!;
        path.unshift(cur);
      }
      return path;
    }
    for (const next of dag.downstream.get(node) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        prev.set(next, node);
        queue.push(next);
      }
    }
  }
  return null;
}

/** Kahn's order; assumes the graph is acyclic (validated). */
export function topologicalOrder(dag: Dag): string[] {
  const indegree = new Map(dag.codes.map((c) => [c, dag.upstream.get(c)?.length ?? 0]));
  const queue = dag.codes.filter((c) => indegree.get(c) === 0);
  const order: string[] = [];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    order.push(node);
    for (const next of dag.downstream.get(node) ?? []) {
      const d = indegree.get(next)! - 1;
      indegree.set(next, d);
      if (d === 0) queue.push(next);
    }
  }
  return order;
}

function closure(start: readonly string[], adjacency: ReadonlyMap<string, readonly string[]>): Set<string> {
  const seen = new Set(start);
  const queue = [...start];
  while (queue.length > 0) {
    for (const next of adjacency.get(queue.pop()!) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

/** The given tasks and everything downstream of them. */
export const downstreamClosure = (dag: Dag, codes: readonly string[]): Set<string> =>
  closure(codes, dag.downstream);
/** The given tasks and everything upstream of them. */
export const upstreamClosure = (dag: Dag, codes: readonly string[]): Set<string> =>
  closure(codes, dag.upstream);
