import { mkdtemp, rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import type { Db } from "@shoal/db";
import { KillMessageSchema, QUEUES, TaskJobSchema, jobIds, type RedisNames, type TaskEventMessage, type TaskJob } from "@shoal/protocol";
import { Worker, type Job, type Queues, type Redis } from "@shoal/protocol/bullmq";
import type { ConnectionOptions } from "bullmq";
import { EXECUTORS, type ExecResult } from "./executors";
import { LogStream } from "./log-stream";

export interface TaskConsumerDeps {
  db: Db;
  redis: Redis;
  /** A dedicated connection for SUBSCRIBE. */
  subscriber: Redis;
  connection: ConnectionOptions;
  queues: Queues;
  names: RedisNames;
  workerGroup: string;
  concurrency: number;
  tmpDir?: string;
  killGraceMs: number;
  /** Environment every task starts from (the worker's own, minus Shoal's secrets and settings). */
  taskEnv: Record<string, string>;
  log: (msg: string) => void;
}

/** Pulls task attempts from its worker group's queue, runs them and reports to the owning master. */
export class TaskConsumer {
  private worker?: Worker;
  private readonly running = new Map<string, AbortController>();
  private readonly host = hostname();

  constructor(private readonly d: TaskConsumerDeps) {}

  get runningCount(): number {
    return this.running.size;
  }

  async start(): Promise<void> {
    await this.d.subscriber.subscribe(this.d.names.killChannel);
    this.d.subscriber.on("message", (_channel: string, message: string) => {
      const parsed = KillMessageSchema.safeParse(JSON.parse(message));
      if (parsed.success) this.running.get(parsed.data.taskInstanceId)?.abort(parsed.data.reason);
    });
    this.worker = new Worker(QUEUES.tasks(this.d.workerGroup), (job: Job) => this.handle(job), {
      connection: this.d.connection,
      prefix: this.d.names.bullPrefix,
      concurrency: this.d.concurrency,
      // A stalled job means this worker died: the master's failover decides about a new attempt,
      // BullMQ must not silently run the same attempt twice.
      maxStalledCount: 0,
    });
    this.worker.on("failed", (job, err) => this.d.log(`task job ${job?.id} failed: ${err.message}`));
  }

  async stop(): Promise<void> {
    // Graceful: finish what runs (BullMQ waits for active jobs), take nothing new.
    await this.worker?.close();
    await this.d.subscriber.quit().catch(() => {});
  }

  private async report(job: TaskJob, event: TaskEventMessage): Promise<void> {
    await this.d.queues.toMaster(job.owner, { kind: "taskEvent", event }, { jobId: jobIds.taskEvent(job.taskInstanceId, event.type) });
  }

  private async handle(bullJob: Job): Promise<void> {
    const job = TaskJobSchema.parse(bullJob.data);
    const base = { taskInstanceId: job.taskInstanceId, instanceId: job.instanceId, epoch: job.epoch };
    const controller = new AbortController();
    this.running.set(job.taskInstanceId, controller);
    const logs = new LogStream(this.d.redis, this.d.db, this.d.names.logStream(job.taskInstanceId), job.taskInstanceId);
    let result: ExecResult;
    let workDir: string | undefined;
    try {
      if (await this.d.redis.exists(this.d.names.killKey(job.taskInstanceId))) {
        result = { outcome: "KILL", exitCode: null, error: "stopped before it started", outParams: {} };
      } else {
        await this.report(job, { ...base, type: "started", host: this.host, pid: process.pid, at: Date.now() });
        const executor = EXECUTORS[job.taskType];
        if (!executor) {
          result = { outcome: "FAILURE", exitCode: null, error: `this worker cannot run task type "${job.taskType}"`, outParams: {} };
        } else {
          workDir = await mkdtemp(join(this.d.tmpDir ?? tmpdir(), `shoal-${job.taskCode.replace(/[^A-Za-z0-9_-]/g, "_")}-`));
          const env = { ...this.d.taskEnv, ...job.env };
          result = await executor({ job, workDir, env, log: (l) => logs.line(l), signal: controller.signal, killGraceMs: this.d.killGraceMs });
        }
      }
      if (result.outcome === "FAILURE" && result.exitCode === null && result.error) logs.line(`[shoal] task failed: ${result.error}`);
      if (result.outcome === "KILL") logs.line("[shoal] task killed");
      if (result.exitCode !== null) logs.line(`[shoal] exit code ${result.exitCode}`);
    } catch (err) {
      result = { outcome: "FAILURE", exitCode: null, error: `worker error: ${(err as Error).message}`, outParams: {} };
      logs.line(`[shoal] ${result.error}`);
    } finally {
      this.running.delete(job.taskInstanceId);
      if (workDir) await rm(workDir, { recursive: true, force: true }).catch(() => {});
    }
    await logs.finish();
    await this.report(job, {
      ...base,
      type: "finished",
      outcome: result.outcome,
      exitCode: result.exitCode,
      error: result.error,
      outParams: result.outParams,
      at: Date.now(),
    });
  }
}
