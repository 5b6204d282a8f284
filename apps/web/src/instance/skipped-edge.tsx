import {
  BaseEdge,
  getSmoothStepPath,
  type Edge,
  type EdgeProps,
  type EdgeTypes,
} from "@xyflow/react";
import { memo } from "react";

/** An edge into a task on a branch not taken; `hint` says so on hover. */
export type SkippedEdge = Edge<{ hint: string }, "skipped">;

// slate-300: fainter than a live edge, like the muted node it leads to.
export const SKIPPED_EDGE_COLOR = "#cbd5e1";

/** A smoothstep edge, greyed and dashed, with its reason as the SVG title (tooltip). */
const SkippedEdgeView = memo(function SkippedEdgeView({
  sourceX,
  sourceY,
  targetX,
  targetY,
  sourcePosition,
  targetPosition,
  markerEnd,
  style,
  data,
}: EdgeProps<SkippedEdge>) {
  const [path] = getSmoothStepPath({
    sourceX,
    sourceY,
    targetX,
    targetY,
    sourcePosition,
    targetPosition,
  });
  return (
    <>
      {data?.hint && <title>{data.hint}</title>}
      <BaseEdge path={path} markerEnd={markerEnd} style={style} />
    </>
  );
});

// Module scope: React Flow re-mounts every edge when this object's identity changes.
export const instanceEdgeTypes = { skipped: SkippedEdgeView } satisfies EdgeTypes;
