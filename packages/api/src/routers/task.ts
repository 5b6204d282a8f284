import { z } from "zod";
import * as logs from "../services/task-logs";
import { mapErrors, projectProcedure, router } from "../trpc";

const TaskRef = z.object({ taskInstanceId: z.uuid() });

export const taskRouter = router({
  /** Live log batches `{ lines, done?, reset? }`; ids are stream entry ids or `pg:<seq>`. */
  onLog: projectProcedure
    .input(TaskRef.extend({ lastEventId: z.string().nullish() }))
    .subscription(({ ctx, input, signal }) => mapErrors(logs.tailTaskLog(ctx.deps, input, signal))),

  /** The whole log as text (download). */
  log: projectProcedure.input(TaskRef).query(({ ctx, input }) => logs.readTaskLog(ctx.deps, input)),
});
