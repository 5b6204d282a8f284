import { and, desc, eq, gte, ilike, inArray, lt, type SQL } from "drizzle-orm";
import type { TaskInstanceState } from "@shoal/core";
import { taskInstance, workflow, workflowInstance, type Db } from "@shoal/db";
import { likePattern } from "./instances";

export interface ListTasksInput {
  projectId: string;
  limit: number;
  offset: number;
  states?: TaskInstanceState[];
  /** Substring of the task's name, case-insensitive. */
  taskName?: string;
  /** Substring of the worker host, case-insensitive. */
  host?: string;
  /** Submitted at or after / before these instants. */
  from?: Date;
  to?: Date;
  instanceId?: string;
}

/** Task attempts across a project, newest submitted first, with their instance and workflow names. */
export async function listTaskInstances(db: Db, input: ListTasksInput) {
  const where: (SQL | undefined)[] = [eq(taskInstance.projectId, input.projectId)];
  if (input.states?.length) where.push(inArray(taskInstance.state, input.states));
  if (input.taskName) where.push(ilike(taskInstance.taskName, likePattern(input.taskName)));
  if (input.host) where.push(ilike(taskInstance.host, likePattern(input.host)));
  if (input.from) where.push(gte(taskInstance.submitTime, input.from));
  if (input.to) where.push(lt(taskInstance.submitTime, input.to));
  if (input.instanceId) where.push(eq(taskInstance.workflowInstanceId, input.instanceId));
  const [items, count] = await Promise.all([
    db
      .select({
        id: taskInstance.id,
        instanceId: taskInstance.workflowInstanceId,
        instanceName: workflowInstance.name,
        workflowId: workflowInstance.workflowId,
        workflowName: workflow.name,
        taskCode: taskInstance.taskCode,
        taskName: taskInstance.taskName,
        taskType: taskInstance.taskType,
        generation: taskInstance.generation,
        attempt: taskInstance.attempt,
        state: taskInstance.state,
        waitReason: taskInstance.waitReason,
        host: taskInstance.host,
        exitCode: taskInstance.exitCode,
        submitTime: taskInstance.submitTime,
        startTime: taskInstance.startTime,
        endTime: taskInstance.endTime,
      })
      .from(taskInstance)
      .innerJoin(workflowInstance, eq(workflowInstance.id, taskInstance.workflowInstanceId))
      .innerJoin(workflow, eq(workflow.id, workflowInstance.workflowId))
      .where(and(...where))
      .orderBy(desc(taskInstance.submitTime), desc(taskInstance.id))
      .limit(input.limit)
      .offset(input.offset),
    db.$count(taskInstance, and(...where)),
  ]);
  return { items, total: count };
}
