import { z } from "zod";

const EnvSchema = z.object({
  /** Postgres holding every fact (projects, workflows, instances, sessions). */
  DATABASE_URL: z.string().url("DATABASE_URL must be a postgres:// URL"),
  /** Redis for the command queues, pub/sub and live log streams. */
  REDIS_URL: z.string().url("REDIS_URL must be a redis:// URL"),
  /** Prefix for every Redis key and BullMQ queue, so several stacks can share one Redis. */
  SHOAL_REDIS_PREFIX: z.string().min(1).default("shoal"),
  /**
   * 32 bytes (base64 or hex) that encrypt data source passwords; the workers need the same key.
   * `npm start` generates one into .data/secret.key. Unset: passwords cannot be saved (said so).
   */
  SHOAL_SECRET_KEY: z.string().optional(),
});
export type Env = z.infer<typeof EnvSchema>;

let cached: Env | undefined;

/**
 * The web app's environment, parsed on first use (at request time, never at build time: `next build`
 * runs without a database). Reports every problem at once.
 */
export function env(): Env {
  if (cached) return cached;
  // eslint-disable-next-line no-restricted-properties -- the one place that reads process.env
  const parsed = EnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `  ${i.path.join(".")}: ${i.message}`)
      .join("\n");
    throw new Error(`Invalid environment for @shoal/web:\n${problems}`);
  }
  cached = parsed.data;
  return cached;
}
