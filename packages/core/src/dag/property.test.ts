import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Edge } from "../format/workflow";
import { validateWorkflow } from "../format/validate";
import type { FailureStrategy, TaskInstanceState } from "../statuses";
import { buildDag, type Dag, downstreamClosure } from "./graph";
import { readiness } from "./readiness";

interface RandomDag {
  codes: string[];
  edges: Edge[];
}

/**
 * n tasks in a random order; edges only go from an earlier to a later task in that order, so the graph
 * is always acyclic, whatever the codes' own order.
 */
const randomDag = (minTasks = 1, maxTasks = 25): fc.Arbitrary<RandomDag> =>
  fc.integer({ min: minTasks, max: maxTasks }).chain((n) =>
    fc
      .record({
        order: fc.shuffledSubarray(
          Array.from({ length: n }, (_, i) => `t${i}`),
          { minLength: n, maxLength: n },
        ),
        pairs: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 3 * n }),
      })
      .map(({ order, pairs }) => {
        const edges = new Map<string, Edge>();
        for (const [x, y] of pairs) {
          const [i, j] = x < y ? [x, y] : [y, x];
          if (i !== j) edges.set(`${i}>${j}`, { from: order[i]!, to: order[j]! });
        }
        return { codes: Array.from({ length: n }, (_, i) => `t${i}`), edges: [...edges.values()] };
      }),
  );

const taskName = (code: string) => `Task ${code}`;
const definition = ({ codes, edges }: RandomDag) => ({
  name: "random",
  tasks: codes.map((code) => ({
    code,
    name: taskName(code),
    type: "shell",
    params: { script: "true" },
  })),
  edges,
});

interface Run {
  outcome: "SUCCESS" | "FAILURE" | undefined;
  blocked: string[];
  runs: Map<string, number>;
  startedAt: Map<string, number>;
  finishedAt: Map<string, number>;
  failed: Set<string>;
  firstFailureAt: number;
}

/**
 * Runs the DAG the way a master would: dispatch every ready task, let some subset of the running ones
 * finish in random order, ask readiness again. With `mayFail`, each finishing task fails one time in five.
 */
function simulate(
  dag: Dag,
  failureStrategy: FailureStrategy,
  g: fc.GeneratorValue,
  mayFail: boolean,
): Run {
  const states = new Map<string, TaskInstanceState>();
  const run: Run = {
    outcome: undefined,
    blocked: [],
    runs: new Map(),
    startedAt: new Map(),
    finishedAt: new Map(),
    failed: new Set(),
    firstFailureAt: Infinity,
  };
  let clock = 0;
  // Each round finishes at least one task, so this bounds a correct run.
  for (let round = 0; round <= dag.codes.length + 1; round++) {
    const r = readiness(dag, states, { failureStrategy });
    if (r.done) {
      run.outcome = r.outcome;
      run.blocked = r.blocked;
      return run;
    }
    for (const code of r.ready) {
      states.set(code, "RUNNING");
      run.runs.set(code, (run.runs.get(code) ?? 0) + 1);
      run.startedAt.set(code, clock++);
    }
    const running = [...states].filter(([, s]) => s === "RUNNING").map(([c]) => c);
    if (running.length === 0) throw new Error("not done, yet nothing ready and nothing running");
    const finishing = g(fc.shuffledSubarray, running, { minLength: 1 });
    for (const code of finishing) {
      const fails = mayFail && g(fc.integer, { min: 0, max: 4 }) === 0;
      states.set(code, fails ? "FAILURE" : "SUCCESS");
      run.finishedAt.set(code, clock++);
      if (fails) {
        run.failed.add(code);
        run.firstFailureAt = Math.min(run.firstFailureAt, run.finishedAt.get(code)!);
      }
    }
  }
  throw new Error("the run did not terminate");
}

