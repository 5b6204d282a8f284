import { z } from "zod";
import * as projects from "../services/projects";
import { projectProcedure, protectedProcedure, router } from "../trpc";

export const projectRouter = router({
  /** Projects the caller can see, with `workflowCount`, `runningCount`, `failedLast24h`. */
  list: protectedProcedure.query(({ ctx }) => projects.listProjects(ctx.deps.db, ctx.user)),

  create: protectedProcedure
    .input(z.object({ name: z.string().trim().min(1, "name is required").max(100), description: z.string().max(2000).default("") }))
    .mutation(({ ctx, input }) => projects.createProject(ctx.deps.db, ctx.user, input)),

  byId: projectProcedure.query(async ({ ctx, input }) => ({
    ...(await projects.getProject(ctx.deps.db, input.projectId)),
    role: ctx.projectRole,
  })),
});
