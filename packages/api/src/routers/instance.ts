import { WORKFLOW_INSTANCE_STATES } from "@shoal/core";
import { z } from "zod";
import { sendInstanceCommand, type InstanceCommand } from "../services/commands";
import * as instances from "../services/instances";
import { mapErrors, projectProcedure, projectWriteProcedure, router } from "../trpc";

const InstanceRef = z.object({ instanceId: z.uuid() });

/** A procedure that writes one instance command; returns `{ commandId }`. */
const commandProcedure = (type: Exclude<InstanceCommand, "FORCE_SUCCESS">) =>
  projectWriteProcedure.input(InstanceRef).mutation(({ ctx, input }) => sendInstanceCommand(ctx.deps, ctx.user, { ...input, type }));

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

  stop: commandProcedure("STOP"),
  pause: commandProcedure("PAUSE"),
  recoverPaused: commandProcedure("RECOVER_PAUSED"),
  recoverFailed: commandProcedure("RECOVER_FAILED"),
  rerun: commandProcedure("RERUN"),
  /** Marks a failed or killed task of a finished instance as FORCED_SUCCESS (downstream may continue). */
  forceTaskSuccess: projectWriteProcedure
    .input(InstanceRef.extend({ taskCode: z.string().min(1).max(64) }))
    .mutation(({ ctx, input }) => sendInstanceCommand(ctx.deps, ctx.user, { ...input, type: "FORCE_SUCCESS" })),

  /** Live snapshots `{ eventId, instance, tasks, allAttempts }`, tracked by the newest instance_event id. */
  onChange: projectProcedure
    .input(InstanceRef.extend({ lastEventId: z.string().nullish() }))
    .subscription(({ ctx, input, signal }) => mapErrors(instances.watchInstance(ctx.deps, input, signal))),
});
