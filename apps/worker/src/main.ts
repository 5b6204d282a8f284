import { createDb } from "@shoal/db";
import { redisNames } from "@shoal/protocol";
import { checkRedis, createRedis, Queues, redisOptions } from "@shoal/protocol/bullmq";
import { parseEnv, taskBaseEnv } from "./env";
import { WorkerHeartbeat } from "./heartbeat";
import { TaskConsumer } from "./task-consumer";

const env = parseEnv(process.env);
const log = (msg: string) => console.log(`${new Date().toISOString()} ${msg}`);

// The worker touches Postgres only to persist logs and heartbeat.
const dbHandle = createDb(env.DATABASE_URL, { max: 4, appName: `shoal-worker-${env.workerId}` });
const redis = createRedis(env.REDIS_URL);
for (const warning of await checkRedis(redis)) log(`warning: ${warning}`);
const connection = redisOptions(env.REDIS_URL);
const queues = new Queues(connection, env.SHOAL_REDIS_PREFIX);

const consumer = new TaskConsumer({
  db: dbHandle.db,
  redis,
  subscriber: createRedis(env.REDIS_URL),
  connection,
  queues,
  names: redisNames(env.SHOAL_REDIS_PREFIX),
  workerGroup: env.SHOAL_WORKER_GROUP,
  concurrency: env.SHOAL_WORKER_CONCURRENCY,
  tmpDir: env.SHOAL_WORKER_TMP,
  killGraceMs: env.SHOAL_KILL_GRACE_MS,
  taskEnv: taskBaseEnv(process.env),
  log,
});
const heartbeat = new WorkerHeartbeat(dbHandle.db, env.workerId, env.SHOAL_WORKER_GROUP, () => consumer.runningCount, log);

await heartbeat.start();
await consumer.start();
log(`worker ${env.workerId} serving group "${env.SHOAL_WORKER_GROUP}"`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`worker ${env.workerId} stopping (${signal}); finishing running tasks`);
  heartbeat.stop();
  await consumer.stop();
  await queues.close();
  redis.disconnect();
  await dbHandle.close();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
