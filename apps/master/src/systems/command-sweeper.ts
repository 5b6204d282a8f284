import { command } from "@shoal/db";
import { and, eq, lt, sql } from "drizzle-orm";
import type { MasterResources } from "../resources";

/**
 * Re-enqueues commands no master consumed in time, so a crash between the API's commit and its enqueue
 * (or a Redis flush) loses nothing. A leader duty (see main.ts); the enqueue is idempotent by command id.
 */
export class CommandSweeper {
  constructor(
    private readonly r: MasterResources,
    private readonly ageSeconds: number,
  ) {}

  async sweep(): Promise<number> {
    const stale = await this.r.db
      .select({ id: command.id })
      .from(command)
      .where(
        and(
          eq(command.status, "PENDING"),
          lt(command.createdAt, sql`now() - make_interval(secs => ${this.ageSeconds})`),
        ),
      )
      .limit(500);
    for (const { id } of stale) {
      // A job with this id may still exist (completed or failed): remove it so the add is not deduplicated.
      const q = this.r.queues.queue("commands");
      const job = await q.getJob(`cmd-${id}`);
      if (job && ((await job.isCompleted()) || (await job.isFailed()))) await job.remove();
      await this.r.queues.enqueueCommand({ commandId: id });
    }
    return stale.length;
  }
}
