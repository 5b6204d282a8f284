import { server, taskInstance, workflowInstance } from "@shoal/db";
import { QUEUES, jobIds } from "@shoal/protocol";
import { and, eq, inArray, isNotNull, lt, sql } from "drizzle-orm";
import type { MasterResources } from "../resources";
import type { CommandSweeper } from "./command-sweeper";
import type { Failover } from "./failover";
import { ACTIVE_INSTANCE_STATES, liveServers } from "./registry";
import { unreportedAttempts, type WorkerReport } from "./unreported";

/** At most this many attempts are checked against Redis per pass. */
const MAX_ATTEMPTS = 5000;

export interface ReconcileReport {
  commands: number;
  poked: number;
  lost: number;
}

/**
 * Leader duty: re-derives from Postgres what Redis must hold, so a Redis flush (or any lost enqueue)
 * loses no work. PENDING commands are re-enqueued (the sweeper); an active instance is handed to its
 * owner to reconcile when a DISPATCHED attempt has no job, a waiting attempt has no timer, or it shows
 * no activity at all; an attempt whose job failed or stalled on a worker that is gone is reported lost,
 * and so is one its live worker has stopped listing in its heartbeats (its end report was lost).
 */
export class Reconciler {
  /** Attempt → when it was first seen missing from its worker's heartbeats (a delay only: rebuilt). */
  private missingSince = new Map<string, number>();

  constructor(
    private readonly r: MasterResources,
    private readonly sweeper: CommandSweeper,
    private readonly failover: Failover,
    private readonly intervalSeconds: number,
  ) {}

  async tick(): Promise<ReconcileReport> {
    const commands = await this.sweeper.sweep();
    const live = await liveServers(this.r.db, "master", this.r.ttlSeconds);
    live.add(this.r.masterId);
    const liveWorkers = await liveServers(this.r.db, "worker", this.r.ttlSeconds);

    const attempts = await this.r.db
      .select({
        id: taskInstance.id,
        instanceId: taskInstance.workflowInstanceId,
        state: taskInstance.state,
        group: taskInstance.workerGroup,
        waitReason: taskInstance.waitReason,
        owner: workflowInstance.owner,
      })
      .from(taskInstance)
      .innerJoin(workflowInstance, eq(workflowInstance.id, taskInstance.workflowInstanceId))
      .where(
        and(
          inArray(workflowInstance.state, ACTIVE_INSTANCE_STATES),
          eq(taskInstance.generation, workflowInstance.generation),
          inArray(taskInstance.state, ["SUBMITTED", "DELAY_EXECUTION", "DISPATCHED"]),
        ),
      )
      .limit(MAX_ATTEMPTS);

    const poke = new Map<string, string>(); // instance → owner
    let lost = 0;
    const checks = attempts.map(async (a) => {
      if (!a.owner || !live.has(a.owner)) return; // failover claims it first
      if (a.state === "DISPATCHED") {
        const job = await this.r.queues.queue(QUEUES.tasks(a.group)).getJob(jobIds.task(a.id));
        if (!job) return poke.set(a.instanceId, a.owner);
        const state = await job.getState();
        const worker = job.processedBy;
        if (
          state === "failed" ||
          (state === "active" && worker && !worker.startsWith("drain-") && !liveWorkers.has(worker))
        ) {
          // Picked up by a worker that died before reporting: that worker's stall, re-run as a new attempt.
          await this.failover.reportLost(a.owner, a.instanceId, a.id, worker ?? "unknown");
          lost++;
        }
        return;
      }
      // Waiting on a durable timer (retry interval or delayed start): the timer job must exist.
      const timer =
        a.state === "DELAY_EXECUTION"
          ? "delay"
          : a.waitReason?.startsWith("retry interval")
            ? "retry"
            : null;
      if (!timer) return;
      const job = await this.r.queues
        .queue(QUEUES.master(a.owner))
        .getJob(jobIds.timer(a.id, timer));
      if (!job) poke.set(a.instanceId, a.owner);
    });
    await Promise.all(checks);
    lost += await this.unreported(live, liveWorkers);

    // Active instances that nothing drives: no attempt queued or running, not touched for a while.
    const idle = await this.r.db
      .select({ id: workflowInstance.id, owner: workflowInstance.owner })
      .from(workflowInstance)
      .where(
        and(
          inArray(workflowInstance.state, ACTIVE_INSTANCE_STATES),
          lt(
            workflowInstance.updatedAt,
            sql`now() - make_interval(secs => ${this.intervalSeconds})`,
          ),
          sql`not exists (select 1 from ${taskInstance} t where t.workflow_instance_id = ${workflowInstance.id}
                and t.generation = ${workflowInstance.generation} and t.state in ('DISPATCHED', 'RUNNING'))`,
        ),
      )
      .limit(MAX_ATTEMPTS);
    for (const i of idle) if (i.owner && live.has(i.owner)) poke.set(i.id, i.owner);

    const slot = Math.floor(Date.now() / (this.intervalSeconds * 1000));
    for (const [instanceId, owner] of poke) {
      await this.r.queues.toMaster(
        owner,
        { kind: "reconcile", instanceId },
        { jobId: `reconcile-${instanceId}-${slot}` },
      );
    }
    if (poke.size > 0 || lost > 0)
      this.r.log(
        `reconciler: ${poke.size} instance(s) handed to their owner, ${lost} attempt(s) lost`,
      );
    return { commands, poked: poke.size, lost };
  }

