import { validateWorkflow, type WorkflowDefinitionInput } from "@shoal/core";
import { command, taskInstance, workflowInstance } from "@shoal/db";
import { createTestDatabase, insertStartCommand, seedWorkflow, testRedisUrl, uniquePrefix, type TestDatabase } from "@shoal/db/testing";
import { jobIds, QUEUES } from "@shoal/protocol";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createResources, type MasterResources } from "./resources";
import { CommandConsumer } from "./systems/command-consumer";
import { EventConsumer } from "./systems/event-consumer";
import { Runners } from "./systems/runners";
import { startRuntimeProcess, waitFor, type RuntimeProcess } from "./testing/stack";

function definition(input: WorkflowDefinitionInput) {
  const v = validateWorkflow(input);
  if (!v.ok) throw new Error(v.error.map((i) => i.message).join("; "));
  return v.value;
}

const chain = definition({
  name: "a-then-b",
  tasks: [
    { code: "a", name: "a", type: "shell", params: { script: "echo a" } },
    { code: "b", name: "b", type: "shell", params: { script: "echo b" } },
  ],
  edges: [{ from: "a", to: "b" }],
});

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase("runtime");
});
afterAll(async () => {
  await db?.drop();
});

describe("master in-process (no worker)", () => {
  let res: ReturnType<typeof createResources>;
  let r: MasterResources;
  let runners: Runners;
  beforeAll(() => {
    res = createResources({ databaseUrl: db.url, redisUrl: testRedisUrl(), prefix: uniquePrefix(), masterId: "m-test", log: () => {} });
    r = res.r;
    runners = new Runners(r);
  });
  afterAll(async () => {
    await res.close();
  });

  it("a command delivered twice yields one instance", async () => {
    const ids = await seedWorkflow(r.db, chain);
    const commandId = await insertStartCommand(r.db, ids);
    const consumer = new CommandConsumer(r, runners, 1);
    const job = { data: { commandId } } as Parameters<CommandConsumer["handle"]>[0];
    await Promise.all([consumer.handle(job), consumer.handle(job)]);
    await consumer.handle(job);
    const instances = await r.db.select().from(workflowInstance).where(eq(workflowInstance.commandId, commandId));
    expect(instances).toHaveLength(1);
    const [cmd] = await r.db.select().from(command).where(eq(command.id, commandId));
    expect(cmd?.status).toBe("CONSUMED");
    // exactly one attempt of the root task was dispatched, with one queued job
    const tasks = await r.db.select().from(taskInstance).where(eq(taskInstance.workflowInstanceId, instances[0]!.id));
    expect(tasks.map((t) => [t.taskCode, t.state])).toEqual([["a", "DISPATCHED"]]);
    const job2 = await r.queues.queue(QUEUES.tasks("default")).getJob(jobIds.task(tasks[0]!.id));
    expect(job2?.data).toMatchObject({ taskCode: "a", instanceId: instances[0]!.id, owner: "m-test" });
  });

  it("a task event delivered twice changes nothing the second time", async () => {
    const ids = await seedWorkflow(r.db, chain);
    const consumer = new CommandConsumer(r, runners, 1);
    const instanceId = (await consumer.createInstance(await insertStartCommand(r.db, ids)))!;
    const [a] = await r.db.select().from(taskInstance).where(eq(taskInstance.workflowInstanceId, instanceId));
    const events = new EventConsumer(r, runners, 1);
    const base = { taskInstanceId: a!.id, instanceId, epoch: 1, at: Date.now() };
    const started = { data: { kind: "taskEvent", event: { ...base, type: "started", host: "w1", pid: 1 } } };
    const finished = {
      data: { kind: "taskEvent", event: { ...base, type: "finished", outcome: "SUCCESS", exitCode: 0, error: null, outParams: {} } },
    };
    type J = Parameters<EventConsumer["handle"]>[0];
    await events.handle(started as J);
    await events.handle(started as J);
    await events.handle(finished as J);
    const snapshot = async () =>
      r.db
        .select({ code: taskInstance.taskCode, state: taskInstance.state, attempt: taskInstance.attempt, end: taskInstance.endTime })
        .from(taskInstance)
        .where(eq(taskInstance.workflowInstanceId, instanceId))
        .orderBy(taskInstance.taskCode);
    const before = await snapshot();
    expect(before.map((t) => [t.code, t.state, t.attempt])).toEqual([
      ["a", "SUCCESS", 1],
      ["b", "DISPATCHED", 1],
    ]);
    await events.handle(finished as J);
    await events.handle(started as J);
    expect(await snapshot()).toEqual(before);
  });
});

describe("master and worker processes", () => {
  const prefix = uniquePrefix("rt");
  let master: RuntimeProcess;
  let worker: RuntimeProcess;
  beforeAll(() => {
    const env = { DATABASE_URL: db.url, REDIS_URL: testRedisUrl(), SHOAL_REDIS_PREFIX: prefix };
    master = startRuntimeProcess("master", env);
    worker = startRuntimeProcess("worker", { ...env, SHOAL_WORKER_CONCURRENCY: "16" });
  });
  afterAll(async () => {
    expect(await master.stop()).toBe(0);
    expect(await worker.stop()).toBe(0);
  });

  it("runs 20 workflows of 10 tasks started at once to SUCCESS", async () => {
    const res = createResources({ databaseUrl: db.url, redisUrl: testRedisUrl(), prefix, masterId: "producer", log: () => {} });
    try {
      const commandIds: string[] = [];
      for (let w = 0; w < 20; w++) {
        // a root, eight tasks fanning out in two layers, and a join
        const tasks = Array.from({ length: 10 }, (_, i) => ({
          code: `t${i}`,
          name: `t${i}`,
          type: "shell",
          params: { script: `echo workflow ${w} task ${i}` },
        }));
        const edges = [
          ...[1, 2, 3, 4].map((i) => ({ from: "t0", to: `t${i}` })),
          ...[5, 6, 7, 8].map((i) => ({ from: `t${i - 4}`, to: `t${i}` })),
          ...[5, 6, 7, 8].map((i) => ({ from: `t${i}`, to: "t9" })),
        ];
        const ids = await seedWorkflow(res.r.db, definition({ name: `wf-${w}`, tasks, edges }));
        commandIds.push(await insertStartCommand(res.r.db, ids));
      }
      await Promise.all(commandIds.map((commandId) => res.r.queues.enqueueCommand({ commandId })));
      const finished = await waitFor(
        "20 instances to finish",
        async () => {
          const rows = await res.r.db
            .select({ id: workflowInstance.id, state: workflowInstance.state })
            .from(workflowInstance)
            .where(and(inArray(workflowInstance.commandId, commandIds), inArray(workflowInstance.state, ["SUCCESS", "FAILURE", "STOP"])));
          return rows.length === 20 ? rows : null;
        },
        90_000,
      ).catch((err: Error) => {
        throw new Error(`${err.message}\nmaster:\n${master.output()}\nworker:\n${worker.output()}`);
      });
      expect(finished.map((f) => f.state)).toEqual(Array(20).fill("SUCCESS"));
      const tasks = await res.r.db
        .select({ state: taskInstance.state })
        .from(taskInstance)
        .where(inArray(taskInstance.workflowInstanceId, finished.map((f) => f.id)));
      expect(tasks).toHaveLength(200);
      expect(new Set(tasks.map((t) => t.state))).toEqual(new Set(["SUCCESS"]));
    } finally {
      await res.close();
    }
  });
});
