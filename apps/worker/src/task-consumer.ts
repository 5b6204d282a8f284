import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Db } from "@shoal/db";
import {
  KillMessageSchema,
  QUEUES,
  TaskJobSchema,
  jobIds,
  type RedisNames,
  type TaskEventMessage,
  type TaskJob,
} from "@shoal/protocol";
import { Worker, type Job, type Queues, type Redis } from "@shoal/protocol/bullmq";
import { WaitingError, type ConnectionOptions } from "bullmq";
import { EXECUTORS, type ExecResult } from "./executors";
import { LogStream } from "./log-stream";

/** A task still running after this long is reported RUNNING on its own; a shorter one with its end. */
const STARTED_REPORT_MS = 50;

export interface TaskConsumerDeps {
  db: Db;
  redis: Redis;
  /** A dedicated connection for SUBSCRIBE. */
  subscriber: Redis;
  connection: ConnectionOptions;
  queues: Queues;
  names: RedisNames;
  /** This worker's registry id: recorded as the attempt's host and on the BullMQ job, so failover finds its attempts. */
  workerId: string;
  workerGroup: string;
  concurrency: number;
  tmpDir?: string;
  killGraceMs: number;
  /** Environment every task starts from (the worker's own, minus Shoal's secrets and settings). */
  taskEnv: Record<string, string>;
  /** Decrypts data source passwords for sql tasks (SHOAL_SECRET_KEY); null when unset. */
  secretKey?: Buffer | null;
  log: (msg: string) => void;
  metrics?: TaskMetrics;
}

/** What the consumer reports to the worker's Prometheus metrics. */
export interface TaskMetrics {
  /** An attempt starts, `waitMs` after it was enqueued (the dispatch latency seen by the worker). */
  started(taskType: string, waitMs: number): void;
  finished(taskType: string, outcome: string, seconds: number): void;
}

/** Pulls task attempts from its worker group's queue, runs them and reports to the owning master. */
export class TaskConsumer {
  private worker?: Worker;
  private readonly running = new Map<string, AbortController>();
  /** Why the consumer takes no jobs (load guard, fencing, shutdown); it consumes while empty. */
  private readonly holds = new Set<string>();
  /** Fenced: results are not reported (the masters have failed these attempts over already). */
  private fenced = false;

  constructor(private readonly d: TaskConsumerDeps) {}

  /** Ids of the attempts running now. */
  get runningIds(): string[] {
    return [...this.running.keys()];
  }

  async start(): Promise<void> {
    await this.d.subscriber.subscribe(this.d.names.killChannel);
    this.d.subscriber.on("message", (_channel: string, message: string) => {
      const parsed = KillMessageSchema.safeParse(JSON.parse(message));
      if (parsed.success) this.running.get(parsed.data.taskInstanceId)?.abort(parsed.data.reason);
    });
    this.worker = new Worker(
      QUEUES.tasks(this.d.workerGroup),
      (job: Job, token?: string) => this.handle(job, token),
      {
        connection: this.d.connection,
        prefix: this.d.names.bullPrefix,
        concurrency: this.d.concurrency,
        name: this.d.workerId,
        // A stalled job means this worker died: the master's failover decides about a new attempt,
        // BullMQ must not silently run the same attempt twice.
        maxStalledCount: 0,
        // Started below unless the load guard already holds it (the first heartbeat runs before this).
        autorun: false,
      },
    );
    this.worker.on("failed", (job, err) =>
      this.d.log(`task job ${job?.id} failed: ${err.message}`),
    );
    if (this.holds.size === 0)
      void this.worker.run().catch((e: Error) => this.d.log(`task consumer stopped: ${e.message}`));
  }

  /** Stops taking jobs for `reason` (running ones go on) until every hold is released. */
  async hold(reason: string): Promise<void> {
    this.holds.add(reason);
    if (this.worker?.isRunning() && !this.worker.isPaused()) await this.worker.pause(true);
  }

  async release(reason: string): Promise<void> {
    this.holds.delete(reason);
    if (
      this.holds.size === 0 &&
      this.worker &&
      (this.worker.isPaused() || !this.worker.isRunning())
    )
      await this.worker.resume();
  }

  /** Self-fencing: take nothing, kill every running attempt's process group, report none of them. */
  async fence(): Promise<void> {
    this.fenced = true;
    await this.hold("fenced");
    for (const controller of this.running.values()) controller.abort("fenced");
  }

