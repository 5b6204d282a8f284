import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { validateWorkflow, type WorkflowDefinitionInput } from "@shoal/core";
import {
  instanceEvent,
  project,
  taskInstance,
  workflow,
  workflowInstance,
  workflowVersion,
} from "@shoal/db";
import {
  createTestDatabase,
  insertInstanceCommand,
  insertStartCommand,
  testRedisUrl,
  uniquePrefix,
  type TestDatabase,
} from "@shoal/db/testing";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createResources } from "./resources";
import { startRuntimeProcess, waitFor, type RuntimeProcess } from "./testing/stack";

/** Logic task types (conditions, switch, sub_workflow, dependent) against a real master, worker, Postgres and Redis. */
let db: TestDatabase;
let res: ReturnType<typeof createResources>;
let master: RuntimeProcess;
let worker: RuntimeProcess;
let projectId: string;
let masterEnv: Record<string, string>;

beforeAll(async () => {
  db = await createTestDatabase("logic");
  const prefix = uniquePrefix("logic");
  // A stable master id, so a restarted master picks up the instances it owned.
  masterEnv = {
    DATABASE_URL: db.url,
    REDIS_URL: testRedisUrl(),
    SHOAL_REDIS_PREFIX: prefix,
    SHOAL_MASTER_ID: `${prefix}-master`,
  };
  const env = { DATABASE_URL: db.url, REDIS_URL: testRedisUrl(), SHOAL_REDIS_PREFIX: prefix };
  master = startRuntimeProcess("master", masterEnv);
  worker = startRuntimeProcess("worker", env);
  res = createResources({
    databaseUrl: db.url,
    redisUrl: testRedisUrl(),
    prefix,
    masterId: "producer",
    log: () => {},
  });
  const [p] = await res.r.db
    .insert(project)
    .values({ name: "logic" })
    .returning({ id: project.id });
  projectId = p!.id;
});
afterAll(async () => {
  await master?.stop();
  await worker?.stop();
  await res?.close();
  await db?.drop();
});

/** Saves a workflow (version 1) in the shared project, so sub_workflow and dependent can refer to it. */
async function save(input: WorkflowDefinitionInput, id: string = randomUUID()) {
  const v = validateWorkflow(input);
  if (!v.ok) throw new Error(v.error.map((i) => i.message).join("; "));
  await res.r.db.insert(workflow).values({ id, projectId, name: input.name, currentVersion: 1 });
  await res.r.db
    .insert(workflowVersion)
    .values({ workflowId: id, version: 1, definition: v.value });
  return id;
}

async function run(workflowId: string) {
  const commandId = await insertStartCommand(res.r.db, { projectId, workflowId, version: 1 });
  await res.r.queues.enqueueCommand({ commandId });
  return waitFor("the instance", async () => {
    const [row] = await res.r.db
      .select({ id: workflowInstance.id })
      .from(workflowInstance)
      .where(eq(workflowInstance.commandId, commandId));
    return row?.id;
  });
}

async function send(instanceId: string, type: Parameters<typeof insertInstanceCommand>[3]) {
  const commandId = await insertInstanceCommand(res.r.db, projectId, instanceId, type);
  await res.r.queues.enqueueCommand({ commandId });
}

const instance = async (id: string) =>
  (await res.r.db.select().from(workflowInstance).where(eq(workflowInstance.id, id)))[0]!;

