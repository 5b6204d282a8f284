import type { NodeTypes } from "@xyflow/react";
import { InstanceTaskNodeView } from "./nodes/instance-task-node";
import { TaskNodeView } from "./nodes/task-node";

// Module scope: React Flow re-mounts every node when this object's identity changes.
export const editorNodeTypes = { task: TaskNodeView } satisfies NodeTypes;
export const instanceNodeTypes = { instanceTask: InstanceTaskNodeView } satisfies NodeTypes;
