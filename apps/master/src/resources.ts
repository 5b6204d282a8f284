import type { Db } from "@shoal/db";
import type { Queues, Redis } from "@shoal/protocol/bullmq";
import type { RedisNames } from "@shoal/protocol";
import type { ConnectionOptions } from "bullmq";

/** What every master system shares. */
export interface MasterResources {
  masterId: string;
  db: Db;
  /** For PUBLISH wake-ups (never used for blocking commands). */
  redis: Redis;
  connection: ConnectionOptions;
  queues: Queues;
  names: RedisNames;
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
