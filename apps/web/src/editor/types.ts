import type { Edge, Node } from "@xyflow/react";
import type { Param, TaskDefinition } from "@shoal/core";

/** A task on the editor canvas; `task.code` is always the node id. */
export type TaskNodeData = {
  task: TaskDefinition;
  /** Messages of the last save's issues that name this task. */
  issues?: string[];
};
export type TaskNode = Node<TaskNodeData, "task">;

/** A task on the instance page: the pinned definition plus its latest attempt's live state. */
export type InstanceTaskNodeData = {
  task: TaskDefinition;
  state: string | null;
  attempt: number | null;
  /** Why the task waits, while it does (retry interval, delay, no worker...). */
  waitReason?: string | null;
  /** Set when switch/conditions tasks did not take this task's branch: their names (may be empty). */
  skippedBy?: readonly string[] | null;
};
export type InstanceTaskNode = Node<InstanceTaskNodeData, "instanceTask">;

/** Every node type Shoal renders. */
export type ShoalNode = TaskNode | InstanceTaskNode;
export type DagEdge = Edge;

/** The workflow-level part of a definition, kept beside the canvas. */
export interface WorkflowMeta {
  name: string;
  description: string;
  globalParams: Param[];
}

export const NODE_WIDTH = 184;
export const NODE_HEIGHT = 56;
