import { assertNever } from "../errors";
import type { TaskInstanceState as State } from "../statuses";
import { accept, reject, type Transition } from "./types";

export type TaskEvent =
  | { type: "delayed" }
  | { type: "dispatched" }
  | { type: "started"; host: string }
  | { type: "succeeded" }
  | { type: "failed"; exitCode: number | null; reason?: string }
  | { type: "killed" }
  | { type: "paused" }
  /** A task running inside the master (a sub-workflow whose child paused, a waiting dependent) pauses with its instance. */
  | { type: "suspended" }
  | { type: "timedOut"; strategy: "warn" | "fail" | "warnfail" }
  | { type: "workerLost" }
  | { type: "forceSucceeded"; workflowFinished: boolean };

export type TaskEffect =
  /** Create the next attempt after `delayMs` (durable timer). */
  | { type: "scheduleRetry"; delayMs: number; nextAttempt: number }
  | { type: "killTask" }
  | { type: "notify"; event: "taskFailed" | "taskTimedOut" | "taskFailover" };

export interface TaskContext {
  /** 1-based attempt number of this row. */
  attempt: number;
  retries: number;
  retryIntervalSeconds: number;
}

type Result = Transition<State, TaskEffect>;

const canRetry = (ctx: TaskContext) => ctx.attempt <= ctx.retries;
const retry = (ctx: TaskContext): TaskEffect => ({
  type: "scheduleRetry",
  delayMs: ctx.retryIntervalSeconds * 1000,
  nextAttempt: ctx.attempt + 1,
});

function failure(ctx: TaskContext, extra: TaskEffect[] = []): Result {
  return accept("FAILURE", [
    ...extra,
    canRetry(ctx) ? retry(ctx) : { type: "notify", event: "taskFailed" },
  ]);
}

/** The task-instance (one attempt) state machine. Final attempts never change; retries are new attempts. */
export function transitionTask(state: State, event: TaskEvent, ctx: TaskContext): Result {
  const active =
    state === "SUBMITTED" ||
    state === "DELAY_EXECUTION" ||
    state === "DISPATCHED" ||
    state === "RUNNING";
  switch (event.type) {
    case "delayed":
      return state === "SUBMITTED"
        ? accept("DELAY_EXECUTION")
        : reject(`cannot delay a task that is ${state}`);
    case "dispatched":
      return state === "SUBMITTED" || state === "DELAY_EXECUTION"
        ? accept("DISPATCHED")
        : reject(`cannot dispatch a task that is ${state}`);
    case "started":
      return state === "DISPATCHED"
        ? accept("RUNNING")
        : reject(`cannot start a task that is ${state}`);
    case "succeeded":
      // A finished event may overtake its started event (they travel on the same queue but are batched).
      return state === "RUNNING" || state === "DISPATCHED"
        ? accept("SUCCESS")
        : reject(`cannot succeed a task that is ${state}`);
    case "failed":
      return state === "RUNNING" ||
        state === "DISPATCHED" ||
        state === "SUBMITTED" ||
        state === "DELAY_EXECUTION"
        ? failure(ctx)
        : reject(`cannot fail a task that is ${state}`);
    case "killed":
      return active ? accept("KILL") : reject(`cannot kill a task that is ${state}`);
    case "paused":
      return state === "SUBMITTED" || state === "DELAY_EXECUTION"
        ? accept("PAUSE")
        : reject(`only a task not yet dispatched can pause, this one is ${state}`);
    case "suspended":
      return state === "RUNNING"
        ? accept("PAUSE")
        : reject(`only a running task can be suspended, this one is ${state}`);
    case "timedOut":
      if (state !== "RUNNING" && state !== "DISPATCHED")
        return reject(`a task that is ${state} cannot time out`);
      if (event.strategy === "warn")
        return accept(state, [{ type: "notify", event: "taskTimedOut" }]);
      return failure(ctx, [
        { type: "killTask" },
        ...(event.strategy === "warnfail"
          ? [{ type: "notify", event: "taskTimedOut" } as const]
          : []),
      ]);
    case "workerLost":
      // Re-run at most once per failure: a new attempt now, regardless of the retry budget.
      return state === "RUNNING" || state === "DISPATCHED"
        ? accept("NEED_FAILOVER", [
            { type: "scheduleRetry", delayMs: 0, nextAttempt: ctx.attempt + 1 },
            { type: "notify", event: "taskFailover" },
          ])
        : reject(`a task that is ${state} has no worker to lose`);
    case "forceSucceeded":
      if (state !== "FAILURE" && state !== "KILL")
        return reject(`only a failed or killed task can be forced, this one is ${state}`);
      if (!event.workflowFinished)
        return reject("force success needs the workflow instance to have finished");
      return accept("FORCED_SUCCESS");
    default:
      return assertNever(event, "task event");
  }
}
