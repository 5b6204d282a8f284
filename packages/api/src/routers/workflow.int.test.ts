import { eq } from "drizzle-orm";
import { command, workflowVersion } from "@shoal/db";
import { jobIds, QUEUES } from "@shoal/protocol";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidWorkflowError } from "../errors";
import {
  addMember,
  adminCookie,
  createApiFixture,
  expectTRPCError,
  shellTask,
  type ApiFixture,
} from "../test-helpers";
import { createContext } from "../trpc";
import { appRouter } from "./index";

let fx: ApiFixture;
let admin: string;
beforeAll(async () => {
  fx = await createApiFixture("api_workflow");
  admin = await adminCookie(fx);
});
afterAll(async () => {
  await fx?.close();
});

const validDefinition = (name = "etl") => ({
  name,
  tasks: [shellTask("extract"), shellTask("load")],
  edges: [{ from: "extract", to: "load" }],
});

describe("project", () => {
  it("creates projects, refuses duplicate names and lists them with counts", async () => {
    const api = fx.caller(admin).api;
    const p = await api.project.create({ name: "analytics", description: "numbers" });
    expect(p).toMatchObject({
      name: "analytics",
      description: "numbers",
      workflowCount: 0,
      runningCount: 0,
      failedLast24h: 0,
    });
    const err = await expectTRPCError(api.project.create({ name: "analytics" }), "CONFLICT");
    expect(err.message).toBe('a project named "analytics" already exists');
    const list = await api.project.list();
    expect(list.map((x) => x.name)).toContain("analytics");
    expect((await api.project.byId({ projectId: p.id })).role).toBe("admin");
  });

  it("lets members in and keeps non-members out with FORBIDDEN", async () => {
    const owner = await fx.userCookie("olivia");
    const stranger = await fx.userCookie("sam");
    const mine = await fx.caller(owner).api.project.create({ name: "olivia-project" });
    expect((await fx.caller(owner).api.project.byId({ projectId: mine.id })).role).toBe("owner");

    const s = fx.caller(stranger).api;
    await expectTRPCError(s.project.byId({ projectId: mine.id }), "FORBIDDEN");
    await expectTRPCError(s.workflow.list({ projectId: mine.id }), "FORBIDDEN");
    await expectTRPCError(s.workflow.create({ projectId: mine.id, name: "x" }), "FORBIDDEN");
    await expectTRPCError(s.instance.list({ projectId: mine.id }), "FORBIDDEN");
    expect((await s.project.list()).map((x) => x.id)).not.toContain(mine.id);

    // A viewer may read but not change.
    const [row] = await fx.tdb.sql`select id from app_user where username = 'sam'`;
    await addMember(fx, mine.id, row!.id as string, "viewer");
    expect((await s.project.list()).map((x) => x.id)).toContain(mine.id);
    expect(await s.workflow.list({ projectId: mine.id })).toEqual([]);
    await expectTRPCError(s.workflow.create({ projectId: mine.id, name: "x" }), "FORBIDDEN");
  });
});

