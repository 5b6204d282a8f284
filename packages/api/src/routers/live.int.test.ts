import { jobIds, QUEUES } from "@shoal/protocol";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContext } from "../trpc";
import { appRouter } from "./index";
import {
  adminCookie,
  createApiFixture,
  expectTRPCError,
  shellTask,
  type ApiFixture,
} from "../test-helpers";

let fx: ApiFixture;
let admin: string;
let projectId: string;
let workflowId: string;
let instanceId: string;
let taskA: string;

/** Inserts a command + instance + task attempts directly, as the master would. */
async function seedInstance() {
  const [cmd] = await fx.tdb
    .sql`insert into command (type, project_id, workflow_id, workflow_version) values ('START', ${projectId}, ${workflowId}, 1) returning id`;
  const [inst] = await fx.tdb
    .sql`insert into workflow_instance (project_id, workflow_id, workflow_version, command_id, name, state)
    values (${projectId}, ${workflowId}, 1, ${cmd!.id as string}, 'etl-1', 'RUNNING') returning id`;
  const id = inst!.id as string;
  const rows = await fx.tdb
    .sql`insert into task_instance (workflow_instance_id, project_id, task_code, task_name, task_type, attempt, state, host, exit_code)
    values (${id}, ${projectId}, 'a', 'a', 'shell', 1, 'FAILURE', 'w1', 1),
           (${id}, ${projectId}, 'a', 'a', 'shell', 2, 'RUNNING', 'w1', null),
           (${id}, ${projectId}, 'b', 'b', 'shell', 1, 'SUBMITTED', null, null)
    returning id, task_code, attempt`;
  return {
    id,
    taskA2: rows.find((r) => r.task_code === "a" && r.attempt === 2)!.id as string,
    taskA1: rows[0]!.id as string,
  };
}

async function event(state: string, taskCode: string | null = null) {
  const [row] = await fx.tdb
    .sql`insert into instance_event (workflow_instance_id, task_code, kind, to_state) values (${instanceId}, ${taskCode}, 'state', ${state}) returning id`;
  return String(row!.id);
}

beforeAll(async () => {
  fx = await createApiFixture("api_live");
  admin = await adminCookie(fx);
  const api = fx.caller(admin).api;
  projectId = (await api.project.create({ name: "live" })).id;
  workflowId = (await api.workflow.create({ projectId, name: "etl" })).id;
  await api.workflow.save({
    projectId,
    workflowId,
    definition: {
      name: "etl",
      tasks: [shellTask("a"), shellTask("b")],
      edges: [{ from: "a", to: "b" }],
    },
  });
  const seeded = await seedInstance();
  instanceId = seeded.id;
  taskA = seeded.taskA2;
});
afterAll(async () => {
  await fx?.close();
});

/** createCaller yields tracked envelopes `[id, data, symbol]`; clients see `{ id, data }`. */
const env = <T>(e: { id: string; data: T }): { id: string; data: T } => {
  const raw = e as unknown;
  return Array.isArray(raw) ? { id: raw[0] as string, data: raw[1] as T } : e;
};

/** Pulls the next value of an iterator (as `{ id, data }`), failing after `ms`. */
async function next<T>(
  it: AsyncIterator<{ id: string; data: T }>,
  ms = 5000,
): Promise<{ id: string; data: T }> {
  let timer: NodeJS.Timeout | undefined;
  const res = await Promise.race([
    it.next(),
    new Promise<never>(
      (_, rej) => (timer = setTimeout(() => rej(new Error(`no value within ${ms} ms`)), ms)),
    ),
  ]).finally(() => clearTimeout(timer));
  if (res.done) throw new Error("iterator ended");
  return env(res.value);
}

