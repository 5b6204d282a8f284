import { execFileSync } from "node:child_process";
import { validateWorkflow, type WorkflowDefinitionInput } from "@shoal/core";
import { command, taskInstance, workflowInstance } from "@shoal/db";
import {
  createTestDatabase,
  insertInstanceCommand,
  insertStartCommand,
  seedWorkflow,
  testRedisUrl,
  uniquePrefix,
  type TestDatabase,
} from "@shoal/db/testing";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createResources } from "./resources";
import { startRuntimeProcess, waitFor, type RuntimeProcess } from "./testing/stack";

/** Engine commands and task policies against real master and worker processes. */
let db: TestDatabase;
let res: ReturnType<typeof createResources>;
let master: RuntimeProcess;
let worker: RuntimeProcess;

beforeAll(async () => {
  db = await createTestDatabase("commands");
  const prefix = uniquePrefix("cmd");
  const env = { DATABASE_URL: db.url, REDIS_URL: testRedisUrl(), SHOAL_REDIS_PREFIX: prefix };
  master = startRuntimeProcess("master", env);
  worker = startRuntimeProcess("worker", env);
  res = createResources({ databaseUrl: db.url, redisUrl: testRedisUrl(), prefix, masterId: "producer", log: () => {} });
});
afterAll(async () => {
  await master?.stop();
  await worker?.stop();
  await res?.close();
  await db?.drop();
});

function wf(input: WorkflowDefinitionInput) {
  const v = validateWorkflow(input);
  if (!v.ok) throw new Error(v.error.map((i) => i.message).join("; "));
  return v.value;
}

async function start(input: WorkflowDefinitionInput) {
  const ids = await seedWorkflow(res.r.db, wf(input));
  const commandId = await insertStartCommand(res.r.db, ids);
  await res.r.queues.enqueueCommand({ commandId });
  const instanceId = await waitFor("the instance", async () => {
    const [row] = await res.r.db.select({ id: workflowInstance.id }).from(workflowInstance).where(eq(workflowInstance.commandId, commandId));
    return row?.id;
  });
  return { ...ids, instanceId };
}

async function send(projectId: string, instanceId: string, type: Parameters<typeof insertInstanceCommand>[3], options = {}) {
  const commandId = await insertInstanceCommand(res.r.db, projectId, instanceId, type, options);
  await res.r.queues.enqueueCommand({ commandId });
  return commandId;
}

const instanceState = async (id: string) =>
  (await res.r.db.select({ state: workflowInstance.state }).from(workflowInstance).where(eq(workflowInstance.id, id)))[0]?.state;

function untilState(id: string, ...states: string[]) {
  let initial: string | undefined;
  return waitFor(`instance ${id} to reach ${states.join("/")}`, async () => {
    const s = await instanceState(id);
    initial ??= s;
    // Fail fast on a different final state, unless it is the one we started from (a command is pending).
    if (s && s !== initial && ["SUCCESS", "FAILURE", "STOP", "PAUSE"].includes(s) && !states.includes(s)) {
      const tasks = await attempts(id);
      throw new Error(`instance ended ${s}, expected ${states.join("/")}: ${JSON.stringify(tasks)}`);
    }
    return s && states.includes(s) ? s : null;
  }, 60_000).catch((err: Error) => {
    throw new Error(`${err.message} (is ${String(states)})\nmaster:\n${master.output().slice(-3000)}\nworker:\n${worker.output().slice(-3000)}`);
  });
}

const attempts = (instanceId: string) =>
  res.r.db
    .select({ code: taskInstance.taskCode, state: taskInstance.state, attempt: taskInstance.attempt, exitCode: taskInstance.exitCode, generation: taskInstance.generation })
    .from(taskInstance)
    .where(eq(taskInstance.workflowInstanceId, instanceId))
    .orderBy(asc(taskInstance.taskCode), asc(taskInstance.attempt));

const processes = (needle: string) =>
  execFileSync("ps", ["-eo", "args"], { encoding: "utf8" })
    .split("\n")
    .filter((l) => l.includes(needle) && !l.includes("ps -eo"));

