import { expect, test } from "./fixtures/auth";
import {
  createProject,
  savedDefinition,
  seedWorkflow,
  selectedNames,
  taskCount,
} from "./fixtures/editor";

test.use({ viewport: { width: 1600, height: 900 } });

test("copy tasks with their edge, paste them into a second workflow and duplicate there", async ({
  page,
  context,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await createProject(page);
  const source = await seedWorkflow(page, {
    tasks: [
      { code: "a1", name: "extract", params: { script: "echo from-a" } },
      { code: "b1", name: "load" },
      { code: "c1", name: "report" },
    ],
    edges: [
      { from: "a1", to: "b1" },
      { from: "b1", to: "c1" },
    ],
    layout: { a1: { x: 0, y: 0 }, b1: { x: 280, y: 0 }, c1: { x: 560, y: 0 } },
  });
  // Select extract and load (shift-click), copy.
  await page.getByTestId("task-node-extract").click();
  await page.getByTestId("task-node-load").click({ modifiers: ["Shift"] });
  expect(await selectedNames(page)).toEqual(["extract", "load"]);
  await page.keyboard.press("Control+c");
  const copied = await page.evaluate<string>("navigator.clipboard.readText()");
  const fragment = JSON.parse(copied) as { kind: string; tasks: unknown[]; edges: unknown[] };
  expect(fragment.kind).toBe("shoal/tasks");
  expect(fragment.tasks).toHaveLength(2);
  expect(fragment.edges).toEqual([{ from: "a1", to: "b1" }]);

  // A second workflow that already has a task named "extract".
  await page.goto(`/projects/${source.projectId}/workflows`);
  const target = await seedWorkflow(page, {
    tasks: [{ code: "z1", name: "extract" }],
    layout: { z1: { x: 0, y: 0 } },
  });
  const canvas = (await page.getByTestId("canvas").boundingBox())!;
  await page.mouse.move(canvas.x + 60, canvas.y + canvas.height / 2);
  await page.keyboard.press("Control+v");
  await taskCount(page, 3);
  await expect(page.getByTestId("canvas-message")).toContainText("Pasted 2 tasks and 1 edge");
  // Names made unique, the pasted tasks selected, the edge between them kept.
  expect(await selectedNames(page)).toEqual(["extract-copy", "load"]);
  await expect(page.locator(".react-flow__edge")).toHaveCount(1);

  // Duplicate the pasted pair.
  await page.keyboard.press("Control+d");
  await taskCount(page, 5);
  expect(await selectedNames(page)).toEqual(["extract-copy-2", "load-copy"]);
  await expect(page.locator(".react-flow__edge")).toHaveCount(2);

  await page.keyboard.press("Control+s");
  await expect(page.getByTestId("version-badge")).toHaveText("v2");
  const saved = await savedDefinition(page, target.projectId, target.workflowId);
  expect(saved.tasks.map((t) => t.name).sort()).toEqual([
    "extract",
    "extract-copy",
    "extract-copy-2",
    "load",
    "load-copy",
  ]);
  expect(new Set(saved.tasks.map((t) => t.code)).size).toBe(5);
  expect(saved.tasks.map((t) => t.code)).not.toContain("a1");
  const byCode = new Map(saved.tasks.map((t) => [t.code, t.name]));
  expect(saved.edges.map((e) => `${byCode.get(e.from)}→${byCode.get(e.to)}`).sort()).toEqual([
    "extract-copy-2→load-copy",
    "extract-copy→load",
  ]);
  const pastedExtract = saved.tasks.find((t) => t.name === "extract-copy") as unknown as {
    params: { script: string };
  };
  expect(pastedExtract.params.script).toBe("echo from-a");

  // Pasting a whole exported workflow works too, and undo takes a paste back in one step.
  const exported = JSON.stringify({
    name: "exported",
    tasks: [{ code: "q1", name: "solo", type: "shell", params: { script: "echo solo" } }],
    edges: [],
  });
  await page.evaluate(`navigator.clipboard.writeText(${JSON.stringify(exported)})`);
  await page.keyboard.press("Control+v");
  await expect(page.getByTestId("task-node-solo")).toBeVisible();
  await page.keyboard.press("Control+z");
  await expect(page.getByTestId("task-node-solo")).toHaveCount(0);
  await taskCount(page, 5);

  // Text that is no task list is refused with a message, and nothing changes.
  await page.evaluate(`navigator.clipboard.writeText("just words")`);
  await page.keyboard.press("Control+v");
  await expect(page.getByTestId("canvas-message")).toContainText("not JSON");
  await taskCount(page, 5);
});