describe("instance", () => {
  it("byId returns the pinned definition and the latest attempt per task", async () => {
    const res = await fx.caller(admin).api.instance.byId({ projectId, instanceId });
    expect(res.instance).toMatchObject({
      id: instanceId,
      state: "RUNNING",
      workflowName: "etl",
      workflowVersion: 1,
    });
    expect(res.definition.tasks.map((t) => t.code)).toEqual(["a", "b"]);
    expect(res.tasks.map((t) => [t.taskCode, t.attempt, t.state])).toEqual([
      ["a", 2, "RUNNING"],
      ["b", 1, "SUBMITTED"],
    ]);
    expect(res.allAttempts).toHaveLength(3);
  });

  it("onChange yields a snapshot at start and after each published change, and stops on abort", async () => {
    const ac = new AbortController();
    const sub = await fx
      .caller(admin, { signal: ac.signal })
      .api.instance.onChange({ projectId, instanceId });
    const it = sub[Symbol.asyncIterator]();

    const first = await next(it);
    expect(first.id).toBe("0");
    expect(first.data.instance.state).toBe("RUNNING");

    // The master: commit the change and its event, then publish.
    await fx.tdb.sql`update task_instance set state = 'SUCCESS', exit_code = 0 where id = ${taskA}`;
    const id1 = await event("SUCCESS", "a");
    await fx.deps.redis.publish(fx.deps.names.instanceChannel(instanceId), "changed");
    const second = await next(it);
    expect(second.id).toBe(id1);
    expect(second.data.tasks.find((t) => t.taskCode === "a")).toMatchObject({
      state: "SUCCESS",
      exitCode: 0,
      attempt: 2,
    });

    // A publish with no new event yields nothing; the next real change does.
    await fx.deps.redis.publish(fx.deps.names.instanceChannel(instanceId), "noise");
    await fx.tdb.sql`update workflow_instance set state = 'SUCCESS' where id = ${instanceId}`;
    const id2 = await event("SUCCESS");
    await fx.deps.redis.publish(fx.deps.names.instanceChannel(instanceId), "changed");
    const third = await next(it);
    expect(third.id).toBe(id2);
    expect(third.data.instance.state).toBe("SUCCESS");

    expect(fx.deps.pubsub.channelCount).toBe(1);
    ac.abort();
    const end = await it.next();
    expect(end.done).toBe(true);
    expect(fx.deps.pubsub.channelCount).toBe(0);
  });

  it("onChange resumed with a current lastEventId waits for the next change", async () => {
    const [row] = await fx.tdb
      .sql`select max(id)::text as id from instance_event where workflow_instance_id = ${instanceId}`;
    const ac = new AbortController();
    const sub = await fx
      .caller(admin, { signal: ac.signal })
      .api.instance.onChange({ projectId, instanceId, lastEventId: row!.id as string });
    const it = sub[Symbol.asyncIterator]();
    const pending = next(it);
    await new Promise((r) => setTimeout(r, 300));
    const id = await event("SUCCESS", "b");
    await fx.deps.redis.publish(fx.deps.names.instanceChannel(instanceId), "changed");
    expect((await pending).id).toBe(id);
    ac.abort();
    await it.return?.(undefined);
  });

  it("many subscriptions share one subscriber connection", async () => {
    const acs = Array.from({ length: 5 }, () => new AbortController());
    const its = await Promise.all(
      acs.map(async (ac) =>
        (
          await fx
            .caller(admin, { signal: ac.signal })
            .api.instance.onChange({ projectId, instanceId })
        )[Symbol.asyncIterator](),
      ),
    );
    await Promise.all(its.map((it) => next(it)));
    expect(fx.deps.pubsub.channelCount).toBe(1);
    const clients = (await fx.deps.redis.client("LIST")) as string;
    const mine = clients
      .split("\n")
      .filter((l) => l.includes(`sub=1`) || l.includes("cmd=subscribe"));
    expect(mine.length).toBeGreaterThanOrEqual(1);
    for (const ac of acs) ac.abort();
    for (const it of its) await it.next();
    expect(fx.deps.pubsub.channelCount).toBe(0);
  });

  it("instance commands go through the outbox, refused when the state cannot take them", async () => {
    const api = fx.caller(admin).api;
    const [{ state }] = (await fx.tdb
      .sql`select state from workflow_instance where id = ${instanceId}`) as unknown as [
      { state: string },
    ];
    expect(state).toBe("SUCCESS");
    const err = await expectTRPCError(api.instance.pause({ projectId, instanceId }), "BAD_REQUEST");
    expect(err.message).toMatch(/SUCCESS/);
    const { commandId } = await api.instance.rerun({ projectId, instanceId });
    const [row] = await fx.tdb
      .sql`select type, status, instance_id from command where id = ${commandId}`;
    expect(row).toEqual({ type: "RERUN", status: "PENDING", instance_id: instanceId });
    const job = await fx.deps.queues.queue(QUEUES.commands).getJob(jobIds.command(commandId));
    expect(job?.data).toEqual({ commandId });
    const forced = await api.instance.forceTaskSuccess({ projectId, instanceId, taskCode: "a" });
    const [f] = await fx.tdb.sql`select type, options from command where id = ${forced.commandId}`;
    expect(f).toEqual({ type: "FORCE_SUCCESS", options: { taskCode: "a" } });
  });

  it("onChange streams over HTTP as SSE with tracked ids", async () => {
    const ac = new AbortController();
    const input = encodeURIComponent(JSON.stringify({ projectId, instanceId }));
    const res = await fetchRequestHandler({
      endpoint: "/api/trpc",
      router: appRouter,
      req: new Request(`http://localhost/api/trpc/instance.onChange?input=${input}`, {
        headers: { cookie: admin },
        signal: ac.signal,
      }),
      createContext: (o) => createContext(fx.deps, o),
    });
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!/\nid: \d+/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    expect(text).toMatch(/"state":"SUCCESS"/);
    ac.abort();
    await reader.cancel().catch(() => {});
    for (let i = 0; i < 50 && fx.deps.pubsub.channelCount > 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(fx.deps.pubsub.channelCount).toBe(0);
  });

  it("onChange of an unknown instance is NOT_FOUND", async () => {
    const sub = await fx
      .caller(admin)
      .api.instance.onChange({ projectId, instanceId: "00000000-0000-4000-8000-000000000000" });
    await expectTRPCError(sub[Symbol.asyncIterator]().next(), "NOT_FOUND");
  });
});

describe("access", () => {
  // Task log procedures are tested in task.int.test.ts.
  it("a non-member cannot follow an instance", async () => {
    const stranger = await fx.userCookie("eve");
    await expectTRPCError(
      fx.caller(stranger).api.instance.onChange({ projectId, instanceId }),
      "FORBIDDEN",
    );
  });
});
