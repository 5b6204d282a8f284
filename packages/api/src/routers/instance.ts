import { TASK_INSTANCE_STATES, WORKFLOW_INSTANCE_STATES } from "@shoal/core";
import { z } from "zod";
import { sendInstanceCommand, type InstanceCommand } from "../services/commands";
import * as instances from "../services/instances";
import { listTaskInstances } from "../services/task-list";
import { mapErrors, projectProcedure, projectWriteProcedure, router } from "../trpc";

const InstanceRef = z.object({ instanceId: z.uuid() });

/** A page of a server-side paginated list. */
const Page = z.object({
  limit: z.number().int().min(1).max(200).default(25),
  offset: z.number().int().min(0).max(1_000_000).default(0),
});
/** Created/submitted at or after `from`, before `to`. */
const Range = z.object({ from: z.coerce.date().optional(), to: z.coerce.date().optional() });
const Search = z.string().trim().max(200).optional();

/** The time zone system params are shown in: this process's, which single-machine masters share. */
const serverTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** A procedure that writes one instance command; returns `{ commandId }`. */
const commandProcedure = (type: Exclude<InstanceCommand, "FORCE_SUCCESS">) =>
  projectWriteProcedure
    .input(InstanceRef)
    .mutation(({ ctx, input }) => sendInstanceCommand(ctx.deps, ctx.user, { ...input, type }));

export const instanceRouter = router({
  /** One page of the project's instances, filtered and sorted on the server, with the total matching. */
  list: projectProcedure
    .input(
      Page.extend(Range.shape).extend({
        workflowId: z.uuid().optional(),
        states: z
          .array(z.enum(WORKFLOW_INSTANCE_STATES))
          .max(WORKFLOW_INSTANCE_STATES.length)
          .optional(),
        name: Search,
        sort: z.enum(instances.INSTANCE_SORTS).default("createdAt"),
        dir: z.enum(["asc", "desc"]).default("desc"),
      }),
    )
    .query(({ ctx, input }) => instances.listInstances(ctx.deps.db, input)),

  /** `{ eventId, instance, definition, tasks, allAttempts }`. */
  byId: projectProcedure
    .input(InstanceRef)
    .query(({ ctx, input }) =>
      instances.getInstance(ctx.deps.db, input.projectId, input.instanceId),
    ),

  /** Timeline: instance_event rows oldest first (commands with their actor, state changes). */
  events: projectProcedure
    .input(InstanceRef)
    .query(({ ctx, input }) =>
      instances.listInstanceEvents(ctx.deps.db, input.projectId, input.instanceId),
    ),

  /** Resolved params (system + global + overrides, with their source) and each task's OUT params. */
  params: projectProcedure
    .input(InstanceRef)
    .query(({ ctx, input }) =>
      instances.instanceParams(ctx.deps.db, input.projectId, input.instanceId, serverTimeZone()),
    ),

  /** Task attempts across the project, newest first, filtered on the server. */
  listTasks: projectProcedure
    .input(
      Page.extend(Range.shape).extend({
        states: z.array(z.enum(TASK_INSTANCE_STATES)).max(TASK_INSTANCE_STATES.length).optional(),
        taskName: Search,
        host: Search,
        instanceId: z.uuid().optional(),
      }),
    )
    .query(({ ctx, input }) => listTaskInstances(ctx.deps.db, input)),

  stop: commandProcedure("STOP"),
  pause: commandProcedure("PAUSE"),
  recoverPaused: commandProcedure("RECOVER_PAUSED"),
  recoverFailed: commandProcedure("RECOVER_FAILED"),
  rerun: commandProcedure("RERUN"),
  /** Marks a failed or killed task of a finished instance as FORCED_SUCCESS (downstream may continue). */
  forceTaskSuccess: projectWriteProcedure
    .input(InstanceRef.extend({ taskCode: z.string().min(1).max(64) }))
    .mutation(({ ctx, input }) =>
      sendInstanceCommand(ctx.deps, ctx.user, { ...input, type: "FORCE_SUCCESS" }),
    ),

  /** Live snapshots `{ eventId, instance, tasks, allAttempts }`, tracked by the newest instance_event id. */
  onChange: projectProcedure
    .input(InstanceRef.extend({ lastEventId: z.string().nullish() }))
    .subscription(({ ctx, input, signal }) =>
      mapErrors(instances.watchInstance(ctx.deps, input, signal)),
    ),

  /** Ticks `{ instanceIds }` when instances of the project change (first tick on subscribe): refetch the page. */
  onProjectChange: projectProcedure.subscription(({ ctx, input, signal }) =>
    mapErrors(instances.watchProject(ctx.deps, input, signal)),
  ),
});
