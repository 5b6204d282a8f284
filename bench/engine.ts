/**
 * bench/engine: Shoal's engine against raw BullMQ doing the same shapes on the same Redis.
 *   node --import tsx bench/engine.ts            (own Postgres + redis-server unless env says otherwise)
 * Env: SHOAL_TEST_DATABASE_URL (admin URL of a Postgres to create a scratch DB on), REDIS_URL.
 * Prints figures only; nothing here asserts a time.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { validateWorkflow, type WorkflowDefinitionInput } from "@shoal/core";
import { command, taskInstance, workflowInstance } from "@shoal/db";
import {
  createTestDatabase,
  insertStartCommand,
  seedWorkflow,
  uniquePrefix,
} from "@shoal/db/testing";
import { Queues, redisOptions } from "@shoal/protocol/bullmq";
import { FlowProducer, Queue, Worker } from "bullmq";
import { asc, eq, inArray, sql } from "drizzle-orm";
import { getFreePort } from "../scripts/lib/free-port.ts";
import { startEmbeddedPostgres } from "../scripts/lib/postgres.ts";
import { startRedis } from "../scripts/lib/redis.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const tmp = mkdtempSync(path.join(os.tmpdir(), "shoal-bench-"));
const cleanups: Array<() => Promise<unknown>> = [];

if (!process.env.SHOAL_TEST_DATABASE_URL) {
  const pg = await startEmbeddedPostgres({ dir: path.join(tmp, "pg"), port: await getFreePort() });
  cleanups.push(() => pg.stop());
  process.env.SHOAL_TEST_DATABASE_URL = pg.url("postgres");
}
if (!process.env.REDIS_URL) {
  const redis = await startRedis({
    dir: path.join(tmp, "redis"),
    port: await getFreePort(),
    persist: false,
  });
  cleanups.push(() => redis.stop());
  process.env.REDIS_URL = redis.url;
}
const redisUrl = process.env.REDIS_URL;
const db = await createTestDatabase("bench");
cleanups.unshift(() => db.drop());
// An experiment, never the default: shows how much of a hop is the WAL flush of each commit.
const asyncCommit = process.env.SHOAL_BENCH_ASYNC_COMMIT === "1";
if (asyncCommit) {
  const name = new URL(db.url).pathname.slice(1);
  await db.db.execute(
    sql.raw(`ALTER DATABASE "${name.replace(/"/g, '""')}" SET synchronous_commit = off`),
  );
}
const prefix = uniquePrefix("bench");
const connection = redisOptions(redisUrl);
const queues = new Queues(connection, prefix);

function startProcess(kind: "master" | "worker"): ChildProcess {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(ROOT, `apps/${kind}/src/main.ts`)],
    {
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        REDIS_URL: redisUrl,
        SHOAL_REDIS_PREFIX: prefix,
        SHOAL_WORKER_CONCURRENCY: "32",
      },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  return child;
}
const peakRssMb = (pid: number) => {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
};

const master = startProcess("master");
const worker = startProcess("worker");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
await sleep(2500); // both processes boot (tsx compile) before any timing starts

function wf(input: WorkflowDefinitionInput) {
  const v = validateWorkflow(input);
  if (!v.ok) throw new Error(v.error.map((i) => i.message).join("; "));
  return v.value;
}
const chain = (n: number, script: string) =>
  wf({
    name: `chain-${n}-${script}`,
    tasks: Array.from({ length: n }, (_, i) => ({
      code: `t${i}`,
      name: `t${i}`,
      type: "shell",
      params: { script },
    })),
    edges: Array.from({ length: n - 1 }, (_, i) => ({ from: `t${i}`, to: `t${i + 1}` })),
  });
const fanout = (n: number) =>
  wf({
    name: `fanout-${n}`,
    tasks: [
      { code: "start", name: "start", type: "shell", params: { script: "true" } },
      ...Array.from({ length: n }, (_, i) => ({
        code: `p${i}`,
        name: `p${i}`,
        type: "shell",
        params: { script: "true" },
      })),
      { code: "join", name: "join", type: "shell", params: { script: "true" } },
    ],
    edges: [
      ...Array.from({ length: n }, (_, i) => ({ from: "start", to: `p${i}` })),
      ...Array.from({ length: n }, (_, i) => ({ from: `p${i}`, to: "join" })),
    ],
  });

/** Runs a workflow through the outbox and returns wall time from command commit to instance end. */
async function runShoal(definition: ReturnType<typeof wf>, dryRun: boolean) {
  const ids = await seedWorkflow(db.db, definition);
  const t0 = performance.now();
  const commandId = await insertStartCommand(db.db, ids, dryRun ? { dryRun: true } : {});
  await queues.enqueueCommand({ commandId });
  for (;;) {
    const [row] = await db.db
      .select({ id: workflowInstance.id, state: workflowInstance.state })
      .from(workflowInstance)
      .where(eq(workflowInstance.commandId, commandId));
    if (row && ["SUCCESS", "FAILURE", "STOP"].includes(row.state)) {
      const wall = performance.now() - t0;
      if (row.state !== "SUCCESS") throw new Error(`${definition.name} ended ${row.state}`);
      return { wall, instanceId: row.id, commandId };
    }
    await sleep(2);
  }
}

