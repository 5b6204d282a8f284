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
let etlId: string;
let reportId: string;

/** Inserts an instance as the master would (command row first), with timings relative to now. */
async function seedInstance(opts: {
  workflowId: string;
  name: string;
  state: string;
  createdAgoS: number;
  runS?: number;
  options?: Record<string, unknown>;
}) {
  const [cmd] = await fx.tdb
    .sql`insert into command (type, project_id, workflow_id, workflow_version) values ('START', ${projectId}, ${opts.workflowId}, 1) returning id`;
  const createdMs = Date.now() - opts.createdAgoS * 1000;
  const created = new Date(createdMs).toISOString();
  const end = opts.runS != null ? new Date(createdMs + opts.runS * 1000).toISOString() : null;
  const [inst] = await fx.tdb
    .sql`insert into workflow_instance (project_id, workflow_id, workflow_version, command_id, name, state, created_at, start_time, end_time, options)
    values (${projectId}, ${opts.workflowId}, 1, ${cmd!.id as string}, ${opts.name}, ${opts.state}, ${created}, ${created}, ${end}, ${JSON.stringify(opts.options ?? {})}::jsonb) returning id`;
  return inst!.id as string;
}

const ids: Record<string, string> = {};

beforeAll(async () => {
  fx = await createApiFixture("api_instance");
  admin = await adminCookie(fx);
  const api = fx.caller(admin).api;
  projectId = (await api.project.create({ name: "inst" })).id;
  etlId = (await api.workflow.create({ projectId, name: "etl" })).id;
  reportId = (await api.workflow.create({ projectId, name: "report_100%" })).id;
  await api.workflow.save({
    projectId,
    workflowId: etlId,
    definition: {
      name: "etl",
      globalParams: [
        { name: "region", value: "eu" },
        { name: "day", value: "$[yyyyMMdd]" },
        { name: "target", value: "${region}-${day}" },
      ],
      tasks: [shellTask("a", "extract"), shellTask("b", "load")],
      edges: [{ from: "a", to: "b" }],
    },
  });
  await api.workflow.save({
    projectId,
    workflowId: reportId,
    definition: { name: "report_100%", tasks: [shellTask("r")], edges: [] },
  });
  ids.old = await seedInstance({
    workflowId: etlId,
    name: "etl-old",
    state: "SUCCESS",
    createdAgoS: 3 * 86400,
    runS: 50,
  });
  ids.fail = await seedInstance({
    workflowId: etlId,
    name: "etl-fail",
    state: "FAILURE",
    createdAgoS: 3600,
    runS: 5,
  });
  ids.run = await seedInstance({
    workflowId: etlId,
    name: "etl-run",
    state: "RUNNING",
    createdAgoS: 60,
    options: { paramOverrides: { region: "us" } },
  });
  ids.report = await seedInstance({
    workflowId: reportId,
    name: "report-1",
    state: "SUCCESS",
    createdAgoS: 30,
    runS: 1,
  });
});
afterAll(async () => {
  await fx?.close();
});

