import { assertNever } from "../errors";
import type { WorkflowInstanceState as State } from "../statuses";
import { accept, reject, type Transition } from "./types";

export type WorkflowEvent =
  | { type: "start" }
  | { type: "pause" }
  | { type: "stop" }
  /** Nothing is active and nothing more can be dispatched (from `readiness().done`). */
  | { type: "settled"; outcome: "SUCCESS" | "FAILURE"; anyFailed: boolean }
  | { type: "recoverPaused" }
  | { type: "recoverFailed" }
  | { type: "rerun" }
  /** A user forced a failed task to success after the instance finished. */
  | { type: "taskForced" };

export type WorkflowEffect =
  /** Dispatch every ready task (readiness decides which). */
  | { type: "dispatchReady" }
  /** Not-yet-dispatched tasks end PAUSE; running ones finish. */
  | { type: "pausePendingTasks" }
  /** Kill the process group of every active task; pending ones end KILL. */
  | { type: "killActiveTasks" }
  /** New attempts for the tasks that ended PAUSE (or KILL by a stop) and dispatch again. */
  | { type: "resumeInterruptedTasks" }
  /** New attempts for FAILURE and KILL tasks, keeping successes; everything downstream runs again. */
  | { type: "retryFailedTasks" }
  /** Forget every task's state: the whole DAG runs again as new attempts. */
  | { type: "resetAllTasks" }
  | { type: "notify"; event: "workflowSucceeded" | "workflowFailed" | "workflowStopped" | "workflowPaused" };

type Result = Transition<State, WorkflowEffect>;

const finished = (outcome: "SUCCESS" | "FAILURE"): Result =>
  accept(outcome, [{ type: "notify", event: outcome === "SUCCESS" ? "workflowSucceeded" : "workflowFailed" }]);

/**
 * The workflow-instance state machine. Stop always wins over pause: a stop during READY_PAUSE stops, a
 * pause during READY_STOP is rejected.
 */
export function transitionWorkflow(state: State, event: WorkflowEvent): Result {
  switch (event.type) {
    case "start":
      if (state === "SUBMITTED" || state === "SERIAL_WAIT") return accept("RUNNING", [{ type: "dispatchReady" }]);
      return reject(`cannot start an instance that is ${state}`);
    case "pause":
      if (state === "RUNNING") return accept("READY_PAUSE", [{ type: "pausePendingTasks" }]);
      if (state === "READY_PAUSE") return reject("the instance is already pausing");
      if (state === "READY_STOP") return reject("the instance is stopping; stop wins over pause");
      return reject(`cannot pause an instance that is ${state}`);
    case "stop":
      if (state === "RUNNING" || state === "READY_PAUSE" || state === "SUBMITTED")
        return accept("READY_STOP", [{ type: "killActiveTasks" }]);
      if (state === "SERIAL_WAIT" || state === "PAUSE")
        return accept("STOP", [{ type: "notify", event: "workflowStopped" }]);
      if (state === "READY_STOP") return reject("the instance is already stopping");
      return reject(`cannot stop an instance that is ${state}`);
    case "settled":
      switch (state) {
        case "RUNNING":
          return finished(event.outcome);
        case "READY_PAUSE":
          if (event.outcome === "SUCCESS" || event.anyFailed) return finished(event.outcome);
          return accept("PAUSE", [{ type: "notify", event: "workflowPaused" }]);
        case "READY_STOP":
          if (event.outcome === "SUCCESS") return finished("SUCCESS");
          return accept("STOP", [{ type: "notify", event: "workflowStopped" }]);
        default:
          return reject(`an instance that is ${state} has nothing to settle`);
      }
    case "recoverPaused":
      if (state === "PAUSE" || state === "STOP")
        return accept("RUNNING", [{ type: "resumeInterruptedTasks" }, { type: "dispatchReady" }]);
      return reject(`only a paused or stopped instance can be recovered, this one is ${state}`);
    case "recoverFailed":
      if (state === "FAILURE") return accept("RUNNING", [{ type: "retryFailedTasks" }, { type: "dispatchReady" }]);
      return reject(`only a failed instance can be recovered from failure, this one is ${state}`);
    case "rerun":
      if (state === "SUCCESS" || state === "FAILURE" || state === "STOP" || state === "PAUSE")
        return accept("RUNNING", [{ type: "resetAllTasks" }, { type: "dispatchReady" }]);
      return reject(`only a finished instance can be rerun, this one is ${state}`);
    case "taskForced":
      if (state === "FAILURE" || state === "STOP") return accept("RUNNING", [{ type: "dispatchReady" }]);
      return reject(`force success needs a finished instance, this one is ${state}`);
    default:
      return assertNever(event, "workflow event");
  }
}
