import {
  command,
  recordEvents,
  server,
  taskInstance,
  workflowInstance,
  type ServerStats,
} from "@shoal/db";
import { MasterJobSchema, QUEUES, jobIds, type MasterJob } from "@shoal/protocol";
import { Worker, type Job } from "@shoal/protocol/bullmq";
import { and, eq, inArray, isNull, lte, notInArray, or, sql } from "drizzle-orm";
import type { MasterResources } from "../resources";
import { ACTIVE_INSTANCE_STATES, expired, expiredServers, liveServers } from "./registry";
import type { Runners } from "./runners";

/** How long the failover waits for a dead master's queue to drain before rebuilding runners anyway. */
const DRAIN_WAIT_MS = 5000;
/** How often finished drains are cleaned up (a dead master's row and queue removed). */
const CLEANUP_MS = 30_000;

/**
 * Leader duty: takes over the instances of masters whose registration expired, and fails over the
 * attempts of workers whose registration expired.
 *
 * Master failover: claim each orphaned active instance (one conditional UPDATE bumping its epoch, so the
 * old owner can write nothing more), drain the dead master's queue (events, forwarded commands and
 * due timers are forwarded to the instance's new owner; this keeps going while the dead master's
 * dispatched attempts may still report there), then rebuild the runners from Postgres. Succeeded tasks
 * are never re-run: a rebuilt runner only dispatches what is ready and not yet done.
 *
 * Worker failover: every DISPATCHED/RUNNING attempt recorded on a dead worker is reported lost to its
 * instance's owner, which moves it to NEED_FAILOVER through the task machine and starts a new attempt.
 */
export class Failover {
  private readonly drainers = new Map<string, Worker>();
  private lastCleanup = 0;

  constructor(
    private readonly r: MasterResources,
    private readonly runners: Runners,
  ) {}