describe("instance.list", () => {
  it("pages newest first with the total", async () => {
    const api = fx.caller(admin).api;
    const p1 = await api.instance.list({ projectId, limit: 3 });
    expect(p1.total).toBe(4);
    expect(p1.items.map((i) => i.name)).toEqual(["report-1", "etl-run", "etl-fail"]);
    expect(p1.items[0]).toMatchObject({
      workflowName: "report_100%",
      state: "SUCCESS",
      workflowVersion: 1,
    });
    const p2 = await api.instance.list({ projectId, limit: 3, offset: 3 });
    expect(p2.items.map((i) => i.name)).toEqual(["etl-old"]);
    expect(p2.total).toBe(4);
  });

  it("filters by state, workflow, name and date range", async () => {
    const api = fx.caller(admin).api;
    const names = async (input: Omit<Parameters<typeof api.instance.list>[0], "projectId">) =>
      (await api.instance.list({ projectId, ...input })).items.map((i) => i.name);
    expect(await names({ states: ["FAILURE", "RUNNING"] })).toEqual(["etl-run", "etl-fail"]);
    expect(await names({ workflowId: reportId })).toEqual(["report-1"]);
    // Matches the workflow's name too, and % is a literal character, not a wildcard.
    expect(await names({ name: "100%" })).toEqual(["report-1"]);
    expect(await names({ name: "e%l" })).toEqual([]);
    expect(await names({ name: "FAIL" })).toEqual(["etl-fail"]);
    expect(await names({ from: new Date(Date.now() - 2 * 86400_000) })).toEqual([
      "report-1",
      "etl-run",
      "etl-fail",
    ]);
    expect(await names({ to: new Date(Date.now() - 2 * 86400_000) })).toEqual(["etl-old"]);
    const both = await api.instance.list({
      projectId,
      states: ["SUCCESS"],
      from: new Date(Date.now() - 86400_000),
    });
    expect([both.total, both.items.map((i) => i.name)]).toEqual([1, ["report-1"]]);
  });

  it("sorts on the server by duration, name and workflow", async () => {
    const api = fx.caller(admin).api;
    const names = async (sort: "duration" | "name" | "workflow", dir: "asc" | "desc") =>
      (await api.instance.list({ projectId, sort, dir })).items.map((i) => i.name);
    // The running one has been running for 60 s and counts up to now.
    expect(await names("duration", "desc")).toEqual(["etl-run", "etl-old", "etl-fail", "report-1"]);
    expect(await names("duration", "asc")).toEqual(["report-1", "etl-fail", "etl-old", "etl-run"]);
    expect(await names("name", "asc")).toEqual(["etl-fail", "etl-old", "etl-run", "report-1"]);
    expect((await names("workflow", "desc"))[0]).toBe("report-1");
  });

  it("rejects bad input with the field named", async () => {
    const api = fx.caller(admin).api;
    const err = await expectTRPCError(api.instance.list({ projectId, limit: 0 }), "BAD_REQUEST");
    expect(JSON.stringify(err.cause ?? err.message)).toMatch(/limit/);
    await expectTRPCError(
      api.instance.list({ projectId, states: ["NOPE" as never] }),
      "BAD_REQUEST",
    );
  });

  it("refuses a user outside the project", async () => {
    const stranger = await fx.userCookie("stranger");
    await expectTRPCError(fx.caller(stranger).api.instance.list({ projectId }), "FORBIDDEN");
    await expectTRPCError(fx.caller(stranger).api.instance.listTasks({ projectId }), "FORBIDDEN");
    await expectTRPCError(
      fx.caller(stranger).api.instance.events({ projectId, instanceId: ids.run! }),
      "FORBIDDEN",
    );
  });
});

describe("instance.onProjectChange", () => {
  it("ticks on subscribe, then once per burst of changes with the ids that changed", async () => {
    const ac = new AbortController();
    const sub = await fx
      .caller(admin, { signal: ac.signal })
      .api.instance.onProjectChange({ projectId });
    const it = sub[Symbol.asyncIterator]();
    expect((await it.next()).value).toEqual({ instanceIds: [] });
    const channel = fx.deps.names.projectChannel(projectId);
    await fx.deps.redis.publish(channel, ids.run!);
    await fx.deps.redis.publish(channel, ids.fail!);
    await fx.deps.redis.publish(channel, ids.run!);
    const tick = await it.next();
    expect(new Set((tick.value as { instanceIds: string[] }).instanceIds)).toEqual(
      new Set([ids.run, ids.fail]),
    );
    // Another project's channel does not wake it.
    await fx.deps.redis.publish(
      fx.deps.names.projectChannel("00000000-0000-4000-8000-000000000000"),
      ids.run!,
    );
    const pending = it.next();
    const raced = await Promise.race([
      pending.then(() => "tick"),
      new Promise((r) => setTimeout(() => r("quiet"), 400)),
    ]);
    expect(raced).toBe("quiet");
    expect(fx.deps.pubsub.channelCount).toBe(1);
    ac.abort();
    expect((await pending).done).toBe(true);
    expect(fx.deps.pubsub.channelCount).toBe(0);
  });
});

