import { WORKFLOW_INSTANCE_STATES } from "@shoal/core";
import { z } from "zod";
import * as instances from "../services/instances";
import { mapErrors, projectProcedure, router } from "../trpc";

const InstanceRef = z.object({ instanceId: z.uuid() });

export const instanceRouter = router({
  /** Newest first; pass `nextCursor` back as `cursor` for the next page. */
  list: projectProcedure
    .input(
      z.object({
        limit: z.number().int().min(1).max(200).default(50),
        cursor: z.uuid().nullish(),
        workflowId: z.uuid().optional(),
        states: z.array(z.enum(WORKFLOW_INSTANCE_STATES)).optional(),
      }),
    )
    .query(({ ctx, input }) => instances.listInstances(ctx.deps.db, input)),

  /** `{ eventId, instance, definition, tasks, allAttempts }`. */
  byId: projectProcedure.input(InstanceRef).query(({ ctx, input }) => instances.getInstance(ctx.deps.db, input.projectId, input.instanceId)),

  /** Live snapshots `{ eventId, instance, tasks, allAttempts }`, tracked by the newest instance_event id. */
  onChange: projectProcedure
    .input(InstanceRef.extend({ lastEventId: z.string().nullish() }))
    .subscription(({ ctx, input, signal }) => mapErrors(instances.watchInstance(ctx.deps, input, signal))),
});
