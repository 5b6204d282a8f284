import { Handle, Position, useStore, type NodeProps, type ReactFlowState } from "@xyflow/react";
import { getTaskType } from "@shoal/core";
import { memo } from "react";
import { cn } from "~/_components/cn";
import { stockCanvas } from "../perf-flags";
import { TaskTypeIcon } from "../task-type-icon";
import { NODE_HEIGHT, NODE_WIDTH, type TaskNode } from "../types";
import { DIFF_NODE_CLASS, useViewMode } from "../view-mode";

/** Below this zoom a task's text is unreadable, so it is drawn as a plain box (much cheaper to paint). */
const DETAIL_ZOOM = 0.4;
const zoomedOut = (s: ReactFlowState) => s.transform[2] < DETAIL_ZOOM;
const STOCK = stockCanvas();

/** An editable task on the editor canvas: upstreams connect on the left, downstreams on the right. */
export const TaskNodeView = memo(function TaskNodeView({
  id,
  data,
  selected,
}: NodeProps<TaskNode>) {
  const { task, issues } = data;
  const simple = useStore(zoomedOut) && !STOCK;
  const diff = useViewMode((s) => s.diff.get(id));
  const type = getTaskType(task.type);
  const hasIssues = !!issues?.length;
  return (
    <div
      data-testid={`task-node-${task.name}`}
      data-code={task.code}
      data-diff={diff}
      title={hasIssues ? issues.join("\n") : undefined}
      style={{ width: NODE_WIDTH, minHeight: NODE_HEIGHT }}
      className={cn(
        "flex items-center gap-2 rounded-lg border bg-white px-2.5 py-2",
        !simple && "shadow-sm",
        hasIssues
          ? "border-red-500 ring-2 ring-red-200"
          : diff
            ? DIFF_NODE_CLASS[diff]
            : selected
              ? "border-sky-500 ring-2 ring-sky-200"
              : "border-slate-300",
        task.prohibitExecution && "opacity-60",
      )}
    >
      <Handle
        type="target"
        position={Position.Left}
        data-testid="handle-target"
        className="!bg-slate-500"
      />
      {simple ? (
        <div className="h-9 w-full rounded bg-slate-200" aria-label={task.name} />
      ) : (
        <>
          <TaskTypeIcon type={task.type} />
          <div className="min-w-0 flex-1">
            <div className="truncate text-sm leading-tight font-medium text-slate-900">
              {task.name}
            </div>
            <div
              className={cn(
                "truncate text-[11px] leading-tight",
                type ? "text-slate-500" : "text-red-600",
              )}
            >
              {type?.label ?? `unknown type "${task.type}"`}
              {task.retries > 0 && ` · ${task.retries} retries`}
            </div>
          </div>
          {hasIssues && (
            <span
              className="text-xs font-bold text-red-600"
              aria-label={`${issues.length} problems`}
            >
              !
            </span>
          )}
        </>
      )}
      <Handle
        type="source"
        position={Position.Right}
        data-testid="handle-source"
        className="!bg-sky-600"
      />
    </div>
  );
});
