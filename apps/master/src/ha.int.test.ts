import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateWorkflow, type WorkflowDefinitionInput } from "@shoal/core";
import { currentLeader, instanceEvent, server, taskInstance, workflowInstance } from "@shoal/db";
import {
  createTestDatabase,
  insertStartCommand,
  seedWorkflow,
  uniquePrefix,
  type TestDatabase,
} from "@shoal/db/testing";
import { createRedis } from "@shoal/protocol/bullmq";
import { asc, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createResources } from "./resources";
import { freePort, startTestRedis, type TestRedis } from "./testing/redis-server";
import { startRuntimeProcess, waitFor, type RuntimeProcess } from "./testing/stack";

/**
 * Process death and overload, with real master and worker processes (killed with SIGKILL) against a
 * real Postgres and a redis-server of this file's own (so FLUSHALL touches no one else's keys).
 * Heartbeats, TTLs and leases are shortened so each scenario takes seconds.
 */
const FAST = {
  SHOAL_HEARTBEAT_SECONDS: "0.5",
  SHOAL_HEARTBEAT_TTL_SECONDS: "3",
  SHOAL_LEADER_LEASE_SECONDS: "3",
  SHOAL_FAILOVER_SECONDS: "0.5",
  SHOAL_RECONCILE_SECONDS: "2",
  SHOAL_COMMAND_SWEEP_SECONDS: "1",
  SHOAL_WORKER_GROUP_CACHE_MS: "300",
};