describe("commands", () => {
  it("STOP during sleep 600 ends STOP, the task KILL, and leaves no sleep process", async () => {
    const secs = `600.${Math.floor(Math.random() * 1e6)}`;
    const { projectId, instanceId } = await start({
      name: "stop-me",
      tasks: [
        { code: "s", name: "sleeper", type: "shell", params: { script: `echo going to sleep\nsleep ${secs} & sleep ${secs}` } },
        { code: "after", name: "after", type: "shell", params: { script: "echo never" } },
      ],
      edges: [{ from: "s", to: "after" }],
    });
    await waitFor("sleep to run", async () => processes(`sleep ${secs}`).length === 2);
    await send(projectId, instanceId, "STOP");
    await untilState(instanceId, "STOP");
    expect((await attempts(instanceId)).map((a) => [a.code, a.state])).toEqual([["s", "KILL"]]);
    expect(processes(`sleep ${secs}`)).toEqual([]);
  });

  it("PAUSE lets the running task finish and dispatches nothing more; RECOVER_PAUSED ends SUCCESS running each task once", async () => {
    const { projectId, instanceId } = await start({
      name: "pause-me",
      tasks: [
        { code: "a", name: "a", type: "shell", params: { script: "sleep 1.5; echo a done" } },
        { code: "b", name: "b", type: "shell", params: { script: "echo b" } },
        { code: "c", name: "c", type: "shell", params: { script: "echo c" } },
      ],
      edges: [{ from: "a", to: "b" }, { from: "b", to: "c" }],
    });
    await waitFor("a to run", async () => (await attempts(instanceId)).some((t) => t.code === "a" && t.state === "RUNNING"));
    await send(projectId, instanceId, "PAUSE");
    await untilState(instanceId, "PAUSE");
    // a finished (SUCCESS); b was ready but never dispatched: it paused without running
    expect((await attempts(instanceId)).map((t) => [t.code, t.state])).toEqual([
      ["a", "SUCCESS"],
      ["b", "PAUSE"],
    ]);
    await send(projectId, instanceId, "RECOVER_PAUSED");
    await untilState(instanceId, "SUCCESS");
    const rows = await attempts(instanceId);
    const ran = rows.filter((t) => t.state === "SUCCESS").map((t) => t.code);
    expect(ran).toEqual(["a", "b", "c"]);
  });

  it("RECOVER_FAILED re-runs only the failed branch and keeps successes", async () => {
    const flag = `/tmp/shoal-test-flag-${Math.random().toString(36).slice(2)}`;
    const { projectId, instanceId } = await start({
      name: "fix-me",
      tasks: [
        { code: "root", name: "root", type: "shell", params: { script: "echo root" } },
        { code: "ok", name: "ok", type: "shell", params: { script: "echo ok" } },
        { code: "bad", name: "bad", type: "shell", params: { script: `test -f ${flag} || exit 7` } },
        { code: "tail", name: "tail", type: "shell", params: { script: "echo tail" } },
      ],
      edges: [{ from: "root", to: "ok" }, { from: "root", to: "bad" }, { from: "bad", to: "tail" }],
    });
    await untilState(instanceId, "FAILURE");
    expect((await attempts(instanceId)).find((t) => t.code === "bad")?.exitCode).toBe(7);
    execFileSync("touch", [flag]);
    await send(projectId, instanceId, "RECOVER_FAILED");
    await untilState(instanceId, "SUCCESS");
    const rows = await attempts(instanceId);
    expect(rows.map((t) => [t.code, t.attempt, t.state])).toEqual([
      ["bad", 1, "FAILURE"],
      ["bad", 2, "SUCCESS"],
      ["ok", 1, "SUCCESS"],
      ["root", 1, "SUCCESS"],
      ["tail", 1, "SUCCESS"],
    ]);
    execFileSync("rm", ["-f", flag]);
  });

  it("FORCE_SUCCESS of a failed task lets the finished instance go on to SUCCESS", async () => {
    const { projectId, instanceId } = await start({
      name: "force-me",
      tasks: [
        { code: "bad", name: "bad", type: "shell", params: { script: "exit 1" } },
        { code: "next", name: "next", type: "shell", params: { script: "echo next" } },
      ],
      edges: [{ from: "bad", to: "next" }],
    });
    await untilState(instanceId, "FAILURE");
    await send(projectId, instanceId, "FORCE_SUCCESS", { taskCode: "bad" });
    await untilState(instanceId, "SUCCESS");
    expect((await attempts(instanceId)).map((t) => [t.code, t.state])).toEqual([
      ["bad", "FORCED_SUCCESS"],
      ["next", "SUCCESS"],
    ]);
  });

  it("RERUN runs the whole instance again as new attempts", async () => {
    const { projectId, instanceId } = await start({
      name: "rerun-me",
      tasks: [{ code: "a", name: "a", type: "shell", params: { script: "echo a" } }],
      edges: [],
    });
    await untilState(instanceId, "SUCCESS");
    await send(projectId, instanceId, "RERUN");
    await waitFor("the rerun to finish", async () => (await attempts(instanceId)).length === 2 && (await instanceState(instanceId)) === "SUCCESS");
    expect((await attempts(instanceId)).map((t) => [t.attempt, t.generation, t.state])).toEqual([
      [1, 1, "SUCCESS"],
      [2, 2, "SUCCESS"],
    ]);
  });

  it("a command the instance's state does not allow is rejected with its reason", async () => {
    const { projectId, instanceId } = await start({
      name: "done",
      tasks: [{ code: "a", name: "a", type: "shell", params: { script: "true" } }],
      edges: [],
    });
    await untilState(instanceId, "SUCCESS");
    const id = await send(projectId, instanceId, "PAUSE");
    const row = await waitFor("the command to be handled", async () => {
      const [c] = await res.r.db.select().from(command).where(eq(command.id, id));
      return c?.status !== "PENDING" ? c : null;
    });
    expect(row).toMatchObject({ status: "REJECTED", error: "cannot pause an instance that is SUCCESS" });
  });
});

