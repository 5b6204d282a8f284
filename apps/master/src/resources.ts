import { createDb, type Db } from "@shoal/db";
import { createRedis, Queues, redisOptions, type Redis } from "@shoal/protocol/bullmq";
import { redisNames, type RedisNames } from "@shoal/protocol";
import type { ConnectionOptions } from "bullmq";
import type { WorkerGroups } from "./systems/worker-groups";

/** What every master system shares. */
export interface MasterResources {
  masterId: string;
  db: Db;
  /** For PUBLISH wake-ups (never used for blocking commands). */
  redis: Redis;
  connection: ConnectionOptions;
  queues: Queues;
  names: RedisNames;
  /** IANA zone that $[time] expressions are computed in. */
  timeZone: string;
  /** A master or worker whose heartbeat is older than this is dead (failover, command routing). */
  ttlSeconds: number;
  /** Worker-group liveness for the dispatch gate; absent, every group is taken as live. */
  workerGroups?: WorkerGroups;
  log: (msg: string, extra?: Record<string, unknown>) => void;
}

/** After commit: wake up live pages of this instance and its project. */
export async function publishChange(r: MasterResources, instanceId: string, projectId: string): Promise<void> {
  await r.redis
    .multi()
    .publish(r.names.instanceChannel(instanceId), "1")
    .publish(r.names.projectChannel(projectId), instanceId)
    .exec();
}

/** Builds the shared resources from configuration; `close()` releases them. */
export function createResources(cfg: {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  masterId: string;
  timeZone?: string;
  ttlSeconds?: number;
  log: MasterResources["log"];
}): { r: MasterResources; close(): Promise<void> } {
  const dbHandle = createDb(cfg.databaseUrl, { max: 10, appName: `shoal-master-${cfg.masterId}` });
  const redis = createRedis(cfg.redisUrl);
  const connection = redisOptions(cfg.redisUrl);
  const queues = new Queues(connection, cfg.prefix);
  const r: MasterResources = {
    masterId: cfg.masterId,
    db: dbHandle.db,
    redis,
    connection,
    queues,
    names: redisNames(cfg.prefix),
    timeZone: cfg.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
    ttlSeconds: cfg.ttlSeconds ?? 15,
    log: cfg.log,
  };
  return {
    r,
    async close() {
      await queues.close();
      redis.disconnect();
      await dbHandle.close();
    },
  };
}