  async tick(): Promise<void> {
    await this.failMasters();
    await this.failWorkers();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.drainers.values()].map((w) => w.close()));
    this.drainers.clear();
  }

  private get ttl(): number {
    return this.r.ttlSeconds;
  }

  async failMasters(): Promise<string[]> {
    const live = await liveServers(this.r.db, "master", this.ttl);
    live.add(this.r.masterId);
    const dead = await expiredServers(this.r.db, "master", this.ttl);
    const orphans = await this.r.db
      .select({
        id: workflowInstance.id,
        owner: workflowInstance.owner,
        epoch: workflowInstance.epoch,
      })
      .from(workflowInstance)
      .where(
        and(
          inArray(workflowInstance.state, ACTIVE_INSTANCE_STATES),
          or(isNull(workflowInstance.owner), notInArray(workflowInstance.owner, [...live])),
        ),
      );
    const claimed: string[] = [];
    for (const o of orphans) if (await this.claim(o)) claimed.push(o.id);

    // Drain every dead master's queue (the claimed instances' old owners included).
    const deadIds = new Set([
      ...dead.map((d) => d.id),
      ...orphans.map((o) => o.owner).filter((o): o is string => !!o),
    ]);
    for (const id of deadIds) if (!live.has(id)) this.drain(id);
    for (const [id, worker] of this.drainers) {
      if (live.has(id)) {
        // It came back (a stable id restarted, or a frozen process thawed): it consumes its own queue.
        await worker.close();
        this.drainers.delete(id);
      }
    }
    for (const d of dead) {
      if (!d.stats.dead) {
        await this.r.db
          .update(server)
          .set({
            stats: sql`${server.stats} || jsonb_build_object('dead', 1, 'deadAt', ${Date.now()}::bigint)`,
          })
          .where(and(eq(server.id, d.id), expired(this.ttl)));
        this.r.log(
          `failover: master ${d.id} is dead (last heartbeat ${d.heartbeatAt.toISOString()})`,
        );
      }
    }
    if (claimed.length > 0) {
      await this.waitForDrain([...deadIds]);
      for (const id of claimed) {
        await this.runners
          .with(id, (runner) => runner.resume())
          .catch((e: Error) => this.r.log(`resuming ${id} failed: ${e.message}`));
      }
      this.r.log(`failover: took over ${claimed.length} instance(s)`, { instances: claimed });
    }
    await this.cleanup(dead);
    return claimed;
  }

  /** Claims an instance for this master: one conditional UPDATE on the epoch it was read with. */
  private async claim(o: { id: string; owner: string | null; epoch: number }): Promise<boolean> {
    return this.r.db.transaction(async (tx) => {
      const rows = await tx
        .update(workflowInstance)
        .set({ owner: this.r.masterId, epoch: o.epoch + 1, host: this.r.masterId })
        .where(and(eq(workflowInstance.id, o.id), eq(workflowInstance.epoch, o.epoch)))
        .returning({ id: workflowInstance.id });
      if (rows.length === 0) return false;
      await recordEvents(tx, [
        {
          workflowInstanceId: o.id,
          kind: "failover",
          message: `master ${o.owner ?? "(none)"} is gone; taken over by ${this.r.masterId}`,
        },
      ]);
      return true;
    });
  }

  /** Forwards everything on a dead master's queue to the current owner of the instance it concerns. */
  private drain(deadId: string): void {
    if (this.drainers.has(deadId)) return;
    this.r.log(`failover: draining the queue of master ${deadId}`);
    const worker = new Worker(QUEUES.master(deadId), (job: Job) => this.forward(job), {
      connection: this.r.connection,
      prefix: this.r.names.bullPrefix,
      concurrency: 16,
      name: `drain-${this.r.masterId}`,
    });
    worker.on("failed", (job, err) =>
      this.r.log(`forwarding ${job?.id} from ${deadId} failed: ${err.message}`),
    );
    this.drainers.set(deadId, worker);
  }

  private async forward(job: Job): Promise<void> {
    const msg = MasterJobSchema.parse(job.data);
    const instanceId =
      msg.kind === "taskEvent"
        ? msg.event.instanceId
        : msg.kind === "command"
          ? await this.commandInstance(msg.commandId)
          : msg.instanceId;
    if (!instanceId) return;
    const [inst] = await this.r.db
      .select({
        owner: workflowInstance.owner,
        state: workflowInstance.state,
        epoch: workflowInstance.epoch,
      })
      .from(workflowInstance)
      .where(eq(workflowInstance.id, instanceId));
    if (!inst) return;
    let owner = inst.owner;
    if (
      !owner ||
      (owner !== this.r.masterId && !(await liveServers(this.r.db, "master", this.ttl)).has(owner))
    ) {
      // Orphaned after this tick's claims: claim it now rather than bounce the message.
      if (!(await this.claim({ id: instanceId, owner, epoch: inst.epoch })))
        throw new Error(`instance ${instanceId} changed owner; retrying`);
      owner = this.r.masterId;
    }
    await this.r.queues.toMaster(owner, msg satisfies MasterJob, {
      jobId: job.id ? `fwd-${job.id}` : undefined,
    });
  }

  private async commandInstance(commandId: string): Promise<string | null> {
    const [c] = await this.r.db
      .select({ instanceId: command.instanceId })
      .from(command)
      .where(eq(command.id, commandId));
    return c?.instanceId ?? null;
  }

  /** Waits (bounded) until the dead masters' queues hold nothing ready to run. */
  private async waitForDrain(ids: string[]): Promise<void> {
    const deadline = Date.now() + DRAIN_WAIT_MS;
    for (const id of ids) {
      const q = this.r.queues.queue(QUEUES.master(id));
      while (Date.now() < deadline) {
        const c = await q.getJobCounts("waiting", "prioritized", "active");
        if ((c.waiting ?? 0) + (c.prioritized ?? 0) + (c.active ?? 0) === 0) break;
        await new Promise((res) => setTimeout(res, 50));
      }
    }
  }

  /**
   * Removes a dead master's row and queue once nothing can arrive there any more: its queue is empty
   * and no attempt dispatched before it was declared dead is still active (its worker would report
   * there).
   */
  private async cleanup(dead: Array<{ id: string; stats: ServerStats }>): Promise<void> {
    if (dead.length === 0 || Date.now() - this.lastCleanup < CLEANUP_MS) return;
    this.lastCleanup = Date.now();
    for (const d of dead) {
      // Declared dead on an earlier pass: everything it dispatched was dispatched before then.
      const deadAt = d.stats.deadAt;
      if (typeof deadAt !== "number") continue;
      const q = this.r.queues.queue(QUEUES.master(d.id));
      const c = await q.getJobCounts("waiting", "prioritized", "active", "delayed");
      if (Object.values(c).some((n) => n > 0)) continue;
      const inFlight = await this.r.db
        .select({ id: taskInstance.id })
        .from(taskInstance)
        .where(
          and(
            inArray(taskInstance.state, ["DISPATCHED", "RUNNING"]),
            lte(taskInstance.dispatchTime, new Date(deadAt)),
          ),
        )
        .limit(1);
      if (inFlight.length > 0) continue;
      await this.drainers.get(d.id)?.close();
      this.drainers.delete(d.id);
      await q.obliterate({ force: true }).catch(() => {});
      await this.r.db.delete(server).where(and(eq(server.id, d.id), expired(this.ttl)));
      this.r.log(`failover: removed dead master ${d.id} from the registry`);
    }
  }

  /** Reports the active attempts of dead workers lost; a dead worker's row goes once none remain. */
  async failWorkers(): Promise<number> {
    const dead = await expiredServers(this.r.db, "worker", this.ttl);
    let lost = 0;
    for (const w of dead) {
      const attempts = await this.r.db
        .select({
          id: taskInstance.id,
          instanceId: taskInstance.workflowInstanceId,
          owner: workflowInstance.owner,
        })
        .from(taskInstance)
        .innerJoin(workflowInstance, eq(workflowInstance.id, taskInstance.workflowInstanceId))
        .where(
          and(eq(taskInstance.host, w.id), inArray(taskInstance.state, ["DISPATCHED", "RUNNING"])),
        );
      for (const a of attempts) {
        if (!a.owner) continue;
        await this.reportLost(a.owner, a.instanceId, a.id, w.id);
        lost++;
      }
      if (attempts.length === 0) {
        await this.r.db.delete(server).where(and(eq(server.id, w.id), expired(this.ttl)));
        this.r.log(`failover: removed dead worker ${w.id} from the registry`);
      }
    }
    return lost;
  }

  async reportLost(
    owner: string,
    instanceId: string,
    taskInstanceId: string,
    workerId: string,
  ): Promise<void> {
    await this.r.queues.toMaster(
      owner,
      { kind: "workerLost", instanceId, taskInstanceId, workerId },
      { jobId: jobIds.workerLost(taskInstanceId) },
    );
  }
}
