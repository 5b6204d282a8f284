import { eq } from "drizzle-orm";
import { command } from "@shoal/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
beforeAll(async () => {
  fx = await createApiFixture("api_wf_versions");
  admin = await adminCookie(fx);
  const api = fx.caller(admin).api;
  projectId = (await api.project.create({ name: "versions" })).id;
  workflowId = (await api.workflow.create({ projectId, name: "etl" })).id;
});
afterAll(async () => {
  await fx?.close();
});

const definition = (script: string, name = "etl") => ({
  name,
  tasks: [shellTask("extract"), { ...shellTask("load"), params: { script } }],
  edges: [{ from: "extract", to: "load" }],
});

describe("workflow.makeCurrent", () => {
  it("switches the current version without writing one; the next save is max + 1", async () => {
    const api = fx.caller(admin).api;
    await api.workflow.save({ projectId, workflowId, definition: definition("echo one") });
    await api.workflow.save({
      projectId,
      workflowId,
      definition: definition("echo two", "etl-renamed"),
    });

    expect(await api.workflow.makeCurrent({ projectId, workflowId, version: 1 })).toEqual({
      version: 1,
    });
    const cur = await api.workflow.byId({ projectId, workflowId });
    expect(cur.version).toBe(1);
    expect(cur.workflow.name).toBe("etl"); // the workflow takes the chosen version's name back
    expect(cur.definition.tasks[1]!.params).toEqual({ script: "echo one" });
    const versions = await api.workflow.versions({ projectId, workflowId });
    expect(versions.map((v) => [v.version, v.current])).toEqual([
      [2, false],
      [1, true],
    ]);

    // Runs use the current version.
    const run = await api.workflow.run({ projectId, workflowId });
    const [cmd] = await fx.tdb.db.select().from(command).where(eq(command.id, run.commandId));
    expect(cmd!.workflowVersion).toBe(1);

    // Saving after a switch appends a new version; baseVersion is checked against the switched pointer.
    expect(
      await api.workflow.save({
        projectId,
        workflowId,
        definition: definition("echo three"),
        baseVersion: 1,
      }),
    ).toEqual({
      version: 3,
    });
  });

  it("refuses unknown versions and viewers", async () => {
    const api = fx.caller(admin).api;
    const err = await expectTRPCError(
      api.workflow.makeCurrent({ projectId, workflowId, version: 42 }),
      "NOT_FOUND",
    );
    expect(err.message).toContain("version 42");
    await expectTRPCError(
      api.workflow.makeCurrent({ projectId, workflowId, version: 0 }),
      "BAD_REQUEST",
    );
    const stranger = await fx.userCookie("mallory");
    await expectTRPCError(
      fx.caller(stranger).api.workflow.makeCurrent({ projectId, workflowId, version: 1 }),
      "FORBIDDEN",
    );
    expect((await api.workflow.byId({ projectId, workflowId })).version).toBe(3);
  });
});

describe("workflow.run options", () => {
  it("stores dry run, start task and overrides on the START command", async () => {
    const api = fx.caller(admin).api;
    const res = await api.workflow.run({
      projectId,
      workflowId,
      dryRun: true,
      startTask: { code: "load", mode: "upstream" },
      paramOverrides: { dt: "2024-01-01" },
      failureStrategy: "CONTINUE",
      workerGroup: "gpu",
    });
    const [cmd] = await fx.tdb.db.select().from(command).where(eq(command.id, res.commandId));
    expect(cmd).toMatchObject({
      failureStrategy: "CONTINUE",
      workerGroup: "gpu",
      options: {
        dryRun: true,
        startTask: { code: "load", mode: "upstream" },
        paramOverrides: { dt: "2024-01-01" },
      },
    });
  });
});
