import { checkRedis } from "@shoal/protocol/bullmq";
import { parseEnv } from "./env";
import { createResources } from "./resources";
import { CommandConsumer } from "./systems/command-consumer";
import { CommandSweeper } from "./systems/command-sweeper";
import { EventConsumer } from "./systems/event-consumer";
import { MasterHeartbeat } from "./systems/heartbeat";
import { Runners } from "./systems/runners";

const env = parseEnv(process.env);
const log = (msg: string, extra?: Record<string, unknown>) =>
  console.log(`${new Date().toISOString()} ${msg}${extra ? ` ${JSON.stringify(extra)}` : ""}`);

const resources = createResources({
  databaseUrl: env.DATABASE_URL,
  redisUrl: env.REDIS_URL,
  prefix: env.SHOAL_REDIS_PREFIX,
  masterId: env.masterId,
  timeZone: env.SHOAL_TIME_ZONE,
  log,
});
const { r } = resources;
for (const warning of await checkRedis(r.redis)) log(`warning: ${warning}`);

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
  await resources.close();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
