import { describe, expect, it } from "vitest";
import { TASK_INSTANCE_STATES, type TaskInstanceState as State } from "../statuses";
import { type TaskContext, type TaskEffect, type TaskEvent, transitionTask } from "./task-instance";

/** Attempt 1 of 3 (two retries left), 30 s between attempts. */
const RETRY_LEFT: TaskContext = { attempt: 1, retries: 2, retryIntervalSeconds: 30 };
/** Attempt 3 of 3: no retry left. */
const LAST: TaskContext = { attempt: 3, retries: 2, retryIntervalSeconds: 30 };

/** One or more samples per event type (with the attempt they happen on); each needs an expectation below. */
const EVENTS = {
  delayed: { event: { type: "delayed" }, ctx: RETRY_LEFT },
  dispatched: { event: { type: "dispatched" }, ctx: RETRY_LEFT },
  started: { event: { type: "started", host: "worker-1" }, ctx: RETRY_LEFT },
  succeeded: { event: { type: "succeeded" }, ctx: RETRY_LEFT },
  "failed, retry left": { event: { type: "failed", exitCode: 1 }, ctx: RETRY_LEFT },
  "failed, last attempt": { event: { type: "failed", exitCode: 1, reason: "boom" }, ctx: LAST },
  killed: { event: { type: "killed" }, ctx: RETRY_LEFT },
  paused: { event: { type: "paused" }, ctx: RETRY_LEFT },
  suspended: { event: { type: "suspended" }, ctx: RETRY_LEFT },
  "timedOut warn": { event: { type: "timedOut", strategy: "warn" }, ctx: RETRY_LEFT },
  "timedOut fail, retry left": { event: { type: "timedOut", strategy: "fail" }, ctx: RETRY_LEFT },
  "timedOut fail, last attempt": { event: { type: "timedOut", strategy: "fail" }, ctx: LAST },
  "timedOut warnfail": { event: { type: "timedOut", strategy: "warnfail" }, ctx: LAST },
  workerLost: { event: { type: "workerLost" }, ctx: RETRY_LEFT },
  "workerLost, last attempt": { event: { type: "workerLost" }, ctx: LAST },
  "forceSucceeded, workflow finished": {
    event: { type: "forceSucceeded", workflowFinished: true },
    ctx: LAST,
  },
  "forceSucceeded, workflow running": {
    event: { type: "forceSucceeded", workflowFinished: false },
    ctx: LAST,
  },
} as const satisfies Record<string, { event: TaskEvent; ctx: TaskContext }>;
type EventName = keyof typeof EVENTS;

// Adding an event type to TaskEvent without a sample above is a compile error here.
type Unsampled = Exclude<TaskEvent["type"], (typeof EVENTS)[EventName]["event"]["type"]>;
const everyEventTypeSampled: [Unsampled] extends [never] ? true : Unsampled = true;

type Expected = { state: State; effects: TaskEffect[] } | { rejected: string | true };

const to = (state: State, ...effects: TaskEffect[]): Expected => ({ state, effects });
/** Rejected; with a reason when the exact words matter to users. */
const no = (reason: string | true = true): Expected => ({ rejected: reason });

const retryIn30s: TaskEffect = { type: "scheduleRetry", delayMs: 30_000, nextAttempt: 2 };
const notifyFailed: TaskEffect = { type: "notify", event: "taskFailed" };
const notifyTimedOut: TaskEffect = { type: "notify", event: "taskTimedOut" };
const kill: TaskEffect = { type: "killTask" };
const failover = (nextAttempt: number) =>
  to(
    "NEED_FAILOVER",
    { type: "scheduleRetry", delayMs: 0, nextAttempt },
    { type: "notify", event: "taskFailover" },
  );

/** Every event is rejected: a finished attempt never changes. */
const final = (reason?: string): Record<EventName, Expected> => ({
  delayed: no(),
  dispatched: no(),
  started: no(),
  succeeded: no(),
  "failed, retry left": no(),
  "failed, last attempt": no(),
  killed: no(),
  paused: no(),
  suspended: no(),
  "timedOut warn": no(),
  "timedOut fail, retry left": no(),
  "timedOut fail, last attempt": no(),
  "timedOut warnfail": no(),
  workerLost: no(),
  "workerLost, last attempt": no(),
  "forceSucceeded, workflow finished": no(reason),
  "forceSucceeded, workflow running": no(),
});

/** Before a worker has it: it can wait, be dispatched, fail (e.g. cannot be dispatched), be killed or paused. */
const pending = (state: "SUBMITTED" | "DELAY_EXECUTION"): Record<EventName, Expected> => ({
  ...final(),
  delayed:
    state === "SUBMITTED"
      ? to("DELAY_EXECUTION")
      : no("cannot delay a task that is DELAY_EXECUTION"),
  dispatched: to("DISPATCHED"),
  started: no(`cannot start a task that is ${state}`),
  succeeded: no(),
  "failed, retry left": to("FAILURE", retryIn30s),
  "failed, last attempt": to("FAILURE", notifyFailed),
  killed: to("KILL"),
  paused: to("PAUSE"),
  "timedOut warn": no(`a task that is ${state} cannot time out`),
  workerLost: no(`a task that is ${state} has no worker to lose`),
});