describe("workflow", () => {
  let projectId: string;
  let workflowId: string;
  beforeAll(async () => {
    const api = fx.caller(admin).api;
    projectId = (await api.project.create({ name: "wf-project" })).id;
    workflowId = (await api.workflow.create({ projectId, name: "etl" })).id;
  });

  it("opens a new workflow as an empty canvas at version 0", async () => {
    const api = fx.caller(admin).api;
    const wf = await api.workflow.byId({ projectId, workflowId });
    expect(wf.version).toBe(0);
    expect(wf.definition).toEqual({
      name: "etl",
      description: "",
      globalParams: [],
      tasks: [],
      edges: [],
    });
    await expectTRPCError(api.workflow.create({ projectId, name: "etl" }), "CONFLICT");
  });

  it("refuses to run version 0", async () => {
    const err = await expectTRPCError(
      fx.caller(admin).api.workflow.run({ projectId, workflowId }),
      "BAD_REQUEST",
    );
    expect(err.message).toBe("save the workflow before running it");
    expect(await fx.tdb.db.select().from(command)).toHaveLength(0);
  });

  it("rejects a cyclic workflow with issues naming the tasks and writes no version", async () => {
    const cyclic = {
      name: "etl",
      tasks: [shellTask("a", "Alpha"), shellTask("b", "Beta"), shellTask("c", "Gamma")],
      edges: [
        { from: "a", to: "b" },
        { from: "b", to: "c" },
        { from: "c", to: "a" },
      ],
    };
    const err = await expectTRPCError(
      fx.caller(admin).api.workflow.save({ projectId, workflowId, definition: cyclic }),
      "BAD_REQUEST",
    );
    expect(err.cause).toBeInstanceOf(InvalidWorkflowError);
    const issues = (err.cause as InvalidWorkflowError).issues;
    expect(err.message).toBe(issues[0]!.message);
    const cycle = issues.find((i) => i.code === "cycle")!;
    expect(cycle).toBeDefined();
    for (const name of ["Alpha", "Beta", "Gamma"]) expect(cycle.message).toContain(name);
    expect(
      await fx.tdb.db
        .select()
        .from(workflowVersion)
        .where(eq(workflowVersion.workflowId, workflowId)),
    ).toHaveLength(0);
    expect((await fx.caller(admin).api.workflow.byId({ projectId, workflowId })).version).toBe(0);
  });

  it("sends validation issues as data.issues over HTTP, without stack traces", async () => {
    const bad = {
      name: "etl",
      tasks: [shellTask("a", "Alpha"), { code: "b", name: "Beta", type: "shell", params: {} }],
      edges: [{ from: "a", to: "zz" }],
    };
    const res = await fetchRequestHandler({
      endpoint: "/api/trpc",
      router: appRouter,
      req: new Request("http://localhost/api/trpc/workflow.save", {
        method: "POST",
        headers: { "content-type": "application/json", cookie: admin },
        body: JSON.stringify({ projectId, workflowId, definition: bad }),
      }),
      createContext: (o) => createContext(fx.deps, o),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      error: { message: string; data: Record<string, unknown> };
    };
    const issues = body.error.data.issues as {
      taskCode?: string;
      taskName?: string;
      field?: string;
      message: string;
    }[];
    expect(issues.length).toBeGreaterThanOrEqual(2);
    expect(body.error.message).toBe(issues[0]!.message);
    expect(issues).toContainEqual(
      expect.objectContaining({
        code: "invalid_params",
        taskCode: "b",
        taskName: "Beta",
        field: "params.script",
      }),
    );
    expect(issues).toContainEqual(
      expect.objectContaining({ code: "unknown_edge_task", field: "edges[0].to" }),
    );
    expect(JSON.stringify(body)).not.toMatch(/stack|at .*\.ts:/);

    // zod input errors are flattened
    const res2 = await fetchRequestHandler({
      endpoint: "/api/trpc",
      router: appRouter,
      req: new Request("http://localhost/api/trpc/project.create", {
        method: "POST",
        headers: { "content-type": "application/json", cookie: admin },
        body: JSON.stringify({ name: "" }),
      }),
      createContext: (o) => createContext(fx.deps, o),
    });
    const body2 = (await res2.json()) as {
      error: { data: { zodError: { fieldErrors: Record<string, string[]> } } };
    };
    expect(res2.status).toBe(400);
    expect(body2.error.data.zodError.fieldErrors.name).toEqual(["name is required"]);
  });

  it("saves valid versions 1 then 2 and lists them", async () => {
    const api = fx.caller(admin).api;
    expect(
      await api.workflow.save({ projectId, workflowId, definition: validDefinition() }),
    ).toEqual({ version: 1 });
    const v2 = { ...validDefinition(), description: "second" };
    expect(
      await api.workflow.save({ projectId, workflowId, definition: v2, baseVersion: 1 }),
    ).toEqual({ version: 2 });
    await expectTRPCError(
      api.workflow.save({ projectId, workflowId, definition: v2, baseVersion: 1 }),
      "CONFLICT",
    );

    const cur = await api.workflow.byId({ projectId, workflowId });
    expect(cur.version).toBe(2);
    expect(cur.workflow.currentVersion).toBe(2);
    expect(cur.definition.description).toBe("second");
    expect(cur.definition.tasks[0]).toMatchObject({
      code: "extract",
      workerGroup: "default",
      retries: 0,
    });
    expect(
      (await api.workflow.byId({ projectId, workflowId, version: 1 })).definition.description,
    ).toBe("");
    await expectTRPCError(api.workflow.byId({ projectId, workflowId, version: 9 }), "NOT_FOUND");

    const versions = await api.workflow.versions({ projectId, workflowId });
    expect(versions.map((v) => [v.version, v.current, v.createdBy, v.taskCount])).toEqual([
      [2, true, "admin", 2],
      [1, false, "admin", 2],
    ]);
    const list = await api.workflow.list({ projectId });
    expect(list).toEqual([
      expect.objectContaining({
        id: workflowId,
        name: "etl",
        currentVersion: 2,
        description: "second",
        lastInstance: null,
      }),
    ]);
  });

  it("run writes a PENDING START command and enqueues job cmd-<id>", async () => {
    const api = fx.caller(admin).api;
    const res = await api.workflow.run({
      projectId,
      workflowId,
      priority: "HIGH",
      paramOverrides: { day: "2024-01-01" },
    });
    expect(res.instanceId).toBeNull(); // no master in this test
    const [row] = await fx.tdb.db.select().from(command).where(eq(command.id, res.commandId));
    expect(row).toMatchObject({
      type: "START",
      status: "PENDING",
      projectId,
      workflowId,
      workflowVersion: 2,
      priority: "HIGH",
      failureStrategy: "END",
      workerGroup: "default",
      options: { paramOverrides: { day: "2024-01-01" } },
    });
    const job = await fx.deps.queues.queue(QUEUES.commands).getJob(jobIds.command(res.commandId));
    expect(job?.id).toBe(`cmd-${res.commandId}`);
    expect(job?.data).toEqual({ commandId: res.commandId });
  });

  it("run returns the instance once a master creates it", async () => {
    const api = fx.caller(admin).api;
    // Play the master: wait for the new command row and create the instance for it.
    const before = new Set(
      (await fx.tdb.db.select({ id: command.id }).from(command)).map((r) => r.id),
    );
    const pending = api.workflow.run({ projectId, workflowId });
    let cmdId: string | undefined;
    for (let i = 0; i < 100 && !cmdId; i++) {
      cmdId = (await fx.tdb.db.select({ id: command.id }).from(command))
        .map((r) => r.id)
        .find((id) => !before.has(id));
      if (!cmdId) await new Promise((res) => setTimeout(res, 10));
    }
    expect(cmdId).toBeDefined();
    const [inst] = await fx.tdb
      .sql`insert into workflow_instance (project_id, workflow_id, workflow_version, command_id, name)
      values (${projectId}, ${workflowId}, 2, ${cmdId!}, 'etl-1') returning id`;
    const res = await pending;
    expect(res).toEqual({ commandId: cmdId, instanceId: inst!.id });

    const [wf] = await api.workflow.list({ projectId });
    expect(wf!.lastInstance).toMatchObject({ id: inst!.id, state: "SUBMITTED" });
    const project = (await api.project.list()).find((p) => p.id === projectId)!;
    expect(project).toMatchObject({ workflowCount: 1, runningCount: 1, failedLast24h: 0 });
    const page = await api.instance.list({ projectId, limit: 10 });
    expect(page.items.map((i) => [i.id, i.workflowName])).toEqual([[inst!.id, "etl"]]);
    expect(page.total).toBe(1);
  });
});
