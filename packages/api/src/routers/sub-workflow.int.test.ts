import { eq } from "drizzle-orm";
import { workflowVersion } from "@shoal/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type InvalidWorkflowError } from "../errors";
import {
  adminCookie,
  createApiFixture,
  expectTRPCError,
  shellTask,
  type ApiFixture,
} from "../test-helpers";

let fx: ApiFixture;
let admin: string;
beforeAll(async () => {
  fx = await createApiFixture("api_sub_workflow");
  admin = await adminCookie(fx);
});
afterAll(async () => {
  await fx?.close();
});

const sub = (code: string, workflowId: string) => ({
  code,
  name: `run ${code}`,
  type: "sub_workflow",
  params: { workflowId },
});

describe("sub_workflow at save", () => {
  it("refuses a workflow that includes itself, directly or through another, naming the task; saves nothing", async () => {
    const api = fx.caller(admin).api;
    const projectId = (await api.project.create({ name: "nesting" })).id;
    const outer = (await api.workflow.create({ projectId, name: "outer" })).id;
    const inner = (await api.workflow.create({ projectId, name: "inner" })).id;

    // Directly.
    const direct = await expectTRPCError(
      api.workflow.save({
        projectId,
        workflowId: outer,
        definition: { name: "outer", tasks: [shellTask("a"), sub("self", outer)] },
      }),
      "BAD_REQUEST",
    );
    expect((direct.cause as InvalidWorkflowError).issues).toEqual([
      {
        code: "sub_workflow_cycle",
        taskCode: "self",
        taskName: "run self",
        field: "params.workflowId",
        message: 'task "run self": the sub-workflow includes this workflow again (outer → outer)',
      },
    ]);

    // Through another workflow: outer → inner is fine while inner has no sub-workflow...
    await api.workflow.save({
      projectId,
      workflowId: outer,
      definition: { name: "outer", tasks: [sub("child", inner)] },
    });
    // ...but inner → outer would close the loop inner → outer → inner.
    const loop = await expectTRPCError(
      api.workflow.save({
        projectId,
        workflowId: inner,
        definition: { name: "inner", tasks: [sub("back", outer)] },
      }),
      "BAD_REQUEST",
    );
    expect(loop.message).toBe(
      'task "run back": the sub-workflow includes this workflow again (inner → outer → inner)',
    );
    expect(
      await fx.tdb.db.select().from(workflowVersion).where(eq(workflowVersion.workflowId, inner)),
    ).toHaveLength(0);

    // A sub-workflow that does not include it is saved.
    const leaf = (await api.workflow.create({ projectId, name: "leaf" })).id;
    await api.workflow.save({
      projectId,
      workflowId: leaf,
      definition: { name: "leaf", tasks: [shellTask("x")] },
    });
    expect(
      await api.workflow.save({
        projectId,
        workflowId: inner,
        definition: { name: "inner", tasks: [sub("ok", leaf)] },
      }),
    ).toEqual({ version: 1 });
  });
});
