import { FAILURE_STRATEGIES, PRIORITIES, type WorkflowDefinitionInput } from "@shoal/core";
import { z } from "zod";
import { startWorkflow } from "../services/commands";
import * as workflows from "../services/workflows";
import { projectProcedure, projectWriteProcedure, router } from "../trpc";

const WorkflowRef = z.object({ workflowId: z.uuid() });

/** Parsed by core's `validateWorkflow` in the service, so issues name tasks and fields. */
const DefinitionInput = z.custom<WorkflowDefinitionInput>(
  (v) => typeof v === "object" && v !== null && !Array.isArray(v),
  {
    message: "definition must be an object",
  },
);

export const workflowRouter = router({
  list: projectProcedure.query(({ ctx, input }) =>
    workflows.listWorkflows(ctx.deps.db, input.projectId),
  ),

  /** Creates the workflow at version 0 with no definition: `byId` then returns an empty canvas. */
  create: projectWriteProcedure
    .input(z.object({ name: z.string().trim().min(1, "name is required").max(200) }))
    .mutation(({ ctx, input }) => workflows.createWorkflow(ctx.deps.db, ctx.user, input)),

  byId: projectProcedure
    .input(WorkflowRef.extend({ version: z.number().int().min(0).optional() }))
    .query(({ ctx, input }) => workflows.getWorkflow(ctx.deps.db, input)),

  /**
   * Validates and saves a new version. BAD_REQUEST with `data.issues` when invalid; CONFLICT when
   * `baseVersion` is given and is no longer current, or the new name is taken.
   */
  save: projectWriteProcedure
    .input(
      WorkflowRef.extend({
        definition: DefinitionInput,
        baseVersion: z.number().int().min(0).optional(),
      }),
    )
    .mutation(({ ctx, input }) => workflows.saveWorkflow(ctx.deps.db, ctx.user, input)),

  versions: projectProcedure
    .input(WorkflowRef)
    .query(({ ctx, input }) => workflows.listVersions(ctx.deps.db, input)),

  /** Points the workflow at an existing version (DolphinScheduler's "switch version"); writes no version. */
  makeCurrent: projectWriteProcedure
    .input(WorkflowRef.extend({ version: z.number().int().min(1) }))
    .mutation(({ ctx, input }) => workflows.makeVersionCurrent(ctx.deps.db, input)),

  /** START command through the outbox; `instanceId` is null if no master picked it up within 10 s. */
  run: projectWriteProcedure
    .input(
      WorkflowRef.extend({
        failureStrategy: z.enum(FAILURE_STRATEGIES).optional(),
        priority: z.enum(PRIORITIES).optional(),
        workerGroup: z
          .string()
          .regex(/^[A-Za-z0-9_.-]{1,64}$/, "worker group must be 1-64 letters, digits, _ . or -")
          .optional(),
        paramOverrides: z.record(z.string().max(64), z.string().max(100_000)).optional(),
        /** Walk the DAG without running anything: every task is marked successful at once. */
        dryRun: z.boolean().optional(),
        /** Run from one task: only it, it and everything downstream, or it and everything upstream. */
        startTask: z
          .object({
            code: z.string().min(1).max(64),
            mode: z.enum(["only", "downstream", "upstream"]),
          })
          .optional(),
      }),
    )
    .mutation(({ ctx, input }) => startWorkflow(ctx.deps, ctx.user, input)),
});
