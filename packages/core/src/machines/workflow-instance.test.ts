import { describe, expect, it } from "vitest";
import { WORKFLOW_INSTANCE_STATES, type WorkflowInstanceState as State } from "../statuses";
import { type WorkflowEffect, type WorkflowEvent, transitionWorkflow } from "./workflow-instance";

/** One or more samples per event type; the matrix below needs an expectation for each. */
const EVENTS = {
  start: { type: "start" },
  pause: { type: "pause" },
  stop: { type: "stop" },
  "settled SUCCESS": { type: "settled", outcome: "SUCCESS", anyFailed: false },
  "settled FAILURE, a task failed": { type: "settled", outcome: "FAILURE", anyFailed: true },
  "settled FAILURE, tasks paused": { type: "settled", outcome: "FAILURE", anyFailed: false },
  recoverPaused: { type: "recoverPaused" },
  recoverFailed: { type: "recoverFailed" },
  rerun: { type: "rerun" },
  taskForced: { type: "taskForced" },
} as const satisfies Record<string, WorkflowEvent>;
type EventName = keyof typeof EVENTS;

// Adding an event type to WorkflowEvent without a sample above is a compile error here.
type Unsampled = Exclude<WorkflowEvent["type"], (typeof EVENTS)[EventName]["type"]>;
const everyEventTypeSampled: [Unsampled] extends [never] ? true : Unsampled = true;

type Expected = { state: State; effects: WorkflowEffect[] } | { rejected: string | true };

const to = (state: State, ...effects: WorkflowEffect[]): Expected => ({ state, effects });
/** Rejected; with a reason when the exact words matter to users. */
const no = (reason: string | true = true): Expected => ({ rejected: reason });

const dispatchReady: WorkflowEffect = { type: "dispatchReady" };
const notify = (event: Extract<WorkflowEffect, { type: "notify" }>["event"]): WorkflowEffect => ({
  type: "notify",
  event,
});
const succeeded = to("SUCCESS", notify("workflowSucceeded"));
const failed = to("FAILURE", notify("workflowFailed"));
const stopped = to("STOP", notify("workflowStopped"));
const rerun = to("RUNNING", { type: "resetAllTasks" }, dispatchReady);
const resumed = to("RUNNING", { type: "resumeInterruptedTasks" }, dispatchReady);
const stopping = to("READY_STOP", { type: "killActiveTasks" });

