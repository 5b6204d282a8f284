import { createDb, type Db, type DbHandle } from "@shoal/db";
import { parseSecretKey } from "@shoal/db/datasources";
import { redisNames, type RedisNames } from "@shoal/protocol";
import { createRedis, Queues, redisOptions, type Redis } from "@shoal/protocol/bullmq";
import { PubSub } from "./pubsub";

export interface ApiDepsOptions {
  databaseUrl: string;
  redisUrl: string;
  /** Key prefix shared with the master and workers (`redisNames(prefix)`). */
  redisPrefix: string;
  /** Postgres pool size (default 10). */
  dbPoolSize?: number;
  /** How long `workflow.run` waits for the master to create the instance (default 10 s). */
  runWaitMs?: number;
  /**
   * SHOAL_SECRET_KEY (32 bytes, base64 or hex): encrypts data source passwords. Without it, data
   * sources without a password still work; saving a password is refused with a message saying why.
   */
  secretKey?: string;
  /** Where non-fatal problems go (a failed enqueue the sweeper will repair). Default: console.warn. */
  warn?: (message: string, err?: unknown) => void;
}

/** Everything the routers need, created once per process and shared by all requests. */
export interface ApiDeps {
  db: Db;
  sql: DbHandle["sql"];
  /** General-purpose connection: PUBLISH, XRANGE, and the source of `duplicate()`d blocking readers. */
  redis: Redis;
  queues: Queues;
  names: RedisNames;
  /** One shared subscriber connection for every live subscription. */
  pubsub: PubSub;
  runWaitMs: number;
  /** Parsed SHOAL_SECRET_KEY, or null when unset. */
  secretKey: Buffer | null;
  warn: (message: string, err?: unknown) => void;
  close(): Promise<void>;
}

export function createApiDeps(opts: ApiDepsOptions): ApiDeps {
  // Parsed first: a malformed key is a startup error, not a failure on the first save.
  const secretKey = opts.secretKey ? parseSecretKey(opts.secretKey) : null;
  const handle = createDb(opts.databaseUrl, { max: opts.dbPoolSize ?? 10, appName: "shoal-api" });
  const redis = createRedis(opts.redisUrl);
  redis.on("error", () => {});
  const pubsub = new PubSub(createRedis(opts.redisUrl));
  const queues = new Queues(redisOptions(opts.redisUrl), opts.redisPrefix);
  let closing: Promise<void> | undefined;
  return {
    db: handle.db,
    sql: handle.sql,
    redis,
    queues,
    names: redisNames(opts.redisPrefix),
    pubsub,
    runWaitMs: opts.runWaitMs ?? 10_000,
    secretKey,
    warn: opts.warn ?? ((message, err) => console.warn(`[shoal-api] ${message}`, err ?? "")),
    close() {
      closing ??= (async () => {
        await pubsub.close();
        await queues.close().catch(() => {});
        redis.disconnect();
        await handle.close();
      })();
      return closing;
    },
  };
}
