import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { z } from "zod";

const EnvSchema = z.object({
  DATABASE_URL: z.string().url("DATABASE_URL must be a postgres:// URL"),
  REDIS_URL: z.string().url("REDIS_URL must be a redis:// URL"),
  /** Namespaces every Redis key, so installations or test runs can share one Redis. */
  SHOAL_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/)
    .default("shoal"),
  /** Stable identity of this master; defaults to host-pid-random so restarts are new masters. */
  SHOAL_MASTER_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/)
    .optional(),
  /** Commands consumed in parallel (each START creates one instance). */
  SHOAL_COMMAND_CONCURRENCY: z.coerce.number().int().min(1).default(16),
  /** Task events applied in parallel (serialised per instance by its runner). */
  SHOAL_EVENT_CONCURRENCY: z.coerce.number().int().min(1).default(64),
  /** IANA time zone for $[yyyyMMdd]-style params; defaults to the machine's zone. */
  SHOAL_TIME_ZONE: z.string().optional(),
  /** A PENDING command older than this is re-enqueued by the sweeper. */
  SHOAL_COMMAND_SWEEP_SECONDS: z.coerce.number().min(1).default(3),
  /** Seconds between heartbeats of this master. */
  SHOAL_HEARTBEAT_SECONDS: z.coerce.number().positive().default(5),
  /**
   * A master or worker whose heartbeat is older than this is dead: the leader fails it over. A master
   * that could not renew its own for this long stops acting on its instances (self-fencing).
   */
  SHOAL_HEARTBEAT_TTL_SECONDS: z.coerce.number().positive().default(15),
  /** The leader lease lasts this long after each renewal (renewed every third of it). */
  SHOAL_LEADER_LEASE_SECONDS: z.coerce.number().positive().default(10),
  /** Seconds between the leader's failover checks (dead masters and workers). */
  SHOAL_FAILOVER_SECONDS: z.coerce.number().positive().default(2),
  /** Seconds between reconciler passes (Postgres → Redis). */
  SHOAL_RECONCILE_SECONDS: z.coerce.number().positive().default(10),
  /** How often the live worker groups (the dispatch gate's view) are refreshed, in milliseconds. */
  SHOAL_WORKER_GROUP_CACHE_MS: z.coerce.number().int().min(50).default(1000),
  /** A graceful stop (SIGTERM) that takes longer than this exits with code 1. */
  SHOAL_SHUTDOWN_SECONDS: z.coerce.number().positive().default(30),
  /** Port of the Prometheus /metrics endpoint; unset, no endpoint. */
  SHOAL_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
});

export type MasterEnv = z.infer<typeof EnvSchema> & { masterId: string };

export function parseEnv(source: NodeJS.ProcessEnv): MasterEnv {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `  ${i.path.join(".")}: ${i.message}`)
      .join("\n");
    throw new Error(`master: invalid environment\n${problems}`);
  }
  const masterId =
    parsed.data.SHOAL_MASTER_ID ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  return { ...parsed.data, masterId };
}