const MATRIX: Record<State, Record<EventName, Expected>> = {
  SUBMITTED: {
    start: to("RUNNING", dispatchReady),
    pause: no("cannot pause an instance that is SUBMITTED"),
    stop: stopping,
    "settled SUCCESS": no("an instance that is SUBMITTED has nothing to settle"),
    "settled FAILURE, a task failed": no(),
    "settled FAILURE, tasks paused": no(),
    recoverPaused: no(),
    recoverFailed: no(),
    rerun: no("only a finished instance can be rerun, this one is SUBMITTED"),
    taskForced: no(),
  },
  SERIAL_WAIT: {
    start: to("RUNNING", dispatchReady),
    pause: no(),
    stop: stopped,
    "settled SUCCESS": no(),
    "settled FAILURE, a task failed": no(),
    "settled FAILURE, tasks paused": no(),
    recoverPaused: no(),
    recoverFailed: no(),
    rerun: no(),
    taskForced: no(),
  },
  RUNNING: {
    start: no("cannot start an instance that is RUNNING"),
    pause: to("READY_PAUSE", { type: "pausePendingTasks" }),
    stop: stopping,
    "settled SUCCESS": succeeded,
    "settled FAILURE, a task failed": failed,
    "settled FAILURE, tasks paused": failed,
    recoverPaused: no("only a paused or stopped instance can be recovered, this one is RUNNING"),
    recoverFailed: no("only a failed instance can be recovered from failure, this one is RUNNING"),
    rerun: no(),
    taskForced: no("force success needs a finished instance, this one is RUNNING"),
  },
  READY_PAUSE: {
    start: no(),
    pause: no("the instance is already pausing"),
    stop: stopping, // stop wins over pause
    "settled SUCCESS": succeeded,
    "settled FAILURE, a task failed": failed,
    "settled FAILURE, tasks paused": to("PAUSE", notify("workflowPaused")),
    recoverPaused: no(),
    recoverFailed: no(),
    rerun: no(),
    taskForced: no(),
  },
  PAUSE: {
    start: no(),
    pause: no(),
    stop: stopped,
    "settled SUCCESS": no(),
    "settled FAILURE, a task failed": no(),
    "settled FAILURE, tasks paused": no(),
    recoverPaused: resumed,
    recoverFailed: no(),
    rerun,
    taskForced: no(),
  },
  READY_STOP: {
    start: no(),
    pause: no("the instance is stopping; stop wins over pause"),
    stop: no("the instance is already stopping"),
    "settled SUCCESS": succeeded,
    "settled FAILURE, a task failed": stopped,
    "settled FAILURE, tasks paused": stopped,
    recoverPaused: no(),
    recoverFailed: no(),
    rerun: no(),
    taskForced: no(),
  },
  STOP: {
    start: no(),
    pause: no(),
    stop: no("cannot stop an instance that is STOP"),
    "settled SUCCESS": no(),
    "settled FAILURE, a task failed": no(),
    "settled FAILURE, tasks paused": no(),
    recoverPaused: resumed,
    recoverFailed: no(),
    rerun,
    taskForced: to("RUNNING", dispatchReady),
  },
  SUCCESS: {
    start: no(),
    pause: no(),
    stop: no(),
    "settled SUCCESS": no("an instance that is SUCCESS has nothing to settle"),
    "settled FAILURE, a task failed": no(),
    "settled FAILURE, tasks paused": no(),
    recoverPaused: no(),
    recoverFailed: no(),
    rerun,
    taskForced: no(),
  },
  FAILURE: {
    start: no(),
    pause: no(),
    stop: no(),
    "settled SUCCESS": no(),
    "settled FAILURE, a task failed": no(),
    "settled FAILURE, tasks paused": no(),
    recoverPaused: no(),
    recoverFailed: to("RUNNING", { type: "retryFailedTasks" }, dispatchReady),
    rerun,
    taskForced: to("RUNNING", dispatchReady),
  },
};

describe("transitionWorkflow", () => {
  it("has an expectation for every state and event", () => {
    expect(everyEventTypeSampled).toBe(true);
    expect(Object.keys(MATRIX).sort()).toEqual([...WORKFLOW_INSTANCE_STATES].sort());
  });

  const rows = WORKFLOW_INSTANCE_STATES.flatMap((state) =>
    (Object.keys(EVENTS) as EventName[]).map((event) => ({
      state,
      event,
      expected: MATRIX[state][event],
    })),
  );

  it.each(rows)("$state + $event", ({ state, event, expected }) => {
    const result = transitionWorkflow(state, EVENTS[event]);
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

describe("stop wins over pause", () => {
  it("a stop during a pause ends STOP, and a late pause cannot undo it", () => {
    const pausing = transitionWorkflow("RUNNING", { type: "pause" });
    expect(pausing).toMatchObject({ ok: true, state: "READY_PAUSE" });
    const stoppingNow = transitionWorkflow("READY_PAUSE", { type: "stop" });
    expect(stoppingNow).toMatchObject({ ok: true, state: "READY_STOP" });
    expect(transitionWorkflow("READY_STOP", { type: "pause" }).ok).toBe(false);
    const settled = transitionWorkflow("READY_STOP", {
      type: "settled",
      outcome: "FAILURE",
      anyFailed: false,
    });
    expect(settled).toMatchObject({ ok: true, state: "STOP" });
  });
});