/** On a worker (DISPATCHED: its started event may not have arrived yet). */
const onWorker = (state: "DISPATCHED" | "RUNNING"): Record<EventName, Expected> => ({
  ...final(),
  started: state === "DISPATCHED" ? to("RUNNING") : no("cannot start a task that is RUNNING"),
  succeeded: to("SUCCESS"),
  "failed, retry left": to("FAILURE", retryIn30s),
  "failed, last attempt": to("FAILURE", notifyFailed),
  killed: to("KILL"),
  paused: no(`only a task not yet dispatched can pause, this one is ${state}`),
  suspended:
    state === "RUNNING"
      ? to("PAUSE")
      : no("only a running task can be suspended, this one is DISPATCHED"),
  "timedOut warn": to(state, notifyTimedOut),
  "timedOut fail, retry left": to("FAILURE", kill, retryIn30s),
  "timedOut fail, last attempt": to("FAILURE", kill, notifyFailed),
  "timedOut warnfail": to("FAILURE", kill, notifyTimedOut, notifyFailed),
  workerLost: failover(2),
  "workerLost, last attempt": failover(4), // failover does not spend the retry budget
});

const failedOutcome = (state: "FAILURE" | "KILL"): Record<EventName, Expected> => ({
  ...final(),
  "forceSucceeded, workflow finished": to("FORCED_SUCCESS"),
  "forceSucceeded, workflow running": no(
    "force success needs the workflow instance to have finished",
  ),
  killed: no(`cannot kill a task that is ${state}`),
});

const MATRIX: Record<State, Record<EventName, Expected>> = {
  SUBMITTED: pending("SUBMITTED"),
  DELAY_EXECUTION: pending("DELAY_EXECUTION"),
  DISPATCHED: onWorker("DISPATCHED"),
  RUNNING: onWorker("RUNNING"),
  SUCCESS: final("only a failed or killed task can be forced, this one is SUCCESS"),
  FAILURE: failedOutcome("FAILURE"),
  KILL: failedOutcome("KILL"),
  PAUSE: final(),
  NEED_FAILOVER: final(),
  FORCED_SUCCESS: final(),
};

describe("transitionTask", () => {
  it("has an expectation for every state and event", () => {
    expect(everyEventTypeSampled).toBe(true);
    expect(Object.keys(MATRIX).sort()).toEqual([...TASK_INSTANCE_STATES].sort());
  });

  const rows = TASK_INSTANCE_STATES.flatMap((state) =>
    (Object.keys(EVENTS) as EventName[]).map((event) => ({
      state,
      event,
      expected: MATRIX[state][event],
    })),
  );

  it.each(rows)("$state + $event", ({ state, event, expected }) => {
    const { event: e, ctx } = EVENTS[event];
    const result = transitionTask(state, e, ctx);
    if ("rejected" in expected) {
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.reason).toEqual(
        expected.rejected === true ? expect.any(String) : expected.rejected,
      );
      expect(result.reason.length).toBeGreaterThan(0);
    } else {
      expect(result).toEqual({ ok: true, ...expected });
    }
  });
});

describe("retries", () => {
  it.each([
    { attempt: 1, retries: 0, effect: notifyFailed },
    { attempt: 1, retries: 1, effect: { type: "scheduleRetry", delayMs: 5_000, nextAttempt: 2 } },
    { attempt: 2, retries: 2, effect: { type: "scheduleRetry", delayMs: 5_000, nextAttempt: 3 } },
    { attempt: 3, retries: 2, effect: notifyFailed },
  ] satisfies Array<{ attempt: number; retries: number; effect: TaskEffect }>)(
    "attempt $attempt with $retries retries fails with $effect.type",
    ({ attempt, retries, effect }) => {
      const result = transitionTask(
        "RUNNING",
        { type: "failed", exitCode: 2 },
        {
          attempt,
          retries,
          retryIntervalSeconds: 5,
        },
      );
      expect(result).toEqual({ ok: true, state: "FAILURE", effects: [effect] });
    },
  );

  it("retries immediately when the interval is zero", () => {
    const result = transitionTask(
      "RUNNING",
      { type: "failed", exitCode: null },
      {
        attempt: 1,
        retries: 1,
        retryIntervalSeconds: 0,
      },
    );
    expect(result).toEqual({
      ok: true,
      state: "FAILURE",
      effects: [{ type: "scheduleRetry", delayMs: 0, nextAttempt: 2 }],
    });
  });
});