async function rawChain(n: number) {
  const name = `rawchain-${uniquePrefix()}`;
  const q = new Queue(name, { connection, prefix });
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const w = new Worker(
    name,
    async (job) => {
      const i = job.data.i as number;
      if (i + 1 < n) await q.add("t", { i: i + 1 });
      else done();
    },
    { connection, prefix, concurrency: 1 },
  );
  await w.waitUntilReady();
  const t0 = performance.now();
  await q.add("t", { i: 0 });
  await finished;
  const wall = performance.now() - t0;
  await w.close();
  await q.obliterate({ force: true });
  await q.close();
  return wall;
}

async function rawFanout(n: number) {
  const name = `rawfan-${uniquePrefix()}`;
  const flow = new FlowProducer({ connection, prefix });
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const w = new Worker(name, async (job) => (job.name === "join" ? done() : undefined), {
    connection,
    prefix,
    concurrency: 32,
  });
  await w.waitUntilReady();
  const t0 = performance.now();
  // start → n parallel → join: BullMQ flows run children first, so "start" is the leaf of every child
  await flow.add({
    name: "join",
    queueName: name,
    children: Array.from({ length: n }, (_, i) => ({
      name: `p${i}`,
      queueName: name,
      data: { i },
    })),
  });
  await finished;
  const wall = performance.now() - t0;
  await w.close();
  await flow.close();
  return wall;
}

const ms = (x: number) => `${x.toFixed(0)} ms`;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

const rows: string[][] = [];
const report = (id: string, what: string, shoal: number, raw: number | null, goal: string) =>
  rows.push([
    id,
    what,
    ms(shoal),
    raw === null ? "-" : ms(raw),
    raw === null ? "-" : `${(shoal / raw).toFixed(1)}×`,
    goal,
  ]);

await runShoal(chain(5, "true"), false); // warm-up: JIT, connection pools, queues

const b1 = await runShoal(chain(100, "true"), true);
const r1 = await rawChain(100);
report("B1", "chain of 100 no-op (dry run)", b1.wall, r1, "≤ 500 ms, ≤ 2.5× raw");

const b2 = await runShoal(chain(100, "true"), false);
report("B2", "chain of 100 shell `true`", b2.wall, r1, "≤ 1000 ms");

const b3 = await runShoal(fanout(1000), true);
const r3 = await rawFanout(1000);
report("B3", "start → 1000 parallel no-op → join", b3.wall, r3, "≤ 1500 ms");