function untilState(id: string, ...states: string[]) {
  let initial: string | undefined;
  return waitFor(
    `instance ${id} to reach ${states.join("/")}`,
    async () => {
      const s = (await instance(id)).state;
      initial ??= s;
      // Fail fast on another final state, unless it is the one we started from (a command is pending).
      if (
        s !== initial &&
        ["SUCCESS", "FAILURE", "STOP", "PAUSE"].includes(s) &&
        !states.includes(s)
      ) {
        throw new Error(
          `instance ended ${s}, expected ${states.join("/")}: ${JSON.stringify(await attempts(id))}`,
        );
      }
      return states.includes(s) ? s : null;
    },
    60_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\nmaster:\n${master.output().slice(-3000)}`);
  });
}

const attempts = (instanceId: string) =>
  res.r.db
    .select({
      id: taskInstance.id,
      code: taskInstance.taskCode,
      state: taskInstance.state,
      attempt: taskInstance.attempt,
      error: taskInstance.error,
      detail: taskInstance.detail,
      outParams: taskInstance.outParams,
      waitReason: taskInstance.waitReason,
      host: taskInstance.host,
    })
    .from(taskInstance)
    .where(eq(taskInstance.workflowInstanceId, instanceId))
    .orderBy(asc(taskInstance.taskCode), asc(taskInstance.attempt));

const states = async (instanceId: string) =>
  (await attempts(instanceId)).map((a) => `${a.code}:${a.state}`);

const children = (parentId: string) =>
  res.r.db
    .select()
    .from(workflowInstance)
    .where(eq(workflowInstance.parentInstanceId, parentId))
    .orderBy(asc(workflowInstance.createdAt));

const processes = (needle: string) =>
  execFileSync("ps", ["-eo", "args"], { encoding: "utf8" })
    .split("\n")
    .filter((l) => l.includes(needle) && !l.includes("ps -eo"));

const shell = (code: string, script: string) => ({
  code,
  name: code,
  type: "shell",
  params: { script },
});
const edges = (...pairs: string[]) =>
  pairs.map((p) => {
    const [from, to] = p.split(">");
    return { from: from!, to: to! };
  });

describe("conditions", () => {
  const conditionsWorkflow = (name: string, script: string) => ({
    name,
    tasks: [
      shell("a", script),
      {
        code: "check",
        name: "check",
        type: "conditions",
        params: {
          relation: "AND",
          conditions: [{ taskCode: "a", state: "SUCCESS" }],
          successNext: ["ok"],
          failureNext: ["bad"],
        },
      },
      shell("ok", "echo success branch"),
      shell("bad", "echo failure branch"),
      shell("after_bad", "echo after the failure branch"),
    ],
    edges: edges("a>check", "check>ok", "check>bad", "bad>after_bad"),
  });

  it("takes the success branch when the upstream succeeded; the failure branch never runs", async () => {
    const id = await run(await save(conditionsWorkflow("cond-success", "true")));
    await untilState(id, "SUCCESS");
    const rows = await attempts(id);
    expect(rows.map((r) => `${r.code}:${r.state}`)).toEqual([
      "a:SUCCESS",
      "check:SUCCESS",
      "ok:SUCCESS",
    ]);
    expect(rows.find((r) => r.code === "check")!.detail).toMatchObject({
      outcome: "success",
      next: ["ok"],
    });
  });

  it("takes the failure branch after a failed upstream and still ends SUCCESS", async () => {
    const id = await run(await save(conditionsWorkflow("cond-failure", "exit 4")));
    await untilState(id, "SUCCESS");
    const rows = await attempts(id);
    expect(rows.map((r) => `${r.code}:${r.state}`)).toEqual([
      "a:FAILURE",
      "after_bad:SUCCESS",
      "bad:SUCCESS",
      "check:SUCCESS",
    ]);
    expect(rows.find((r) => r.code === "check")!.detail).toMatchObject({
      outcome: "failure",
      next: ["bad"],
      checks: [{ taskCode: "a", expected: "SUCCESS", actual: "FAILURE", met: false }],
    });
  });
});

describe("switch", () => {
  const switchWorkflow = (
    name: string,
    region: string,
    extra: { defaultNext?: string | null; condition?: string } = {},
  ) => ({
    name,
    globalParams: [
      { name: "region", value: region },
      { name: "n", value: "5" },
    ],
    tasks: [
      {
        code: "route",
        name: "route",
        type: "switch",
        params: {
          branches: [
            { condition: extra.condition ?? '${region} == "us"', next: "us" },
            { condition: '${region} == "eu" && ${n} > 3', next: "eu" },
          ],
          defaultNext: extra.defaultNext === undefined ? "other" : extra.defaultNext,
        },
      },
      shell("us", "echo us"),
      shell("eu", "echo eu"),
      shell("other", "echo other"),
      shell("join", "echo join"),
    ],
    edges: edges("route>us", "route>eu", "route>other", "eu>join", "other>join"),
  });

  it("runs the first matching branch and skips the others", async () => {
    const id = await run(await save(switchWorkflow("switch-eu", "eu")));
    await untilState(id, "SUCCESS");
    const rows = await attempts(id);
    expect(rows.map((r) => `${r.code}:${r.state}`)).toEqual([
      "eu:SUCCESS",
      "join:SUCCESS",
      "route:SUCCESS",
    ]);
    expect(rows.find((r) => r.code === "route")!.detail).toEqual({ branch: 1, next: ["eu"] });
    expect(rows.find((r) => r.code === "route")!.host).toBe(masterEnv.SHOAL_MASTER_ID); // ran in the master, not on a worker
  });

  it("runs the default branch when nothing matches", async () => {
    const id = await run(await save(switchWorkflow("switch-default", "apac")));
    await untilState(id, "SUCCESS");
    expect(await states(id)).toEqual(["join:SUCCESS", "other:SUCCESS", "route:SUCCESS"]);
  });

  it("fails the switch, naming it, when nothing matches and there is no default", async () => {
    const id = await run(await save(switchWorkflow("switch-none", "apac", { defaultNext: null })));
    await untilState(id, "FAILURE");
    const rows = await attempts(id);
    expect(rows.map((r) => `${r.code}:${r.state}:${r.attempt}`)).toEqual(["route:FAILURE:1"]);
    expect(rows[0]!.error).toBe(
      'task "route": none of the 2 branch conditions matched and there is no default branch',
    );
  });

  it("refuses code in a condition instead of running it", async () => {
    const id = await run(
      await save(
        switchWorkflow("switch-evil", "eu", {
          condition: 'constructor.constructor("return process.exit(1)")()',
        }),
      ),
    );
    await untilState(id, "FAILURE");
    const [row] = await attempts(id);
    expect(row!.error).toBe(
      'task "route": branch 1 (constructor.constructor("return process.exit(1)")()): function calls are not allowed',
    );
    expect(master.proc.exitCode).toBeNull(); // the master is alive
  });
});

describe("sub_workflow", () => {
  it("runs the child with the parent's params and follows its success, passing its OUT params on", async () => {
    const child = await save({
      name: "child-ok",
      tasks: [shell("c1", "echo \"region is ${region}\"; echo '${setValue(rows=42)}'")],
    });
    const parent = await save({
      name: "parent-ok",
      globalParams: [{ name: "region", value: "eu" }],
      tasks: [
        { code: "sub", name: "sub", type: "sub_workflow", params: { workflowId: child } },
        shell("use", 'test "${rows}" = 42'),
      ],
      edges: edges("sub>use"),
    });
    const id = await run(parent);
    await untilState(id, "SUCCESS");
    const [kid] = await children(id);
    expect(kid).toMatchObject({
      workflowId: child,
      runType: "SUB_WORKFLOW",
      state: "SUCCESS",
      options: expect.objectContaining({ paramOverrides: { region: "eu" } }),
    });
    const rows = await attempts(id);
    expect(rows.map((r) => `${r.code}:${r.state}`)).toEqual(["sub:SUCCESS", "use:SUCCESS"]);
    const sub = rows.find((r) => r.code === "sub")!;
    expect(kid!.parentTaskInstanceId).toBe(sub.id);
    expect(sub.outParams).toEqual({ rows: "42" });
    expect(sub.detail).toMatchObject({ childInstanceId: kid!.id, childState: "SUCCESS" });
  });

  it("fails the parent task when the child fails", async () => {
    const child = await save({ name: "child-fail", tasks: [shell("boom", "exit 3")] });
    const id = await run(
      await save({
        name: "parent-fail",
        tasks: [{ code: "sub", name: "sub", type: "sub_workflow", params: { workflowId: child } }],
      }),
    );
    await untilState(id, "FAILURE");
    const [row] = await attempts(id);
    expect(row).toMatchObject({ code: "sub", state: "FAILURE", attempt: 1 });
    expect(row!.error).toMatch(
      /^task "sub": sub-workflow instance "child-fail-\d+T\d+" ended FAILURE$/,
    );
  });

  it("fails, naming the task and the workflow id, when the sub-workflow does not exist", async () => {
    const missing = randomUUID();
    const id = await run(
      await save({
        name: "parent-missing",
        tasks: [
          { code: "sub", name: "sub", type: "sub_workflow", params: { workflowId: missing } },
        ],
      }),
    );
    await untilState(id, "FAILURE");
    const [row] = await attempts(id);
    expect(row!.error).toBe(`task "sub": sub-workflow ${missing} does not exist in this project`);
    expect(await children(id)).toEqual([]);
  });

  it("passes STOP on to the child: the child stops, its sleep is killed, the parent task ends KILL", async () => {
    const secs = `600.${Math.floor(Math.random() * 1e6)}`;
    const child = await save({ name: "child-sleep", tasks: [shell("zz", `sleep ${secs}`)] });
    const id = await run(
      await save({
        name: "parent-stop",
        tasks: [{ code: "sub", name: "sub", type: "sub_workflow", params: { workflowId: child } }],
      }),
    );
    await waitFor("the child's sleep", async () => processes(`sleep ${secs}`).length === 1);
    await send(id, "STOP");
    await untilState(id, "STOP");
    const [kid] = await children(id);
    expect(kid!.state).toBe("STOP");
    expect(await states(id)).toEqual(["sub:KILL"]);
    expect(await states(kid!.id)).toEqual(["zz:KILL"]);
    expect(processes(`sleep ${secs}`)).toEqual([]);
  });

  it("a timeout with strategy fail fails the task and stops its child", async () => {
    const secs = `600.${Math.floor(Math.random() * 1e6)}`;
    const child = await save({ name: "child-slow", tasks: [shell("zz", `sleep ${secs}`)] });
    const id = await run(
      await save({
        name: "parent-timeout",
        tasks: [
          {
            code: "sub",
            name: "sub",
            type: "sub_workflow",
            params: { workflowId: child },
            timeout: { seconds: 1, strategy: "fail" },
          },
        ],
      }),
    );
    await untilState(id, "FAILURE");
    const [row] = await attempts(id);
    expect(row).toMatchObject({
      code: "sub",
      state: "FAILURE",
      attempt: 1,
      error: "timed out after 1s",
    });
    const kid = await waitFor("the child to stop", async () => {
      const [k] = await children(id);
      return k?.state === "STOP" ? k : null;
    });
    expect(await states(kid.id)).toEqual(["zz:KILL"]);
    expect(processes(`sleep ${secs}`)).toEqual([]);
  });

  it("passes PAUSE on to the child, and RECOVER_PAUSED continues the same child", async () => {
    const child = await save({
      name: "child-pause",
      tasks: [shell("c1", "sleep 1.5"), shell("c2", "echo c2")],
      edges: edges("c1>c2"),
    });
    const id = await run(
      await save({
        name: "parent-pause",
        tasks: [{ code: "sub", name: "sub", type: "sub_workflow", params: { workflowId: child } }],
      }),
    );
    const kidId = await waitFor("the child to run c1", async () => {
      const [kid] = await children(id);
      return kid && (await states(kid.id)).includes("c1:RUNNING") ? kid.id : null;
    });
    await send(id, "PAUSE");
    await untilState(id, "PAUSE");
    expect((await instance(kidId)).state).toBe("PAUSE");
    expect(await states(kidId)).toEqual(["c1:SUCCESS", "c2:PAUSE"]);
    expect(await states(id)).toEqual(["sub:PAUSE"]);

    await send(id, "RECOVER_PAUSED");
    await untilState(id, "SUCCESS");
    expect((await children(id)).map((k) => k.id)).toEqual([kidId]);
    expect(await states(kidId)).toEqual(["c1:SUCCESS", "c2:PAUSE", "c2:SUCCESS"]);
    expect(await states(id)).toEqual(["sub:PAUSE", "sub:SUCCESS"]);
  });

  it("RECOVER_FAILED of the parent recovers the failed child, keeping its successes", async () => {
    const marker = `/tmp/shoal-logic-${randomUUID()}`;
    const child = await save({
      name: "child-flaky",
      tasks: [
        shell("ok", "echo fine"),
        shell("flaky", `if [ -f ${marker} ]; then rm ${marker}; else touch ${marker}; exit 1; fi`),
      ],
      edges: edges("ok>flaky"),
    });
    const id = await run(
      await save({
        name: "parent-flaky",
        tasks: [{ code: "sub", name: "sub", type: "sub_workflow", params: { workflowId: child } }],
      }),
    );
    await untilState(id, "FAILURE");
    const [kid] = await children(id);
    expect(await states(kid!.id)).toEqual(["flaky:FAILURE", "ok:SUCCESS"]);

    await send(id, "RECOVER_FAILED");
    await untilState(id, "SUCCESS");
    expect((await children(id)).map((k) => [k.id, k.state])).toEqual([[kid!.id, "SUCCESS"]]);
    expect(await states(kid!.id)).toEqual(["flaky:FAILURE", "flaky:SUCCESS", "ok:SUCCESS"]);
    expect(await states(id)).toEqual(["sub:FAILURE", "sub:SUCCESS"]);
  });

  it("follows the child's end across a master crash and restart", async () => {
    const child = await save({
      name: "child-crash",
      tasks: [shell("c1", "sleep 2; echo '${setValue(size=7)}'")],
    });
    const id = await run(
      await save({
        name: "parent-crash",
        tasks: [
          { code: "sub", name: "sub", type: "sub_workflow", params: { workflowId: child } },
          shell("after", 'test "${size}" = 7'),
        ],
        edges: edges("sub>after"),
      }),
    );
    await waitFor("the child to run c1", async () => {
      const [kid] = await children(id);
      return kid && (await states(kid.id)).includes("c1:RUNNING");
    });
    await master.stop("SIGKILL");
    await new Promise((r) => setTimeout(r, 2500)); // c1 finishes while no master runs
    master = startRuntimeProcess("master", masterEnv);
    await untilState(id, "SUCCESS");
    expect(await states(id)).toEqual(["after:SUCCESS", "sub:SUCCESS"]);
    expect((await children(id)).map((k) => k.state)).toEqual(["SUCCESS"]);
  });
});

describe("dependent", () => {
  it("waits, saying for what, until the other workflow's instance of today succeeded", async () => {
    const upstream = await save({ name: "daily-load", tasks: [shell("load", "true")] });
    const id = await run(
      await save({
        name: "waits-for-load",
        tasks: [
          {
            code: "dep",
            name: "dep",
            type: "dependent",
            params: {
              items: [{ workflowId: upstream, dateValue: "today" }],
              checkIntervalSeconds: 1,
            },
          },
          shell("next", "echo go"),
        ],
        edges: edges("dep>next"),
      }),
    );
    const waiting = await waitFor("the dependent to wait", async () => {
      const [row] = await attempts(id);
      return row?.state === "RUNNING" && row.waitReason?.startsWith("waiting for") ? row : null;
    }).catch(async (err: Error) => {
      throw new Error(
        `${err.message}: ${JSON.stringify(await attempts(id))}\nmaster:\n${master.output().slice(-3000)}`,
      );
    });
    expect(waiting.waitReason).toMatch(
      /^waiting for workflow daily-load \(\d{4}-\d{2}-\d{2}\) to succeed$/,
    );
    // Still waiting after a few checks.
    await new Promise((r) => setTimeout(r, 2500));
    expect(await states(id)).toEqual(["dep:RUNNING"]);

    const other = await run(upstream);
    await untilState(other, "SUCCESS");
    await untilState(id, "SUCCESS");
    const rows = await attempts(id);
    expect(rows.map((r) => `${r.code}:${r.state}`)).toEqual(["dep:SUCCESS", "next:SUCCESS"]);
    expect(rows[0]!.detail).toMatchObject({
      result: "met",
      items: [{ workflowId: upstream, status: "met", instanceId: other }],
    });
  });

  it("keeps waiting past its timeout when told to, raising one timeout alert", async () => {
    const upstream = await save({ name: "late-load", tasks: [shell("load", "true")] });
    const id = await run(
      await save({
        name: "waits-past-timeout",
        tasks: [
          {
            code: "dep",
            name: "dep",
            type: "dependent",
            params: {
              items: [{ workflowId: upstream, taskCode: "load" }],
              checkIntervalSeconds: 1,
              timeoutSeconds: 1,
              onTimeout: "wait",
            },
          },
        ],
      }),
    );
    const alerts = async () =>
      (
        await res.r.db.select().from(instanceEvent).where(eq(instanceEvent.workflowInstanceId, id))
      ).filter((e) => e.kind === "alert");
    await waitFor("the timeout alert", async () => (await alerts()).length > 0);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await states(id)).toEqual(["dep:RUNNING"]);
    expect((await alerts()).map((e) => [e.taskCode, e.message])).toEqual([["dep", "taskTimedOut"]]);

    await run(upstream);
    await untilState(id, "SUCCESS");
  });

  it("fails at its timeout when the dependency never runs", async () => {
    const never = await save({ name: "never-runs", tasks: [shell("x", "true")] });
    const id = await run(
      await save({
        name: "times-out",
        tasks: [
          {
            code: "dep",
            name: "dep",
            type: "dependent",
            params: {
              items: [{ workflowId: never, dateValue: "last1Days" }],
              checkIntervalSeconds: 1,
              timeoutSeconds: 2,
              onTimeout: "fail",
            },
          },
        ],
      }),
    );
    await untilState(id, "FAILURE");
    const [row] = await attempts(id);
    expect(row).toMatchObject({ state: "FAILURE", attempt: 1, waitReason: null });
    expect(row!.error).toMatch(
      /^task "dep": timed out after 2s: waiting for workflow never-runs \(\d{4}-\d{2}-\d{2}\) to succeed$/,
    );
  });
});