describe("task policies", () => {
  it("retries a failing task after its interval (durable timer) and then succeeds", async () => {
    const counter = `/tmp/shoal-test-count-${Math.random().toString(36).slice(2)}`;
    const { instanceId } = await start({
      name: "flaky",
      tasks: [
        {
          code: "f",
          name: "flaky",
          type: "shell",
          retries: 2,
          retryIntervalSeconds: 1,
          params: { script: `echo x >> ${counter}; [ $(wc -l < ${counter}) -ge 3 ]` },
        },
      ],
      edges: [],
    });
    await untilState(instanceId, "SUCCESS");
    const rows = await attempts(instanceId);
    expect(rows.map((t) => [t.attempt, t.state])).toEqual([
      [1, "FAILURE"],
      [2, "FAILURE"],
      [3, "SUCCESS"],
    ]);
    execFileSync("rm", ["-f", counter]);
  });

  it("a timeout with strategy fail kills the task and fails it", async () => {
    const { instanceId } = await start({
      name: "slow",
      tasks: [{ code: "s", name: "slow", type: "shell", timeout: { seconds: 1, strategy: "fail" }, params: { script: "sleep 30" } }],
      edges: [],
    });
    await untilState(instanceId, "FAILURE");
    expect((await attempts(instanceId)).map((t) => t.state)).toEqual(["FAILURE"]);
  });

  it("dry run walks the DAG without executing anything", async () => {
    const marker = `/tmp/shoal-test-dry-${Math.random().toString(36).slice(2)}`;
    const ids = await seedWorkflow(res.r.db, wf({
      name: "dry",
      tasks: [
        { code: "a", name: "a", type: "shell", params: { script: `touch ${marker}` } },
        { code: "b", name: "b", type: "shell", params: { script: `touch ${marker}` } },
      ],
      edges: [{ from: "a", to: "b" }],
    }));
    const commandId = await insertStartCommand(res.r.db, ids, { dryRun: true });
    await res.r.queues.enqueueCommand({ commandId });
    const instanceId = await waitFor("the instance", async () => {
      const [row] = await res.r.db.select({ id: workflowInstance.id }).from(workflowInstance).where(eq(workflowInstance.commandId, commandId));
      return row?.id;
    });
    await untilState(instanceId, "SUCCESS");
    expect((await attempts(instanceId)).map((t) => t.state)).toEqual(["SUCCESS", "SUCCESS"]);
    expect(() => execFileSync("test", ["-e", marker])).toThrow();
  });
});

describe("parameters", () => {
  it("an OUT param set by a shell task reaches a downstream python task, with global params and $[time] resolved", async () => {
    const { instanceId } = await start({
      name: "params",
      globalParams: [{ name: "greeting", value: "hello" }, { name: "day", value: "$[yyyyMMdd]" }],
      tasks: [
        { code: "produce", name: "produce", type: "shell", params: { script: "echo '${setValue(rows=42)}'" } },
        {
          code: "consume",
          name: "consume",
          type: "python",
          params: { script: 'import os\nprint("got ${rows} ${greeting}", os.environ["rows"], len("${day}"))\nassert "${rows}" == "42"' },
        },
      ],
      edges: [{ from: "produce", to: "consume" }],
    });
    await untilState(instanceId, "SUCCESS");
    const [consume] = (await attempts(instanceId)).filter((t) => t.code === "consume");
    expect(consume?.state).toBe("SUCCESS");
    const [row] = await res.r.db.select({ out: taskInstance.outParams }).from(taskInstance).where(eq(taskInstance.taskCode, "produce"));
    expect(row?.out).toEqual({ rows: "42" });
  });

  it("an unknown ${param} fails the task before it runs, naming the task and the param", async () => {
    const { instanceId } = await start({
      name: "unknown-param",
      tasks: [{ code: "u", name: "uses-missing", type: "shell", params: { script: "echo ${nope}" } }],
      edges: [],
    });
    await untilState(instanceId, "FAILURE");
    const [row] = await res.r.db.select({ error: taskInstance.error, start: taskInstance.startTime }).from(taskInstance).where(eq(taskInstance.workflowInstanceId, instanceId));
    expect(row?.error).toMatch(/uses-missing/);
    expect(row?.error).toMatch(/nope/);
    expect(row?.start).toBeNull();
  });
});
