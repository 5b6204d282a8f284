import { and, eq } from "drizzle-orm";
import {
  isWorkflowFinal,
  transitionWorkflow,
  type FailureStrategy,
  type Priority,
  type WorkflowEvent,
} from "@shoal/core";
import {
  command,
  workflow,
  workflowInstance,
  workflowVersion,
  type Db,
  type RunOptions,
} from "@shoal/db";
import type { ApiDeps } from "../deps";
import { BadRequestError, NotFoundError } from "../errors";
import type { SessionUser } from "./auth";

export interface RunInput {
  projectId: string;
  workflowId: string;
  failureStrategy?: FailureStrategy;
  priority?: Priority;
  workerGroup?: string;
  paramOverrides?: Record<string, string>;
  startTask?: { code: string; mode: "only" | "downstream" | "upstream" };
  /** Walk the DAG without executing anything: every task succeeds at once (the master's dry run). */
  dryRun?: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts a run through the command outbox: the START command row is committed first, then its job is
 * enqueued (jobId `cmd-<id>`). A failed enqueue is only logged: the row stays PENDING and the master's
 * sweeper re-enqueues it. Then waits (up to `deps.runWaitMs`) for the master to create the instance.
 */
export async function startWorkflow(
  deps: ApiDeps,
  user: SessionUser,
  input: RunInput,
): Promise<{ commandId: string; instanceId: string | null }> {
  const commandId = await deps.db.transaction(async (tx) => {
    const [wf] = await tx
      .select({ id: workflow.id, name: workflow.name, currentVersion: workflow.currentVersion })
      .from(workflow)
      .where(and(eq(workflow.id, input.workflowId), eq(workflow.projectId, input.projectId)))
      .for("share");
    if (!wf) throw new NotFoundError(`workflow ${input.workflowId}`);
    if (wf.currentVersion === 0) throw new BadRequestError("save the workflow before running it");
    if (input.startTask)
      await assertTaskInVersion(tx, wf.id, wf.currentVersion, input.startTask.code);
    const options: RunOptions = {};
    if (input.paramOverrides && Object.keys(input.paramOverrides).length > 0)
      options.paramOverrides = input.paramOverrides;
    if (input.startTask) options.startTask = input.startTask;
    if (input.dryRun) options.dryRun = true;
    const [row] = await tx
      .insert(command)
      .values({
        type: "START",
        projectId: input.projectId,
        workflowId: wf.id,
        workflowVersion: wf.currentVersion,
        options,
        failureStrategy: input.failureStrategy ?? "END",
        priority: input.priority ?? "MEDIUM",
        workerGroup: input.workerGroup ?? "default",
        createdBy: user.id,
      })
      .returning({ id: command.id });
    return row!.id;
  });

  try {
    await deps.queues.enqueueCommand({ commandId });
  } catch (err) {
    deps.warn(`enqueue of command ${commandId} failed; the sweeper will re-enqueue it`, err);
  }

  return { commandId, instanceId: await waitForInstance(deps, commandId, deps.runWaitMs) };
}

/** Refuses a start task that the version to run does not contain, naming it. */
async function assertTaskInVersion(
  tx: Pick<Db, "select">,
  workflowId: string,
  version: number,
  code: string,
): Promise<void> {
  const [v] = await tx
    .select({ definition: workflowVersion.definition })
    .from(workflowVersion)
    .where(and(eq(workflowVersion.workflowId, workflowId), eq(workflowVersion.version, version)));
  if (!v?.definition.tasks.some((t) => t.code === code)) {
    throw new BadRequestError(
      `task "${code}" is not in version ${version} of the workflow: cannot run from it`,
    );
  }
}

/** Polls Postgres (the truth) for the instance a command created; null when none appeared in time. */
async function waitForInstance(
  deps: ApiDeps,
  commandId: string,
  timeoutMs: number,
): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await deps.db
      .select({ id: workflowInstance.id })
      .from(workflowInstance)
      .where(eq(workflowInstance.commandId, commandId));
    if (row) return row.id;
    if (Date.now() >= deadline) return null;
    await sleep(Math.min(50, Math.max(0, deadline - Date.now())));
  }
}

/** Commands a user may send to an existing instance (the owning master applies them). */
export const INSTANCE_COMMANDS = [
  "STOP",
  "PAUSE",
  "RECOVER_PAUSED",
  "RECOVER_FAILED",
  "RERUN",
  "FORCE_SUCCESS",
] as const;
export type InstanceCommand = (typeof INSTANCE_COMMANDS)[number];

const EVENT_OF: Record<Exclude<InstanceCommand, "FORCE_SUCCESS">, WorkflowEvent> = {
  STOP: { type: "stop" },
  PAUSE: { type: "pause" },
  RECOVER_PAUSED: { type: "recoverPaused" },
  RECOVER_FAILED: { type: "recoverFailed" },
  RERUN: { type: "rerun" },
};

/**
 * Writes an instance command (outbox row with `instanceId`) and enqueues it on the commands queue; the
 * master that consumes it forwards it to the instance's owner. Commands the instance's current state
 * cannot take are refused here with the state machine's reason (the master re-checks when applying).
 */
export async function sendInstanceCommand(
  deps: ApiDeps,
  user: SessionUser,
  input: { projectId: string; instanceId: string; type: InstanceCommand; taskCode?: string },
): Promise<{ commandId: string }> {
  const commandId = await deps.db.transaction(async (tx) => {
    const [inst] = await tx
      .select({
        id: workflowInstance.id,
        state: workflowInstance.state,
        workflowId: workflowInstance.workflowId,
        workflowVersion: workflowInstance.workflowVersion,
      })
      .from(workflowInstance)
      .where(
        and(
          eq(workflowInstance.id, input.instanceId),
          eq(workflowInstance.projectId, input.projectId),
        ),
      )
      .for("share");
    if (!inst) throw new NotFoundError(`instance ${input.instanceId}`);
    if (input.type === "FORCE_SUCCESS") {
      if (!input.taskCode) throw new BadRequestError("name the task to force to success");
      if (!isWorkflowFinal(inst.state))
        throw new BadRequestError(
          `a task can be forced to success only once the instance has finished (it is ${inst.state})`,
        );
    } else {
      const t = transitionWorkflow(inst.state, EVENT_OF[input.type]);
      if (!t.ok) throw new BadRequestError(t.reason);
    }
    const [row] = await tx
      .insert(command)
      .values({
        type: input.type,
        projectId: input.projectId,
        workflowId: inst.workflowId,
        workflowVersion: inst.workflowVersion,
        instanceId: inst.id,
        options: input.taskCode ? { taskCode: input.taskCode } : {},
        createdBy: user.id,
      })
      .returning({ id: command.id });
    return row!.id;
  });
  try {
    await deps.queues.enqueueCommand({ commandId });
  } catch (err) {
    deps.warn(`enqueue of command ${commandId} failed; the sweeper will re-enqueue it`, err);
  }
  return { commandId };
}
