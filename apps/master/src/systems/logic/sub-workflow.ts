import { isTaskSuccess, isWorkflowFinal, type WorkflowInstanceState } from "@shoal/core";
import {
  command,
  taskInstance,
  workflow,
  workflowInstance,
  workflowVersion,
  type DbOrTx,
} from "@shoal/db";
import { and, asc, desc, eq } from "drizzle-orm";

/** How often a running sub_workflow task re-checks its child, in case a finished-event was lost. */
export const SUB_WORKFLOW_CHECK_MS = 5_000;

/** What a sub_workflow task records in its attempt's detail. */
export interface SubWorkflowDetail {
  workflowId: string;
  version: number;
  /** The START command that creates the child (the child instance carries it). */
  commandId?: string;
  childInstanceId?: string;
  /** A parent STOP/PAUSE was passed on to the child. */
  stopSent?: boolean;
  pauseSent?: boolean;
  /** Number of the next durable check timer. */
  seq?: number;
}

/** The version to run: the pinned one if it exists, else the current one; null when the workflow is missing. */
export async function subWorkflowVersion(
  tx: DbOrTx,
  projectId: string,
  params: { workflowId: string; version: number | null },
): Promise<{ name: string; version: number } | { error: string }> {
  const [wf] = await tx
    .select({ name: workflow.name, currentVersion: workflow.currentVersion })
    .from(workflow)
    .where(and(eq(workflow.id, params.workflowId), eq(workflow.projectId, projectId)));
  if (!wf) return { error: `sub-workflow ${params.workflowId} does not exist in this project` };
  if (params.version === null) {
    return wf.currentVersion > 0
      ? { name: wf.name, version: wf.currentVersion }
      : { error: `sub-workflow "${wf.name}" (${params.workflowId}) was never saved` };
  }
  const [v] = await tx
    .select({ version: workflowVersion.version })
    .from(workflowVersion)
    .where(
      and(
        eq(workflowVersion.workflowId, params.workflowId),
        eq(workflowVersion.version, params.version),
      ),
    );
  return v
    ? { name: wf.name, version: v.version }
    : {
        error: `sub-workflow "${wf.name}" (${params.workflowId}) has no version ${params.version}`,
      };
}

export interface ChildInfo {
  id: string;
  state: WorkflowInstanceState;
  name: string;
  owner: string | null;
}

const childColumns = {
  id: workflowInstance.id,
  state: workflowInstance.state,
  name: workflowInstance.name,
  owner: workflowInstance.owner,
};

/** The child instance of a sub_workflow attempt, by id or by the START command that creates it. */
export async function findChild(tx: DbOrTx, detail: SubWorkflowDetail): Promise<ChildInfo | null> {
  if (detail.childInstanceId) {
    const [c] = await tx
      .select(childColumns)
      .from(workflowInstance)
      .where(eq(workflowInstance.id, detail.childInstanceId));
    return c ?? null;
  }
  if (!detail.commandId) return null;
  const [c] = await tx
    .select(childColumns)
    .from(workflowInstance)
    .where(eq(workflowInstance.commandId, detail.commandId));
  return c ?? null;
}

/** Why the child's START command was refused, if it was. */
export async function rejectedStart(tx: DbOrTx, commandId: string): Promise<string | null> {
  const [c] = await tx
    .select({ status: command.status, error: command.error })
    .from(command)
    .where(eq(command.id, commandId));
  return c?.status === "REJECTED" ? (c.error ?? "rejected") : null;
}

/**
 * The newest child started by an earlier attempt of the same task in this generation of the parent: a
 * recover continues it instead of starting a new one.
 */
export async function previousChild(
  tx: DbOrTx,
  parentId: string,
  taskCode: string,
  generation: number,
): Promise<ChildInfo | null> {
  const [c] = await tx
    .select(childColumns)
    .from(workflowInstance)
    .innerJoin(taskInstance, eq(taskInstance.id, workflowInstance.parentTaskInstanceId))
    .where(
      and(
        eq(workflowInstance.parentInstanceId, parentId),
        eq(taskInstance.taskCode, taskCode),
        eq(taskInstance.generation, generation),
      ),
    )
    .orderBy(desc(workflowInstance.createdAt))
    .limit(1);
  return c ?? null;
}

/** The OUT params of a finished child: every successful task's, later tasks winning. */
export async function childOutParams(tx: DbOrTx, childId: string): Promise<Record<string, string>> {
  const [child] = await tx
    .select({ generation: workflowInstance.generation })
    .from(workflowInstance)
    .where(eq(workflowInstance.id, childId));
  if (!child) return {};
  const rows = await tx
    .select({ state: taskInstance.state, outParams: taskInstance.outParams })
    .from(taskInstance)
    .where(
      and(
        eq(taskInstance.workflowInstanceId, childId),
        eq(taskInstance.generation, child.generation),
      ),
    )
    .orderBy(asc(taskInstance.endTime));
  const out: Record<string, string> = {};
  for (const r of rows) if (isTaskSuccess(r.state) && r.outParams) Object.assign(out, r.outParams);
  return out;
}

export const isChildFinal = (c: ChildInfo): boolean => isWorkflowFinal(c.state);
