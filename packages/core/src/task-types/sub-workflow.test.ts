import { describe, expect, it } from "vitest";
import { findSubWorkflowLoop, subWorkflowRefs, type SubWorkflowRef } from "./sub-workflow";

const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";
const C = "00000000-0000-4000-8000-00000000000c";
const ref = (workflowId: string, version: number | null = null): SubWorkflowRef => ({
  taskCode: "t",
  taskName: "t",
  workflowId,
  version,
});

describe("findSubWorkflowLoop", () => {
  const graph: Record<string, SubWorkflowRef[]> = { [B]: [ref(C)], [C]: [ref(A)] };
  const refsOf = (id: string) => Promise.resolve(graph[id] ?? []);

  it("finds a workflow that includes itself directly", async () => {
    expect(await findSubWorkflowLoop(A, A, refsOf)).toEqual([A]);
  });

  it("finds a workflow that includes itself through others", async () => {
    expect(await findSubWorkflowLoop(A, B, refsOf)).toEqual([B, C, A]);
  });

  it("accepts references that do not lead back", async () => {
    expect(
      await findSubWorkflowLoop(C, B, (id) => Promise.resolve(id === B ? [ref(A)] : [])),
    ).toBeNull();
  });

  it("terminates on a loop that does not include the saved workflow", async () => {
    const loop = (id: string) => Promise.resolve(id === B ? [ref(C)] : id === C ? [ref(B)] : []);
    expect(await findSubWorkflowLoop(A, B, loop)).toBeNull();
  });
});

describe("subWorkflowRefs", () => {
  it("lists sub_workflow tasks with valid params only", () => {
    expect(
      subWorkflowRefs([
        { code: "s", name: "child", type: "sub_workflow", params: { workflowId: B, version: 2 } },
        { code: "x", name: "broken", type: "sub_workflow", params: { workflowId: "nope" } },
        { code: "y", name: "shell", type: "shell", params: { script: "true" } },
      ]),
    ).toEqual([{ taskCode: "s", taskName: "child", workflowId: B, version: 2 }]);
  });
});