let db: TestDatabase;
let redis: TestRedis;
let dir: string;
let procs: RuntimeProcess[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "shoal-ha-"));
  db = await createTestDatabase("ha");
  redis = await startTestRedis();
});
afterEach(async () => {
  await Promise.all(
    procs
      .filter((p) => p.proc.exitCode === null && p.proc.signalCode === null)
      .map((p) => p.stop("SIGKILL")),
  );
  procs = [];
});
afterAll(async () => {
  await redis?.stop();
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

function wf(input: WorkflowDefinitionInput) {
  const v = validateWorkflow(input);
  if (!v.ok) throw new Error(v.error.map((i) => i.message).join("; "));
  return v.value;
}

/** A fresh key prefix and the processes of one scenario. */
function scenario() {
  const prefix = uniquePrefix("ha");
  const env = { DATABASE_URL: db.url, REDIS_URL: redis.url, SHOAL_REDIS_PREFIX: prefix, ...FAST };
  const res = createResources({
    databaseUrl: db.url,
    redisUrl: redis.url,
    prefix,
    masterId: "producer",
    log: () => {},
  });
  const output = () => procs.map((p) => `--- ${p.proc.pid}\n${p.output()}`).join("\n");
  return {
    res,
    master(id: string, extra: Record<string, string> = {}) {
      const p = startRuntimeProcess("master", { ...env, SHOAL_MASTER_ID: id, ...extra });
      procs.push(p);
      return p;
    },
    worker(id: string, extra: Record<string, string> = {}) {
      const p = startRuntimeProcess("worker", { ...env, SHOAL_WORKER_ID: id, ...extra });
      procs.push(p);
      return p;
    },
    async start(definition: WorkflowDefinitionInput): Promise<string> {
      const ids = await seedWorkflow(res.r.db, wf(definition));
      const commandId = await insertStartCommand(res.r.db, ids);
      await res.r.queues.enqueueCommand({ commandId });
      return waitFor("the instance to be created", async () => {
        const [i] = await res.r.db
          .select({ id: workflowInstance.id })
          .from(workflowInstance)
          .where(eq(workflowInstance.commandId, commandId));
        return i?.id;
      });
    },
    attempts(instanceId: string) {
      return res.r.db
        .select()
        .from(taskInstance)
        .where(eq(taskInstance.workflowInstanceId, instanceId))
        .orderBy(asc(taskInstance.taskCode), asc(taskInstance.attempt));
    },
    async instance(instanceId: string) {
      const [i] = await res.r.db
        .select()
        .from(workflowInstance)
        .where(eq(workflowInstance.id, instanceId));
      return i!;
    },
    async finished(instanceId: string, timeoutMs = 30_000) {
      return waitFor(
        "the instance to finish",
        async () => {
          const i = await this.instance(instanceId);
          return ["SUCCESS", "FAILURE", "STOP", "PAUSE"].includes(i.state) ? i : null;
        },
        timeoutMs,
      ).catch((err: Error) => {
        throw new Error(`${err.message}\n${output()}`);
      });
    },
    async attemptIn(instanceId: string, code: string, state: string, timeoutMs = 20_000) {
      return waitFor(
        `task ${code} to be ${state}`,
        async () =>
          (await this.attempts(instanceId)).find((a) => a.taskCode === code && a.state === state),
        timeoutMs,
      ).catch((err: Error) => {
        throw new Error(`${err.message}\n${output()}`);
      });
    },
    output,
  };
}

const lines = async (file: string) =>
  (await readFile(file, "utf8").catch(() => "")).split("\n").filter(Boolean);

describe("failover", { timeout: 90_000 }, () => {
  it("a master killed mid-instance: another master finishes it, no succeeded task runs again", async () => {
    const s = scenario();
    const side = join(dir, "m-kill");
    const m1 = s.master("m1");
    s.master("m2");
    s.worker("w1");
    const instanceId = await s.start({
      name: "master-kill",
      tasks: [
        { code: "a", name: "a", type: "shell", params: { script: `echo a >> ${side}-a` } },
        { code: "b", name: "b", type: "shell", params: { script: `sleep 2; echo b >> ${side}-b` } },
        { code: "c", name: "c", type: "shell", params: { script: `echo c >> ${side}-c` } },
      ],
      edges: [
        { from: "a", to: "b" },
        { from: "b", to: "c" },
      ],
    });
    await s.attemptIn(instanceId, "b", "RUNNING");
    const owner = (await s.instance(instanceId)).owner!;
    const [killed, survivor] = owner === "m1" ? [m1, "m2"] : [procs[1]!, "m1"];
    killed.proc.kill("SIGKILL");

    const done = await s.finished(instanceId);
    expect(done.state).toBe("SUCCESS");
    expect(done.owner).toBe(survivor);
    expect(done.epoch).toBe(2);
    // b finished after its master died: its result went to the dead master's queue and was drained
    const attempts = await s.attempts(instanceId);
    expect(attempts.map((a) => [a.taskCode, a.attempt, a.state])).toEqual([
      ["a", 1, "SUCCESS"],
      ["b", 1, "SUCCESS"],
      ["c", 1, "SUCCESS"],
    ]);
    expect(await lines(`${side}-a`)).toEqual(["a"]);
    expect(await lines(`${side}-b`)).toEqual(["b"]);
    expect(await lines(`${side}-c`)).toEqual(["c"]);
    const events = await s.res.r.db
      .select()
      .from(instanceEvent)
      .where(eq(instanceEvent.workflowInstanceId, instanceId));
    expect(events.find((e) => e.kind === "failover")?.message).toContain(
      `master ${owner} is gone; taken over by ${survivor}`,
    );
    // the survivor is the leader now, and says so in the registry
    expect((await currentLeader(s.res.r.db))?.masterId).toBe(survivor);
    // and says so in its registry row at its next heartbeat
    await waitFor("the leader flag in the registry", async () => {
      const [row] = await s.res.r.db.select().from(server).where(eq(server.id, survivor));
      return row?.stats.leader === 1;
    });
    await s.res.close();
  });

  it("a master frozen past its TTL loses its instance and, thawed, fences itself instead of acting on it", async () => {
    const s = scenario();
    const side = join(dir, "m-freeze");
    const m1 = s.master("m1");
    s.worker("w1");
    // m1 must hold the lease when it freezes (an earlier test's leader may hold it for up to one lease).
    await waitFor(
      "m1 to lead",
      async () => m1.output().includes("leader: m1 is the leader"),
      10_000,
    );
    const instanceId = await s.start({
      name: "master-freeze",
      tasks: [
        { code: "a", name: "a", type: "shell", params: { script: `sleep 1; echo a >> ${side}-a` } },
        { code: "b", name: "b", type: "shell", params: { script: `echo b >> ${side}-b` } },
      ],
      edges: [{ from: "a", to: "b" }],
    });
    await s.attemptIn(instanceId, "a", "RUNNING");
    s.master("m2");
    m1.proc.kill("SIGSTOP");
    const done = await s.finished(instanceId);
    expect([done.state, done.owner]).toEqual(["SUCCESS", "m2"]);
    m1.proc.kill("SIGCONT");
    await waitFor(
      "m1 to fence itself",
      async () => m1.output().includes("fencing (runners stop)"),
      10_000,
    );
    await waitFor("m1 to renew", async () => m1.output().includes("heartbeat renewed"), 10_000);
    expect(m1.output()).toContain("leader: m1 is no longer the leader");
    expect(m1.proc.exitCode).toBeNull();
    expect((await s.instance(instanceId)).owner).toBe("m2");
    expect(await lines(`${side}-a`)).toEqual(["a"]);
    expect(await lines(`${side}-b`)).toEqual(["b"]);
    await s.res.close();
  });

  it("SIGTERM: a master finishes its step, exits 0 and hands its instance over without waiting for the TTL", async () => {
    const s = scenario();
    // a TTL far longer than the test: only the hand-back can explain a quick takeover
    const slow = { SHOAL_HEARTBEAT_TTL_SECONDS: "60", SHOAL_LEADER_LEASE_SECONDS: "3" };
    const m1 = s.master("m1", slow);
    const m2 = s.master("m2", slow);
    s.worker("w1", slow);
    const instanceId = await s.start({
      name: "graceful",
      tasks: [
        { code: "a", name: "a", type: "shell", params: { script: "sleep 2" } },
        { code: "b", name: "b", type: "shell", params: { script: "true" } },
      ],
      edges: [{ from: "a", to: "b" }],
    });
    await s.attemptIn(instanceId, "a", "RUNNING");
    const owner = (await s.instance(instanceId)).owner!;
    expect(await (owner === "m1" ? m1 : m2).stop("SIGTERM")).toBe(0);
    const done = await s.finished(instanceId, 20_000);
    expect(done.state).toBe("SUCCESS");
    expect(done.owner).toBe(owner === "m1" ? "m2" : "m1");
    expect((await s.attempts(instanceId)).map((a) => [a.taskCode, a.attempt, a.state])).toEqual([
      ["a", 1, "SUCCESS"],
      ["b", 1, "SUCCESS"],
    ]);
    await s.res.close();
  });

  it("a worker killed during sleep: the task re-runs on another worker as a new attempt with the same key", async () => {
    const s = scenario();
    const runs = join(dir, "w-kill-runs");
    s.master("m1");
    const w1 = s.worker("w1");
    const instanceId = await s.start({
      name: "worker-kill",
      tasks: [
        {
          code: "s",
          name: "s",
          type: "shell",
          // the first attempt sleeps until its worker is killed; the failover attempt finishes
          params: {
            script: `echo "$SHOAL_TASK_KEY $SHOAL_ATTEMPT $$" >> ${runs}\nif [ "$SHOAL_ATTEMPT" = 1 ]; then sleep 20; fi`,
          },
        },
      ],
      edges: [],
    });
    await s.attemptIn(instanceId, "s", "RUNNING");
    s.worker("w2");
    w1.proc.kill("SIGKILL");

    const done = await s.finished(instanceId);
    const [first] = await lines(runs);
    process.kill(-Number(first!.split(" ")[2]), "SIGKILL"); // the orphaned sleep of the killed worker
    expect(done.state).toBe("SUCCESS");
    const attempts = await s.attempts(instanceId);
    expect(attempts.map((a) => [a.attempt, a.state, a.host])).toEqual([
      [1, "NEED_FAILOVER", "w1"],
      [2, "SUCCESS", "w2"],
    ]);
    const keys = (await lines(runs)).map((l) => l.split(" ").slice(0, 2));
    expect(keys).toEqual([
      [`${instanceId}:s:1`, "1"],
      [`${instanceId}:s:1`, "2"],
    ]);
    // the dead worker leaves the registry once its attempts are failed over
    await waitFor(
      "w1 to leave the registry",
      async () => (await s.res.r.db.select().from(server).where(eq(server.id, "w1"))).length === 0,
    );
    await s.res.close();
  });

  it("a worker frozen past its TTL fences itself on waking: kills its task's process group, reports nothing", async () => {
    const s = scenario();
    const runs = join(dir, "w-freeze-runs");
    s.master("m1");
    const w1 = s.worker("w1");
    const instanceId = await s.start({
      name: "worker-freeze",
      tasks: [
        {
          code: "s",
          name: "s",
          type: "shell",
          params: {
            script: `echo "$SHOAL_ATTEMPT $$" >> ${runs}\nif [ "$SHOAL_ATTEMPT" = 1 ]; then sleep 30; fi`,
          },
        },
      ],
      edges: [],
    });
    await s.attemptIn(instanceId, "s", "RUNNING");
    s.worker("w2");
    w1.proc.kill("SIGSTOP");
    const done = await s.finished(instanceId);
    expect(done.state).toBe("SUCCESS");
    const pgid = Number((await lines(runs))[0]!.split(" ")[1]);
    const groupAlive = () => {
      try {
        process.kill(-pgid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(groupAlive()).toBe(true); // the frozen worker's sleep still runs
    w1.proc.kill("SIGCONT");
    await waitFor(
      "the fenced worker to kill its task's process group",
      async () => !groupAlive(),
      10_000,
    );
    expect(w1.output()).toContain("fencing (killing tasks, taking no work)");
    await waitFor(
      "the worker to take work again",
      async () => w1.output().includes("heartbeat renewed: taking work again"),
      10_000,
    );
    // the killed first attempt reported nothing: it stays failed over, not KILL
    expect((await s.attempts(instanceId)).map((a) => [a.attempt, a.state, a.host])).toEqual([
      [1, "NEED_FAILOVER", "w1"],
      [2, "SUCCESS", "w2"],
    ]);
    await s.res.close();
  });

  it("FLUSHALL mid-run loses no work: the reconciler re-derives queued work from Postgres", async () => {
    const s = scenario();
    s.master("m1");
    s.worker("w1");
    // a worker of group g2 that takes nothing (memory limit 0): y stays queued until the flush drops it
    s.worker("w-busy", { SHOAL_WORKER_GROUP: "g2", SHOAL_WORKER_MAX_MEMORY: "0" });
    const instanceId = await s.start({
      name: "flush",
      tasks: [
        { code: "x", name: "x", type: "shell", params: { script: "sleep 2" } },
        { code: "y", name: "y", type: "shell", workerGroup: "g2", params: { script: "echo y" } },
        { code: "z", name: "z", type: "shell", params: { script: "echo z" } },
      ],
      edges: [
        { from: "x", to: "z" },
        { from: "y", to: "z" },
      ],
    });
    await s.attemptIn(instanceId, "x", "RUNNING");
    await s.attemptIn(instanceId, "y", "DISPATCHED");
    const client = createRedis(redis.url);
    await client.flushall();
    client.disconnect();
    s.worker("w2", { SHOAL_WORKER_GROUP: "g2" });

    const done = await s.finished(instanceId);
    expect(done.state).toBe("SUCCESS");
    const attempts = await s.attempts(instanceId);
    expect(attempts.map((a) => [a.taskCode, a.attempt, a.state])).toEqual([
      ["x", 1, "SUCCESS"],
      ["y", 1, "SUCCESS"],
      ["z", 1, "SUCCESS"],
    ]);
    expect(attempts.find((a) => a.taskCode === "y")?.host).toBe("w2");
    await s.res.close();
  });

  it("a finished event lost in a FLUSHALL while its worker lives: the attempt is failed over, the instance completes", async () => {
    const s = scenario();
    const runs = join(dir, "lost-finish-runs");
    const m1 = s.master("m1");
    const w1 = s.worker("w1");
    const instanceId = await s.start({
      name: "lost-finish",
      tasks: [
        {
          code: "t",
          name: "t",
          type: "shell",
          params: {
            script: `echo "start $SHOAL_ATTEMPT" >> ${runs}\nif [ "$SHOAL_ATTEMPT" = 1 ]; then sleep 1; fi\necho "end $SHOAL_ATTEMPT" >> ${runs}`,
          },
        },
      ],
      edges: [],
    });
    await s.attemptIn(instanceId, "t", "RUNNING");
    // The master consumes nothing while stopped (well within its TTL): the worker's finished event
    // waits in Redis, and the flush drops it.
    m1.proc.kill("SIGSTOP");
    await waitFor("attempt 1 to end", async () => (await lines(runs)).includes("end 1"), 5000);
    await new Promise((res) => setTimeout(res, 300)); // the worker enqueues its report
    const client = createRedis(redis.url);
    await client.flushall();
    client.disconnect();
    m1.proc.kill("SIGCONT");

    const done = await s.finished(instanceId);
    expect(done.state).toBe("SUCCESS");
    expect((await s.attempts(instanceId)).map((a) => [a.attempt, a.state, a.host])).toEqual([
      [1, "NEED_FAILOVER", "w1"],
      [2, "SUCCESS", "w1"],
    ]);
    expect(await lines(runs)).toEqual(["start 1", "end 1", "start 2", "end 2"]);
    // the worker stayed alive and registered throughout: no worker failover was involved
    expect(w1.proc.exitCode).toBeNull();
    expect(w1.output()).not.toContain("fencing");
    expect(m1.output()).toContain("worker w1 no longer runs attempt");
    const [row] = await s.res.r.db.select().from(server).where(eq(server.id, "w1"));
    expect(row!.stats.attempts).toEqual([]);
    await s.res.close();
  });
});

describe("worker load and groups", { timeout: 90_000 }, () => {
  it("the load guard pauses a worker at its task limit and resumes it below", async () => {
    const s = scenario();
    const [masterPort, workerPort] = [await freePort(), await freePort()];
    s.master("m1", { SHOAL_METRICS_PORT: String(masterPort) });
    const w = s.worker("w1", {
      SHOAL_WORKER_MAX_TASKS: "1",
      SHOAL_WORKER_CONCURRENCY: "4",
      SHOAL_METRICS_PORT: String(workerPort),
    });
    const first = await s.start({
      name: "long",
      tasks: [{ code: "a", name: "a", type: "shell", params: { script: "sleep 2" } }],
      edges: [],
    });
    await s.attemptIn(first, "a", "RUNNING");
    await waitFor("the load guard to pause", async () =>
      w.output().includes("load guard: pausing, 1 tasks running (limit 1)"),
    );
    const second = await s.start({
      name: "short",
      tasks: [{ code: "b", name: "b", type: "shell", params: { script: "true" } }],
      edges: [],
    });
    expect((await s.finished(second)).state).toBe("SUCCESS");
    const [a] = await s.attempts(first);
    const [b] = await s.attempts(second);
    // b waited until a's `sleep 2` was over although the worker could run 4 at once
    expect(b!.startTime!.getTime() - a!.startTime!.getTime()).toBeGreaterThanOrEqual(2000);
    expect(w.output()).toContain("load guard: resuming");
    const [row] = await s.res.r.db.select().from(server).where(eq(server.id, "w1"));
    expect(Object.keys(row!.stats)).toEqual(
      expect.arrayContaining(["cpuPct", "memPct", "load1", "running", "overloaded"]),
    );
    // the same figures reach Prometheus
    const scrape = async (port: number) => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const workerMetrics = await scrape(workerPort);
    expect(workerMetrics).toMatch(
      /shoal_tasks_total\{[^}]*type="shell"[^}]*outcome="SUCCESS"[^}]*\} 2/,
    );
    expect(workerMetrics).toMatch(/shoal_task_dispatch_latency_seconds_count\{[^}]*\} 2/);
    expect(workerMetrics).toMatch(/shoal_worker_load\{[^}]*figure="running"[^}]*\} \d/);
    const masterMetrics = await scrape(masterPort);
    expect(masterMetrics).toMatch(/shoal_command_backlog\{[^}]*\} 0/);
    expect(masterMetrics).toMatch(/shoal_master_leader\{[^}]*\} 1/);
    expect(masterMetrics).toMatch(
      /shoal_queue_depth\{[^}]*queue="tasks.default"[^}]*state="waiting"[^}]*\} 0/,
    );
    await s.res.close();
  });

  it("a task of a group with no worker waits visibly, then runs when a worker of the group starts", async () => {
    const s = scenario();
    s.master("m1");
    s.worker("w1");
    const instanceId = await s.start({
      name: "gpu",
      tasks: [
        {
          code: "g",
          name: "g",
          type: "shell",
          workerGroup: "gpu",
          params: { script: "echo on gpu" },
        },
      ],
      edges: [],
    });
    const waiting = await waitFor("the wait reason", async () =>
      (await s.attempts(instanceId)).find((a) => a.waitReason === "no worker in group gpu"),
    );
    expect(waiting.state).toBe("SUBMITTED");
    await new Promise((r) => setTimeout(r, 1000));
    expect((await s.attempts(instanceId))[0]?.state).toBe("SUBMITTED");
    s.worker("w-gpu", { SHOAL_WORKER_GROUP: "gpu" });
    expect((await s.finished(instanceId)).state).toBe("SUCCESS");
    const [g] = await s.attempts(instanceId);
    expect([g!.host, g!.waitReason]).toEqual(["w-gpu", null]);
    await s.res.close();
  });
});
