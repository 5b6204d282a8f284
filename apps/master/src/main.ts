import { checkRedis } from "@shoal/protocol/bullmq";
import { parseEnv } from "./env";
import { createResources } from "./resources";
import { CommandConsumer } from "./systems/command-consumer";
import { CommandSweeper } from "./systems/command-sweeper";
import { EventConsumer } from "./systems/event-consumer";
import { Failover } from "./systems/failover";
import { MasterHeartbeat } from "./systems/heartbeat";
import { LeaderElection } from "./systems/leader";
import { masterMetrics, serveMetrics } from "./systems/metrics";
import { Periodic } from "./systems/periodic";
import { Reconciler } from "./systems/reconciler";
import { Runners } from "./systems/runners";
import { WorkerGroups } from "./systems/worker-groups";

const env = parseEnv(process.env);
const log = (msg: string, extra?: Record<string, unknown>) =>
  console.log(`${new Date().toISOString()} ${msg}${extra ? ` ${JSON.stringify(extra)}` : ""}`);

const resources = createResources({
  databaseUrl: env.DATABASE_URL,
  redisUrl: env.REDIS_URL,
  prefix: env.SHOAL_REDIS_PREFIX,
  masterId: env.masterId,
  timeZone: env.SHOAL_TIME_ZONE,
  ttlSeconds: env.SHOAL_HEARTBEAT_TTL_SECONDS,
  log,
});
const { r } = resources;
for (const warning of await checkRedis(r.redis)) log(`warning: ${warning}`);

const runners = new Runners(r);
r.workerGroups = new WorkerGroups(
  r.db,
  env.SHOAL_HEARTBEAT_TTL_SECONDS,
  env.SHOAL_WORKER_GROUP_CACHE_MS,
  log,
);
const events = new EventConsumer(r, runners, env.SHOAL_EVENT_CONCURRENCY);
const commands = new CommandConsumer(r, runners, env.SHOAL_COMMAND_CONCURRENCY);

// Leader duties: the command sweeper, master and worker failover, the reconciler.
const sweeper = new CommandSweeper(r, env.SHOAL_COMMAND_SWEEP_SECONDS);
const failover = new Failover(r, runners);
const reconciler = new Reconciler(r, sweeper, failover, env.SHOAL_RECONCILE_SECONDS);
const duties = [
  new Periodic("command sweep", env.SHOAL_COMMAND_SWEEP_SECONDS * 1000, () => sweeper.sweep(), log),
  new Periodic("failover", env.SHOAL_FAILOVER_SECONDS * 1000, () => failover.tick(), log),
  new Periodic("reconcile", env.SHOAL_RECONCILE_SECONDS * 1000, () => reconciler.tick(), log),
];
const leader = new LeaderElection({
  db: r.db,
  masterId: env.masterId,
  leaseSeconds: env.SHOAL_LEADER_LEASE_SECONDS,
  renewMs: (env.SHOAL_LEADER_LEASE_SECONDS * 1000) / 3,
  onElected: async () => {
    for (const d of duties) d.start();
  },
  onDeposed: async () => {
    await Promise.all(duties.map((d) => d.stop()));
    await failover.stop();
  },
  log,
});

const metricsServer = env.SHOAL_METRICS_PORT
  ? serveMetrics(
      masterMetrics(r, () => ({ leader: leader.isLeader, runners: runners.size })),
      env.SHOAL_METRICS_PORT,
      log,
    )
  : null;

const heartbeat = new MasterHeartbeat(r, {
  intervalMs: env.SHOAL_HEARTBEAT_SECONDS * 1000,
  ttlMs: env.SHOAL_HEARTBEAT_TTL_SECONDS * 1000,
  stats: () => ({
    runners: runners.size,
    leader: leader.isLeader ? 1 : 0,
    leaderEpoch: leader.epoch,
  }),
  // Self-fencing: stop acting on instances; their writes are fenced by epoch anyway.
  fence: async () => {
    await leader.stop();
    runners.stopAll();
    await Promise.all([commands.stop(), events.stop()]);
    runners.stopAll();
  },
  unfence: async () => {
    events.start();
    await runners.resumeOwned();
    commands.start();
    await leader.start();
  },
});

await heartbeat.start();
await r.workerGroups.start(async (instanceId) => {
  await runners.with(instanceId, (runner) => runner.resume());
});
events.start();
await runners.resumeOwned();
commands.start();
await leader.start();
log(`master ${env.masterId} started`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`master ${env.masterId} stopping (${signal})`);
  // Bounded: a step that never ends must not keep a master that was asked to go alive.
  setTimeout(() => {
    log(`master ${env.masterId}: graceful stop took over ${env.SHOAL_SHUTDOWN_SECONDS}s; exiting`);
    process.exit(1);
  }, env.SHOAL_SHUTDOWN_SECONDS * 1000).unref();
  // Take nothing new, finish the steps in flight, then hand the rest back: an expired registration
  // makes the leader (another master) take over this master's instances at once.
  await leader.stop();
  r.workerGroups?.stop();
  await commands.stop();
  await events.stop();
  await heartbeat.stop();
  metricsServer?.close();
  await heartbeat
    .expire()
    .catch((e: Error) => log(`expiring the registration failed: ${e.message}`));
  await resources.close();
  log(`master ${env.masterId} stopped`);
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
