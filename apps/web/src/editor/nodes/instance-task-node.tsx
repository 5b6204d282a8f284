import { Handle, Position, type NodeProps } from "@xyflow/react";
import { getTaskType } from "@shoal/core";
import { memo } from "react";
import { cn } from "~/_components/cn";
import { StateIcon } from "~/_components/state-badge";
import { SKIPPED_STYLE, stateStyle } from "~/_components/state-style";
import { TaskTypeIcon } from "../task-type-icon";
import { NODE_HEIGHT, NODE_WIDTH, type InstanceTaskNode } from "../types";

/**
 * A read-only task on the instance page, coloured by the live state of its latest attempt; a task on a
 * branch not taken (no attempt) is muted and dashed with a "skipped" label.
 */
export const InstanceTaskNodeView = memo(function InstanceTaskNodeView({
  data,
}: NodeProps<InstanceTaskNode>) {
  const { task, state, attempt, waitReason, skippedBy } = data;
  // No attempt and ruled out by a branch decision: say which task decided, on the node and on hover.
  const skip =
    !state && skippedBy ? `not taken by ${skippedBy.join(", ") || "a branch decision"}` : null;
  const s = skip ? SKIPPED_STYLE : stateStyle(state);
  return (
    <div
      key={state ?? (skip ? "skipped" : "none")}
      data-testid={`task-node-${task.name}`}
      data-state={state ?? (skip ? "SKIPPED" : "NOT_STARTED")}
      data-code={task.code}
      title={`${task.name}: ${waitReason ? `waiting: ${waitReason}` : skip ? `skipped, branch ${skip}` : s.hint}`}
      data-wait-reason={waitReason ?? undefined}
      style={{ width: NODE_WIDTH, minHeight: NODE_HEIGHT }}
      className={cn(
        "state-enter flex cursor-pointer items-center gap-2 rounded-lg border-2 px-2.5 py-2 shadow-sm",
        s.node,
      )}
    >
      <Handle
        type="target"
        position={Position.Left}
        isConnectable={false}
        className="!bg-slate-400"
      />
      <TaskTypeIcon type={task.type} />
      <div className="min-w-0 flex-1">
        <div
          className={cn(
            "truncate text-sm font-medium leading-tight",
            skip ? "text-slate-500" : "text-slate-900",
          )}
        >
          {task.name}
        </div>
        <div className="flex items-center gap-1 truncate text-[11px] leading-tight text-slate-600">
          <StateIcon icon={s.icon} className="size-3" />
          <span>{state ?? (skip ? "skipped" : "not started")}</span>
          {attempt != null && attempt > 1 && <span>· attempt {attempt}</span>}
          {!state && <span className="sr-only">{getTaskType(task.type)?.label}</span>}
        </div>
        {skip && <div className="truncate text-[10px] leading-tight text-slate-500">{skip}</div>}
        {waitReason && (
          <div className="truncate text-[10px] leading-tight text-slate-500">{waitReason}</div>
        )}
      </div>
      <Handle
        type="source"
        position={Position.Right}
        isConnectable={false}
        className="!bg-slate-400"
      />
    </div>
  );
});
