import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { parseSecretKey } from "@shoal/db/datasources";
import { z } from "zod";

const EnvSchema = z.object({
  DATABASE_URL: z.string().url("DATABASE_URL must be a postgres:// URL"),
  REDIS_URL: z.string().url("REDIS_URL must be a redis:// URL"),
  SHOAL_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/)
    .default("shoal"),
  /** The worker group this worker serves; tasks of other groups never reach it. */
  SHOAL_WORKER_GROUP: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .default("default"),
  SHOAL_WORKER_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/)
    .optional(),
  /** Task attempts run at once on this worker. */
  SHOAL_WORKER_CONCURRENCY: z.coerce.number().int().min(1).default(16),
  /** Where per-attempt working directories are created (default: the OS temp dir). */
  SHOAL_WORKER_TMP: z.string().optional(),
  /** Milliseconds between SIGTERM and SIGKILL when a task is stopped. */
  SHOAL_KILL_GRACE_MS: z.coerce.number().int().min(0).default(500),
  /** Seconds between heartbeats (registry row with load figures; the load guard decides on each). */
  SHOAL_HEARTBEAT_SECONDS: z.coerce.number().positive().default(5),
  /**
   * A worker whose heartbeat is older than this is dead to the masters (its attempts are failed over);
   * a worker that could not renew for this long kills its tasks and stops taking work (self-fencing).
   */
  SHOAL_HEARTBEAT_TTL_SECONDS: z.coerce.number().positive().default(15),
  /** Load guard: stop taking jobs while CPU busy % is over this. */
  SHOAL_WORKER_MAX_CPU: z.coerce.number().min(0).max(100).optional(),
  /** Load guard: stop taking jobs while used memory % is over this. */
  SHOAL_WORKER_MAX_MEMORY: z.coerce.number().min(0).max(100).optional(),
  /** Load guard: stop taking jobs while the 1-minute load average per CPU is over this. */
  SHOAL_WORKER_MAX_LOAD: z.coerce.number().min(0).optional(),
  /** Load guard: stop taking jobs while this many tasks run. */
  SHOAL_WORKER_MAX_TASKS: z.coerce.number().int().min(1).optional(),
  /** Port of the Prometheus /metrics endpoint; unset, no endpoint. */
  SHOAL_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /**
   * 32-byte key (base64 or hex) that decrypts data source passwords for sql tasks; the web app's key.
   * Optional: without it, sql tasks whose data source has a password fail saying so.
   */
  SHOAL_SECRET_KEY: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return null;
      try {
        return parseSecretKey(v);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: (err as Error).message });
        return z.NEVER;
      }
    }),
});

export type WorkerEnv = z.infer<typeof EnvSchema> & { workerId: string };

export function parseEnv(source: NodeJS.ProcessEnv): WorkerEnv {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `  ${i.path.join(".")}: ${i.message}`)
      .join("\n");
    throw new Error(`worker: invalid environment\n${problems}`);
  }
  const workerId =
    parsed.data.SHOAL_WORKER_ID ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  return { ...parsed.data, workerId };
}

/** The worker's environment minus Shoal's own settings and connection strings: what tasks inherit. */
export function taskBaseEnv(source: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(source)) {
    if (v !== undefined && !k.startsWith("SHOAL_") && k !== "DATABASE_URL" && k !== "REDIS_URL")
      env[k] = v;
  }
  return env;
}