describe("instance.events and params", () => {
  it("events lists commands with their actor and state changes, oldest first", async () => {
    await fx.tdb
      .sql`insert into instance_event (workflow_instance_id, kind, message, actor) values (${ids.run!}, 'command', 'START', 'admin')`;
    await fx.tdb
      .sql`insert into instance_event (workflow_instance_id, kind, to_state) values (${ids.run!}, 'workflowState', 'RUNNING')`;
    await fx.tdb
      .sql`insert into instance_event (workflow_instance_id, kind, message, actor) values (${ids.fail!}, 'command', 'STOP', 'other')`;
    const events = await fx.caller(admin).api.instance.events({ projectId, instanceId: ids.run! });
    expect(events.map((e) => [e.kind, e.message, e.actor, e.toState])).toEqual([
      ["command", "START", "admin", null],
      ["workflowState", null, null, "RUNNING"],
    ]);
    await expectTRPCError(
      fx
        .caller(admin)
        .api.instance.events({ projectId, instanceId: "00000000-0000-4000-8000-000000000000" }),
      "NOT_FOUND",
    );
  });

  it("params merges system, global and override with their source, resolved; OUT params per task", async () => {
    await fx.tdb
      .sql`insert into task_instance (workflow_instance_id, project_id, task_code, task_name, task_type, attempt, state, out_params)
      values (${ids.run!}, ${projectId}, 'a', 'extract', 'shell', 1, 'FAILURE', ${JSON.stringify({ rows: "1" })}::jsonb),
             (${ids.run!}, ${projectId}, 'a', 'extract', 'shell', 2, 'SUCCESS', ${JSON.stringify({ rows: "42" })}::jsonb),
             (${ids.run!}, ${projectId}, 'b', 'load', 'shell', 1, 'RUNNING', null)`;
    const res = await fx.caller(admin).api.instance.params({ projectId, instanceId: ids.run! });
    const byName = new Map(res.params.map((p) => [p.name, p]));
    expect(byName.get("region")).toMatchObject({ value: "us", source: "override", resolved: "us" });
    expect(byName.get("system.biz.curdate")).toMatchObject({ source: "system" });
    expect(byName.get("system.biz.curdate")!.resolved).toMatch(/^\d{8}$/);
    const day = byName.get("day")!;
    expect(day).toMatchObject({ value: "$[yyyyMMdd]", source: "global" });
    expect(day.resolved).toBe(byName.get("system.biz.curdate")!.resolved);
    expect(byName.get("target")!.resolved).toBe(`us-${day.resolved}`);
    expect(res.taskOut).toEqual([
      { taskCode: "a", taskName: "extract", attempt: 2, outParams: { rows: "42" } },
    ]);
  });
});

describe("instance.listTasks", () => {
  it("lists attempts across the project, filtered by state, task name, host and instance", async () => {
    await fx.tdb
      .sql`insert into task_instance (workflow_instance_id, project_id, task_code, task_name, task_type, attempt, state, host, submit_time)
      values (${ids.report!}, ${projectId}, 'r', 'render_report', 'shell', 1, 'SUCCESS', 'worker-7', now() + interval '1 second')`;
    const api = fx.caller(admin).api;
    const all = await api.instance.listTasks({ projectId });
    expect(all.total).toBe(4);
    expect(all.items[0]).toMatchObject({
      taskName: "render_report",
      instanceName: "report-1",
      workflowName: "report_100%",
      instanceId: ids.report,
    });
    const names = async (input: Omit<Parameters<typeof api.instance.listTasks>[0], "projectId">) =>
      (await api.instance.listTasks({ projectId, ...input })).items
        .map((t) => `${t.taskName}#${t.attempt}`)
        .sort();
    expect(await names({ states: ["SUCCESS"] })).toEqual(["extract#2", "render_report#1"]);
    expect(await names({ taskName: "EXTR" })).toEqual(["extract#1", "extract#2"]);
    expect(await names({ host: "worker-7" })).toEqual(["render_report#1"]);
    expect(await names({ instanceId: ids.run! })).toEqual(["extract#1", "extract#2", "load#1"]);
    expect(await names({ from: new Date(Date.now() + 86400_000) })).toEqual([]);
    const page = await api.instance.listTasks({ projectId, limit: 2, offset: 2 });
    expect([page.total, page.items.length]).toEqual([4, 2]);
  });
});