  /** Reports lost the attempts that live workers have stopped listing for the grace (the TTL). */
  private async unreported(liveMasters: Set<string>, liveWorkers: Set<string>): Promise<number> {
    if (liveWorkers.size === 0) return 0;
    const hosts = [...liveWorkers];
    const rows = await this.r.db
      .select({
        id: taskInstance.id,
        instanceId: taskInstance.workflowInstanceId,
        host: taskInstance.host,
        startTime: taskInstance.startTime,
        dispatchTime: taskInstance.dispatchTime,
        owner: workflowInstance.owner,
      })
      .from(taskInstance)
      .innerJoin(workflowInstance, eq(workflowInstance.id, taskInstance.workflowInstanceId))
      .where(
        and(
          inArray(workflowInstance.state, ACTIVE_INSTANCE_STATES),
          eq(taskInstance.generation, workflowInstance.generation),
          inArray(taskInstance.state, ["DISPATCHED", "RUNNING"]),
          inArray(taskInstance.host, hosts),
          isNotNull(workflowInstance.owner),
        ),
      )
      .limit(MAX_ATTEMPTS);
    const workers = new Map<string, WorkerReport>();
    for (const w of await this.r.db
      .select({ id: server.id, heartbeatAt: server.heartbeatAt, stats: server.stats })
      .from(server)
      .where(and(eq(server.kind, "worker"), inArray(server.id, hosts)))) {
      const ids = w.stats.attempts;
      workers.set(w.id, { heartbeatAt: w.heartbeatAt, running: Array.isArray(ids) ? ids : null });
    }
    const attempts = rows.flatMap((a) => {
      const since = a.startTime ?? a.dispatchTime;
      return a.host && since && a.owner && liveMasters.has(a.owner)
        ? [{ ...a, host: a.host, owner: a.owner, since }]
        : [];
    });
    const decision = unreportedAttempts(
      attempts,
      workers,
      this.missingSince,
      Date.now(),
      this.r.ttlSeconds * 1000,
    );
    this.missingSince = decision.missingSince;
    for (const id of decision.lost) {
      const a = attempts.find((x) => x.id === id)!;
      this.r.log(`reconciler: worker ${a.host} no longer runs attempt ${id}; failing it over`);
      await this.failover.reportLost(a.owner, a.instanceId, a.id, a.host);
    }
    return decision.lost.length;
  }
}
