import { z } from "zod";
import * as logs from "../services/task-logs";
import { mapErrors, projectProcedure, router } from "../trpc";

const TaskRef = z.object({ taskInstanceId: z.uuid() });

export const taskRouter = router({
  /** Live log batches `{ fromLine, lines, total, done? }`; ids are stream entry ids or `end:<count>`. */
  onLog: projectProcedure
    .input(TaskRef.extend({ lastEventId: z.string().max(64).nullish() }))
    .subscription(({ ctx, input, signal }) => mapErrors(logs.tailTaskLog(ctx.deps, input, signal))),

  /** Lines `fromLine…` (default: the last `count`) from Postgres, then the live stream; the count and whether it is final. */
  logPage: projectProcedure
    .input(
      TaskRef.extend({
        fromLine: z.number().int().min(0).optional(),
        count: z.number().int().min(1).max(5000),
      }),
    )
    .query(({ ctx, input }) => logs.readLogPage(ctx.deps, input)),

  /** Line numbers whose text contains any of `terms` (case-insensitive), from `fromLine` on. */
  logSearch: projectProcedure
    .input(
      TaskRef.extend({
        terms: z.array(z.string().min(1).max(200)).min(1).max(20),
        fromLine: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(10_000).default(10_000),
      }),
    )
    .query(({ ctx, input }) => logs.searchTaskLog(ctx.deps, input)),

  /** Every attempt of this task in its workflow instance, oldest first. */
  attempts: projectProcedure
    .input(TaskRef)
    .query(({ ctx, input }) => logs.listAttempts(ctx.deps, input)),

  /** Access check and file name for the raw download (`/api/logs/<id>`). */
  logDownload: projectProcedure
    .input(TaskRef)
    .query(({ ctx, input }) => logs.taskForDownload(ctx.deps, input)),
});