describe("workflow.run from a task", () => {
  it("stores the start task on the command, and refuses a task the version lacks", async () => {
    const api = fx.caller(admin).api;
    const { commandId } = await api.workflow.run({
      projectId,
      workflowId: etlId,
      startTask: { code: "b", mode: "downstream" },
    });
    const [row] = await fx.tdb.sql`select type, options from command where id = ${commandId}`;
    expect(row).toEqual({
      type: "START",
      options: { startTask: { code: "b", mode: "downstream" } },
    });
    const err = await expectTRPCError(
      api.workflow.run({ projectId, workflowId: etlId, startTask: { code: "zz", mode: "only" } }),
      "BAD_REQUEST",
    );
    expect(err.message).toMatch(/task "zz" is not in version 1/);
    await expectTRPCError(
      api.workflow.run({
        projectId,
        workflowId: etlId,
        startTask: { code: "a", mode: "sideways" as never },
      }),
      "BAD_REQUEST",
    );
  });
});

describe("instance.onChange resumes after a reconnect", () => {
  /** Opens the SSE stream the way a reconnecting EventSource does, with a Last-Event-ID header. */
  async function open(lastEventId: string | null, ac: AbortController) {
    const input = encodeURIComponent(JSON.stringify({ projectId, instanceId: ids.fail! }));
    const headers: Record<string, string> = { cookie: admin };
    if (lastEventId) headers["last-event-id"] = lastEventId;
    const res = await fetchRequestHandler({
      endpoint: "/api/trpc",
      router: appRouter,
      req: new Request(`http://localhost/api/trpc/instance.onChange?input=${input}`, {
        headers,
        signal: ac.signal,
      }),
      createContext: (o) => createContext(fx.deps, o),
    });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    /** Reads until an `id:` line shows up or `ms` pass; returns the ids seen. */
    const read = async (ms: number) => {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline && !/\nid: \d+/.test(text)) {
        const chunk = await Promise.race([
          reader.read(),
          new Promise<null>((r) => setTimeout(() => r(null), deadline - Date.now())),
        ]);
        if (!chunk || chunk.done) break;
        text += decoder.decode(chunk.value);
      }
      return [...text.matchAll(/\nid: (\d+)/g)].map((m) => m[1]);
    };
    return { read, close: () => reader.cancel().catch(() => {}) };
  }

  it("sends nothing already seen, then only what is newer than Last-Event-ID", async () => {
    const [row] = await fx.tdb
      .sql`select max(id)::text as id from instance_event where workflow_instance_id = ${ids.fail!}`;
    const seen = row!.id as string;
    expect(seen).toMatch(/^\d+$/);

    // A first connection without an id gets the current snapshot at once.
    const ac0 = new AbortController();
    const fresh = await open(null, ac0);
    expect(await fresh.read(3000)).toEqual([seen]);
    ac0.abort();
    await fresh.close();

    // The reconnect with the id it saw gets nothing until something newer is committed.
    const ac = new AbortController();
    const resumed = await open(seen, ac);
    expect(await resumed.read(600)).toEqual([]);
    const [ev] = await fx.tdb
      .sql`insert into instance_event (workflow_instance_id, kind, to_state) values (${ids.fail!}, 'workflowState', 'RUNNING') returning id`;
    await fx.deps.redis.publish(fx.deps.names.instanceChannel(ids.fail!), "1");
    expect(await resumed.read(3000)).toEqual([String(ev!.id)]);
    ac.abort();
    await resumed.close();
  });
});