describe("random DAGs", () => {
  it("validate", () => {
    fc.assert(
      fc.property(randomDag(), (d) => {
        const result = validateWorkflow(definition(d));
        expect(result.ok).toBe(true);
        expect(result.ok && result.value.tasks.length).toBe(d.codes.length);
      }),
    );
  });

  it("run every task exactly once, in topological order, and succeed", () => {
    fc.assert(
      fc.property(
        randomDag(),
        fc.constantFrom<FailureStrategy>("END", "CONTINUE"),
        fc.gen(),
        (d, strategy, g) => {
          const dag = buildDag(d.codes, d.edges);
          const run = simulate(dag, strategy, g, false);
          expect(run.outcome).toBe("SUCCESS");
          expect(run.blocked).toEqual([]);
          for (const code of d.codes) expect(run.runs.get(code), code).toBe(1);
          for (const { from, to } of d.edges)
            expect(run.finishedAt.get(from)!, `${from} → ${to}`).toBeLessThan(
              run.startedAt.get(to)!,
            );
        },
      ),
    );
  });

  it("with failures, terminate and never start a task after an upstream failed", () => {
    fc.assert(
      fc.property(
        randomDag(),
        fc.constantFrom<FailureStrategy>("END", "CONTINUE"),
        fc.gen(),
        (d, strategy, g) => {
          const dag = buildDag(d.codes, d.edges);
          const run = simulate(dag, strategy, g, true);
          const anyFailed = run.failed.size > 0;
          expect(run.outcome).toBe(anyFailed ? "FAILURE" : "SUCCESS");
          for (const [code, n] of run.runs) expect(n, code).toBe(1);
          // A task starts only after every upstream finished, and none of them failed.
          for (const { from, to } of d.edges) {
            if (!run.startedAt.has(to)) continue;
            expect(run.failed.has(from), `${to} ran after ${from} failed`).toBe(false);
            expect(run.finishedAt.get(from)!).toBeLessThan(run.startedAt.get(to)!);
          }
          const downstreamOfFailure = downstreamClosure(dag, [...run.failed]);
          for (const code of run.failed) downstreamOfFailure.delete(code);
          expect([...run.blocked].sort()).toEqual([...downstreamOfFailure].sort());
          if (strategy === "END") {
            // Nothing new is dispatched after the first failure.
            for (const [code, at] of run.startedAt)
              expect(at, code).toBeLessThan(run.firstFailureAt);
          } else {
            // Everything not downstream of a failure ran.
            for (const code of d.codes)
              if (!downstreamOfFailure.has(code)) expect(run.runs.get(code), code).toBe(1);
          }
        },
      ),
    );
  });

  it("with a back edge along a path, report the cycle naming tasks on it", () => {
    // Several paths between the two ends make several loops through the back edge: one message must
    // still name a path that exists.
    const withPath = randomDag(4)
      .filter((d) => d.edges.length > 0)
      .chain((d) => {
        const dag = buildDag(d.codes, d.edges);
        const sources = d.codes.filter((c) => (dag.downstream.get(c) ?? []).length > 0);
        return fc.constantFrom(...sources).chain((from) => {
          const reachable = [...downstreamClosure(dag, [from])].filter((c) => c !== from);
          return fc.constantFrom(...reachable).map((to) => ({ ...d, path: { from, to } }));
        });
      });
    fc.assert(
      fc.property(withPath, ({ codes, edges, path }) => {
        const back = { from: path.to, to: path.from };
        const result = validateWorkflow(definition({ codes, edges: [...edges, back] }));
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(result.error.map((i) => i.code)).toEqual(["cycle"]);
        const message = result.error[0]!.message;
        const prefix = "cycle between tasks: ";
        expect(message.startsWith(prefix)).toBe(true);
        const named = message.slice(prefix.length).split(" → ");
        // The message closes the loop and every step is an edge, so it names a cycle that exists...
        expect(named[0]).toBe(named[named.length - 1]);
        const all = [...edges, back];
        for (let i = 0; i + 1 < named.length; i++) {
          const step = {
            from: named[i]!.replace("Task ", ""),
            to: named[i + 1]!.replace("Task ", ""),
          };
          expect(all, `${step.from} → ${step.to}`).toContainEqual(step);
        }
        // ...and every cycle here passes through the added edge.
        expect(named).toContain(taskName(path.from));
        expect(named).toContain(taskName(path.to));
      }),
      { numRuns: 300 },
    );
  });
});