  async unfence(): Promise<void> {
    this.fenced = false;
    await this.release("fenced");
  }

  async stop(): Promise<void> {
    this.holds.add("stopping");
    // Graceful: finish what runs (BullMQ waits for active jobs), take nothing new.
    await this.worker?.close();
    await this.d.subscriber.quit().catch(() => {});
  }

  private async report(job: TaskJob, event: TaskEventMessage): Promise<void> {
    await this.d.queues.toMaster(
      job.owner,
      { kind: "taskEvent", event },
      { jobId: jobIds.taskEvent(job.taskInstanceId, event.type) },
    );
  }

  private async handle(bullJob: Job, token?: string): Promise<void> {
    if (this.holds.size > 0) {
      // Fetched by a poll that was already waiting when the consumer paused: give it back untouched.
      await bullJob.moveToWait(token);
      throw new WaitingError();
    }
    const job = TaskJobSchema.parse(bullJob.data);
    const base = {
      taskInstanceId: job.taskInstanceId,
      instanceId: job.instanceId,
      epoch: job.epoch,
    };
    const controller = new AbortController();
    this.running.set(job.taskInstanceId, controller);
    const startedAt = Date.now();
    this.d.metrics?.started(job.taskType, startedAt - bullJob.timestamp);
    const logs = new LogStream(
      this.d.redis,
      this.d.db,
      this.d.names.logStream(job.taskInstanceId),
      job.taskInstanceId,
    );
    let result: ExecResult;
    let workDir: string | undefined;
    let started: { host: string; pid: number; at: number } | undefined;
    let startedTimer: NodeJS.Timeout | undefined;
    let startedReport: Promise<void> | undefined;
    try {
      if (await this.d.redis.exists(this.d.names.killKey(job.taskInstanceId))) {
        result = {
          outcome: "KILL",
          exitCode: null,
          error: "stopped before it started",
          outParams: {},
        };
      } else {
        // A task that ends within STARTED_REPORT_MS reports its start with its end (one event, one
        // commit on the master); a longer one shows RUNNING once that short delay has passed.
        const start = (started = { host: this.d.workerId, pid: process.pid, at: Date.now() });
        startedTimer = setTimeout(() => {
          startedReport = this.report(job, { ...base, type: "started", ...start }).catch(
            (err: Error) => this.d.log(`started event of ${job.taskInstanceId}: ${err.message}`),
          );
        }, STARTED_REPORT_MS);
        const executor = EXECUTORS[job.taskType];
        if (!executor) {
          result = {
            outcome: "FAILURE",
            exitCode: null,
            error: `this worker cannot run task type "${job.taskType}"`,
            outParams: {},
          };
        } else {
          workDir = await mkdtemp(
            join(
              this.d.tmpDir ?? tmpdir(),
              `shoal-${job.taskCode.replace(/[^A-Za-z0-9_-]/g, "_")}-`,
            ),
          );
          const env = { ...this.d.taskEnv, ...job.env };
          result = await executor({
            job,
            workDir,
            env,
            log: (text, opts) => logs.line(text, opts),
            signal: controller.signal,
            killGraceMs: this.d.killGraceMs,
            resources: { db: this.d.db, secretKey: this.d.secretKey ?? null },
          });
        }
      }
      if (result.outcome === "FAILURE" && result.exitCode === null && result.error)
        logs.system(`[shoal] task failed: ${result.error}`);
      if (result.outcome === "KILL") logs.system("[shoal] task killed");
      if (result.exitCode !== null) logs.system(`[shoal] exit code ${result.exitCode}`);
    } catch (err) {
      result = {
        outcome: "FAILURE",
        exitCode: null,
        error: `worker error: ${(err as Error).message}`,
        outParams: {},
      };
      logs.system(`[shoal] ${result.error}`);
    } finally {
      clearTimeout(startedTimer);
      this.running.delete(job.taskInstanceId);
      if (workDir) await rm(workDir, { recursive: true, force: true }).catch(() => {});
    }
    this.d.metrics?.finished(job.taskType, result.outcome, (Date.now() - startedAt) / 1000);
    await logs.finish();
    if (this.fenced) return; // failed over: a new attempt owns the outcome
    await startedReport; // keeps the two events in order when the start was reported
    await this.report(job, {
      ...base,
      type: "finished",
      outcome: result.outcome,
      exitCode: result.exitCode,
      error: result.error,
      outParams: result.outParams,
      detail: result.detail,
      started,
      at: Date.now(),
    });
  }
}
