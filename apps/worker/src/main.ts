import { createDb } from "@shoal/db";
import { redisNames } from "@shoal/protocol";
import { checkRedis, createRedis, Queues, redisOptions } from "@shoal/protocol/bullmq";
import { parseEnv, taskBaseEnv } from "./env";
import { WorkerHeartbeat } from "./heartbeat";
import { WorkerMetrics } from "./metrics";
import { TaskConsumer } from "./task-consumer";

const env = parseEnv(process.env);
const log = (msg: string) => console.log(`${new Date().toISOString()} ${msg}`);

// The worker touches Postgres only to persist logs and heartbeat.
const dbHandle = createDb(env.DATABASE_URL, { max: 4, appName: `shoal-worker-${env.workerId}` });
const redis = createRedis(env.REDIS_URL);
for (const warning of await checkRedis(redis)) log(`warning: ${warning}`);
const connection = redisOptions(env.REDIS_URL);
const queues = new Queues(connection, env.SHOAL_REDIS_PREFIX);

const metrics = new WorkerMetrics(env.workerId, env.SHOAL_WORKER_GROUP);
const metricsServer = env.SHOAL_METRICS_PORT ? metrics.serve(env.SHOAL_METRICS_PORT, log) : null;
const consumer = new TaskConsumer({
  db: dbHandle.db,
  redis,
  subscriber: createRedis(env.REDIS_URL),
  connection,
  queues,
  names: redisNames(env.SHOAL_REDIS_PREFIX),
  workerId: env.workerId,
  workerGroup: env.SHOAL_WORKER_GROUP,
  concurrency: env.SHOAL_WORKER_CONCURRENCY,
  tmpDir: env.SHOAL_WORKER_TMP,
  killGraceMs: env.SHOAL_KILL_GRACE_MS,
  taskEnv: taskBaseEnv(process.env),
  secretKey: env.SHOAL_SECRET_KEY,
  log,
  metrics,
});
const heartbeat = new WorkerHeartbeat({
  db: dbHandle.db,
  id: env.workerId,
  workerGroup: env.SHOAL_WORKER_GROUP,
  intervalMs: env.SHOAL_HEARTBEAT_SECONDS * 1000,
  ttlMs: env.SHOAL_HEARTBEAT_TTL_SECONDS * 1000,
  limits: {
    maxCpuPct: env.SHOAL_WORKER_MAX_CPU,
    maxMemPct: env.SHOAL_WORKER_MAX_MEMORY,
    maxLoadPerCpu: env.SHOAL_WORKER_MAX_LOAD,
    maxTasks: env.SHOAL_WORKER_MAX_TASKS,
  },
  running: () => consumer.runningIds,
  pause: () => consumer.hold("load"),
  resume: () => consumer.release("load"),
  fence: () => consumer.fence(),
  unfence: () => consumer.unfence(),
  log,
  onSample: (stats) => metrics.sample(stats),
});

await heartbeat.start();
await consumer.start();
log(`worker ${env.workerId} serving group "${env.SHOAL_WORKER_GROUP}"`);
if (!env.SHOAL_SECRET_KEY)
  log("note: SHOAL_SECRET_KEY is unset, so sql tasks cannot use data sources that have a password");

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`worker ${env.workerId} stopping (${signal}); finishing running tasks`);
  // Take nothing new and let running attempts finish (their results are reported); keep the
  // registration fresh meanwhile so masters do not fail them over.
  await consumer.stop();
  heartbeat.stop();
  metricsServer?.close();
  await heartbeat.deregister().catch((e: Error) => log(`deregister failed: ${e.message}`));
  await queues.close();
  redis.disconnect();
  await dbHandle.close();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
