import {
  combineDependencies,
  dependencyStatus,
  dependentWindow,
  type DependencyStatus,
  type DependentParams,
} from "@shoal/core";
import { taskInstance, workflow, workflowInstance, type DbOrTx } from "@shoal/db";
import { and, desc, eq, ne, sql } from "drizzle-orm";

export interface DependentItemCheck {
  workflowId: string;
  taskCode: string | null;
  window: string;
  status: DependencyStatus;
  /** The instance looked at (the latest in the window), if any. */
  instanceId: string | null;
  instanceState: string | null;
}

export interface DependentCheck {
  status: DependencyStatus;
  items: DependentItemCheck[];
  /** "waiting for workflow X (2026-11-20) to succeed", for the first item that holds the task back. */
  reason: string;
}

/**
 * Checks a dependent task's items against Postgres: for each, the latest instance of the named workflow
 * (same project) whose schedule time (or start time, for manual runs) falls in the item's window.
 */
export async function checkDependent(
  tx: DbOrTx,
  opts: {
    projectId: string;
    selfInstanceId: string;
    params: DependentParams;
    base: Date;
    timeZone: string;
  },
): Promise<DependentCheck | { error: string }> {
  const items: DependentItemCheck[] = [];
  const reasons: string[] = [];
  for (const item of opts.params.items) {
    const w = dependentWindow(item.dateValue, opts.base, opts.timeZone);
    if (!w.ok) return { error: w.error };
    const [wf] = await tx
      .select({ name: workflow.name })
      .from(workflow)
      .where(and(eq(workflow.id, item.workflowId), eq(workflow.projectId, opts.projectId)));
    if (!wf)
      return {
        error: `depends on workflow ${item.workflowId}, which does not exist in this project`,
      };
    const at = sql`coalesce(${workflowInstance.scheduleTime}, ${workflowInstance.startTime}, ${workflowInstance.createdAt})`;
    const [inst] = await tx
      .select({
        id: workflowInstance.id,
        state: workflowInstance.state,
        generation: workflowInstance.generation,
      })
      .from(workflowInstance)
      .where(
        and(
          eq(workflowInstance.workflowId, item.workflowId),
          ne(workflowInstance.id, opts.selfInstanceId),
          sql`${at} >= ${w.value.start.toISOString()}::timestamptz`,
          sql`${at} < ${w.value.end.toISOString()}::timestamptz`,
        ),
      )
      .orderBy(desc(at))
      .limit(1);
    let taskState: string | null = null;
    if (inst && item.taskCode) {
      const [t] = await tx
        .select({ state: taskInstance.state })
        .from(taskInstance)
        .where(
          and(
            eq(taskInstance.workflowInstanceId, inst.id),
            eq(taskInstance.generation, inst.generation),
            eq(taskInstance.taskCode, item.taskCode),
          ),
        )
        .orderBy(desc(taskInstance.attempt))
        .limit(1);
      taskState = t?.state ?? null;
    }
    const status = dependencyStatus(inst ? { state: inst.state, taskState } : null, item);
    items.push({
      workflowId: item.workflowId,
      taskCode: item.taskCode,
      window: w.value.label,
      status,
      instanceId: inst?.id ?? null,
      instanceState: inst?.state ?? null,
    });
    if (status !== "met") {
      const what = item.taskCode
        ? `task ${item.taskCode} of workflow ${wf.name}`
        : `workflow ${wf.name}`;
      reasons.push(
        status === "failed"
          ? `${what} (${w.value.label}) failed`
          : `waiting for ${what} (${w.value.label}) to succeed`,
      );
    }
  }
  return {
    status: combineDependencies(
      opts.params.relation,
      items.map((i) => i.status),
    ),
    items,
    reason: reasons.join("; "),
  };
}