// B4: hop latency from B2's rows: upstream end → downstream start (the worker stamps both)
const t = await db.db
  .select({
    code: taskInstance.taskCode,
    dispatch: taskInstance.dispatchTime,
    start: taskInstance.startTime,
    end: taskInstance.endTime,
  })
  .from(taskInstance)
  .where(eq(taskInstance.workflowInstanceId, b2.instanceId))
  .orderBy(asc(taskInstance.submitTime));
const byCode = new Map(t.map((r) => [r.code, r]));
const hops: number[] = [];
// where a hop goes: upstream end → downstream dispatched (event to the master, its commit) →
// downstream running (enqueue, worker pick-up); and a task's own run (bash, log persisted)
const toDispatch: number[] = [];
const toStart: number[] = [];
const runs: number[] = [];
for (let i = 1; i < 100; i++) {
  const up = byCode.get(`t${i - 1}`);
  const down = byCode.get(`t${i}`);
  if (up?.end && down?.start) hops.push(down.start.getTime() - up.end.getTime());
  if (up?.end && down?.dispatch) toDispatch.push(down.dispatch.getTime() - up.end.getTime());
  if (down?.dispatch && down.start) toStart.push(down.start.getTime() - down.dispatch.getTime());
  if (down?.start && down.end) runs.push(down.end.getTime() - down.start.getTime());
}

// B8: trigger → first task RUNNING, over 10 single-task runs
const b8: number[] = [];
for (let i = 0; i < 10; i++) {
  const run = await runShoal(chain(1, "true"), false);
  const [c] = await db.db
    .select({ at: command.createdAt })
    .from(command)
    .where(eq(command.id, run.commandId));
  const [first] = await db.db
    .select({ start: taskInstance.startTime })
    .from(taskInstance)
    .where(inArray(taskInstance.workflowInstanceId, [run.instanceId]));
  if (c && first?.start) b8.push(first.start.getTime() - c.at.getTime());
}

if (asyncCommit)
  console.log(
    "\n*** synchronous_commit = off (SHOAL_BENCH_ASYNC_COMMIT=1): commits are NOT durable in this run ***",
  );
console.log(
  "\nbench/engine (2 cores; Shoal = web-less master + worker processes, Postgres + Redis; raw = BullMQ alone)\n",
);
const header = ["id", "shape", "Shoal", "raw BullMQ", "ratio", "goal"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
for (const r of [header, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join("  "));
console.log(
  `\nper-task overhead: B1 ${(b1.wall / 100).toFixed(1)} ms (raw ${(r1 / 100).toFixed(2)} ms), B2 ${(b2.wall / 100).toFixed(1)} ms, B3 ${(b3.wall / 1002).toFixed(2)} ms`,
);
console.log(
  `B4 hop latency (upstream finished → downstream running): p50 ${ms(pct(hops, 50))}, p99 ${ms(pct(hops, 99))}  (goal p50 ≤ 3 ms, p99 ≤ 30 ms)`,
);
console.log(
  `  B2 per hop p50: upstream end → next dispatched ${ms(pct(toDispatch, 50))}, dispatched → running ${ms(pct(toStart, 50))}; a task's run (spawn bash \`true\`, log persisted) ${ms(pct(runs, 50))}`,
);
console.log(
  `B8 trigger → first task RUNNING: p50 ${ms(pct(b8, 50))}, max ${ms(Math.max(...b8))}  (goal ≤ 30 ms)`,
);
console.log(`peak RSS: master ${peakRssMb(master.pid!)} MB, worker ${peakRssMb(worker.pid!)} MB`);

master.kill("SIGTERM");
worker.kill("SIGTERM");
await Promise.all([
  new Promise((r) => master.once("exit", r)),
  new Promise((r) => worker.once("exit", r)),
]);
await queues.close();
for (const c of cleanups) await c().catch(() => {});
rmSync(tmp, { recursive: true, force: true });
process.exit(0);
