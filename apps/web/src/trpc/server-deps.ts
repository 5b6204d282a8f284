import { createApiDeps } from "@shoal/api";
import { env } from "~/env";

type ApiDeps = ReturnType<typeof createApiDeps>;

const g = globalThis as typeof globalThis & { __shoalApiDeps?: ApiDeps };

/** API dependencies (db, redis), created lazily once per process and reused across hot reloads. */
export function apiDeps(): ApiDeps {
  if (!g.__shoalApiDeps) {
    const e = env();
    g.__shoalApiDeps = createApiDeps({
      databaseUrl: e.DATABASE_URL,
      redisUrl: e.REDIS_URL,
      redisPrefix: e.SHOAL_REDIS_PREFIX,
      secretKey: e.SHOAL_SECRET_KEY,
    });
  }
  return g.__shoalApiDeps;
}
