import { router } from "../trpc";
import { authRouter } from "./auth";
import { datasourceRouter } from "./datasource";
import { instanceRouter } from "./instance";
import { projectRouter } from "./project";
import { taskRouter } from "./task";
import { workflowRouter } from "./workflow";

export const appRouter = router({
  auth: authRouter,
  project: projectRouter,
  workflow: workflowRouter,
  instance: instanceRouter,
  task: taskRouter,
  datasource: datasourceRouter,
});

export type AppRouter = typeof appRouter;
