import { createDb } from "@shoal/db";
import { redisNames } from "@shoal/protocol";
import { checkRedis, createRedis, Queues, redisOptions } from "@shoal/protocol/bullmq";
import { parseEnv } from "./env";
import type { MasterResources } from "./resources";
import { CommandConsumer } from "./systems/command-consumer";
import { CommandSweeper } from "./systems/command-sweeper";
import { EventConsumer } from "./systems/event-consumer";
import { MasterHeartbeat } from "./systems/heartbeat";
import { Runners } from "./systems/runners";

const env = parseEnv(process.env);
const log = (msg: string, extra?: Record<string, unknown>) =>
  console.log(`${new Date().toISOString()} ${msg}${extra ? ` ${JSON.stringify(extra)}` : ""}`);

const dbHandle = createDb(env.DATABASE_URL, { max: 10, appName: `shoal-master-${env.masterId}` });
const redis = createRedis(env.REDIS_URL);
for (const warning of await checkRedis(redis)) log(`warning: ${warning}`);
const connection = redisOptions(env.REDIS_URL);
const names = redisNames(env.SHOAL_REDIS_PREFIX);
const r: MasterResources = {
  masterId: env.masterId,
  db: dbHandle.db,
  redis,
  connection,
  queues: new Queues(connection, env.SHOAL_REDIS_PREFIX),
  names,
  log,
};

const runners = new Runners(r);
const heartbeat = new MasterHeartbeat(r, () => ({ runners: runners.size }));
const events = new EventConsumer(r, runners, env.SHOAL_EVENT_CONCURRENCY);
const commands = new CommandConsumer(r, runners, env.SHOAL_COMMAND_CONCURRENCY);
const sweeper = new CommandSweeper(r, env.SHOAL_COMMAND_SWEEP_SECONDS);

await heartbeat.start();
events.start();
await runners.resumeOwned();
commands.start();
sweeper.start();
log(`master ${env.masterId} started`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`master ${env.masterId} stopping (${signal})`);
  sweeper.stop();
  await commands.stop();
  await events.stop();
  await heartbeat.stop();
  await r.queues.close();
  redis.disconnect();
  await dbHandle.close();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
