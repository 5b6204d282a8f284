import { Queue, type ConnectionOptions, type JobsOptions } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";
import { jobIds, QUEUES, redisNames } from "./names";
import type { CommandJob, MasterJob, TaskJob } from "./messages";

export { Queue, Worker, UnrecoverableError, type Job } from "bullmq";
export { Redis };

/** Redis connection options BullMQ requires (blocking commands must not time out). */
export function redisOptions(url: string): RedisOptions {
  return { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, ...parse(url) };
}
function parse(url: string): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === "rediss:" ? {} : undefined,
  };
}

export function createRedis(url: string): Redis {
  return new Redis(redisOptions(url));
}

/**
 * Refuses to run against a Redis that may evict keys (queues would silently lose jobs) and warns when it
 * does not persist. Returns the warnings.
 */
export async function checkRedis(redis: Redis): Promise<string[]> {
  const policy = (await redis.config("GET", "maxmemory-policy")) as string[];
  if (policy[1] !== "noeviction") {
    throw new Error(
      `Redis maxmemory-policy is "${policy[1]}": Shoal needs "noeviction" (CONFIG SET maxmemory-policy noeviction) or queued jobs could be lost`,
    );
  }
  const aof = (await redis.config("GET", "appendonly")) as string[];
  const save = (await redis.config("GET", "save")) as string[];
  return aof[1] !== "yes" && !save[1]
    ? ["Redis persists nothing (appendonly no, no save points): a Redis restart loses queued wake-ups until the reconciler re-derives them from Postgres"]
    : [];
}

const keep: JobsOptions = { removeOnComplete: { count: 1000 }, removeOnFail: { count: 5000 } };

/** Typed producers for every queue, sharing one connection. */
export class Queues {
  readonly names: ReturnType<typeof redisNames>;
  private readonly cache = new Map<string, Queue>();
  constructor(
    private readonly connection: ConnectionOptions,
    prefix: string,
  ) {
    this.names = redisNames(prefix);
  }

  queue(name: string): Queue {
    let q = this.cache.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.names.bullPrefix });
      this.cache.set(name, q);
    }
    return q;
  }

  async enqueueCommand(job: CommandJob): Promise<void> {
    await this.queue(QUEUES.commands).add("command", job, { ...keep, jobId: jobIds.command(job.commandId), attempts: 5, backoff: { type: "exponential", delay: 200 } });
  }

  async toMaster(masterId: string, job: MasterJob, opts: JobsOptions = {}): Promise<void> {
    await this.queue(QUEUES.master(masterId)).add(job.kind, job, { ...keep, attempts: 5, backoff: { type: "exponential", delay: 100 }, ...opts });
  }

  /** Enqueues task attempts of one worker group in one round trip; the job id makes it idempotent. */
  async dispatchTasks(workerGroup: string, jobs: Array<{ job: TaskJob; priority: number }>): Promise<void> {
    if (jobs.length === 0) return;
    await this.queue(QUEUES.tasks(workerGroup)).addBulk(
      jobs.map(({ job, priority }) => ({ name: "task", data: job, opts: { ...keep, jobId: jobIds.task(job.taskInstanceId), priority } })),
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.cache.values()].map((q) => q.close()));
  }
}
