import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures/auth";
import {
  connect,
  createProject,
  createWorkflow,
  nodeBox,
  savedDefinition,
  seedWorkflow,
  selectedNames,
} from "./fixtures/editor";

// A canvas wide enough for the seeded graphs (the default 1280 px leaves it under 500 px).
test.use({ viewport: { width: 1600, height: 900 } });

const nodes = (page: Page) => page.locator(".react-flow__node");

test("every palette task type can be dragged onto the canvas, and added by double-click or Enter", async ({
  page,
}) => {
  await createProject(page);
  await createWorkflow(page);
  const items = page.locator("[data-testid^=palette-item-]");
  const types = (await items.evaluateAll((els) =>
    els.map((e) => e.getAttribute("data-testid")!.replace("palette-item-", "")),
  )) as string[];
  expect(types.length).toBeGreaterThanOrEqual(2);
  expect(types).toContain("shell");

  for (const [i, type] of types.entries()) {
    await page.getByTestId(`palette-item-${type}`).dragTo(page.getByTestId("canvas"), {
      targetPosition: { x: 120 + (i % 4) * 210, y: 90 + Math.floor(i / 4) * 110 },
    });
    await expect(nodes(page)).toHaveCount(i + 1);
    // The new task is named after its type and selected.
    await expect(page.getByTestId(`task-node-${type}-1`)).toBeVisible();
    await expect(page.locator(".react-flow__node.selected")).toHaveCount(1);
  }

  // Search narrows the palette; double-click and Enter add at the view's centre.
  await page.getByTestId("palette-search").fill("shell");
  await expect(page.getByTestId("palette-item-shell")).toBeVisible();
  await expect(page.getByTestId("palette-item-python")).toHaveCount(0);
  await page.getByTestId("palette-search").fill("no-such-type");
  await expect(page.getByText("No task type matches")).toBeVisible();
  await page.getByTestId("palette-search").fill("");
  await page.getByTestId("palette-item-shell").dblclick();
  await expect(page.getByTestId("task-node-shell-2")).toBeVisible();
  await page.getByTestId("palette-item-python").focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("task-node-python-2")).toBeVisible();
  await expect(nodes(page)).toHaveCount(types.length + 2);
});

test("connect two tasks, then select the edge and delete it", async ({ page }) => {
  await createProject(page);
  await seedWorkflow(page, {
    tasks: [
      { code: "a1", name: "extract" },
      { code: "b1", name: "load" },
    ],
    layout: { a1: { x: 0, y: 0 }, b1: { x: 320, y: 40 } },
  });
  await connect(page, "extract", "load");
  const edge = page.locator(".react-flow__edge");
  await expect(edge).toHaveCount(1);
  await edge.locator(".react-flow__edge-interaction").click({ force: true });
  await expect(page.locator(".react-flow__edge.selected")).toHaveCount(1);
  await page.keyboard.press("Delete");
  await expect(edge).toHaveCount(0);
  await expect(nodes(page)).toHaveCount(2);
});

test("box-select two of three tasks by dragging on empty canvas, then delete them", async ({
  page,
}) => {
  await createProject(page);
  const wf = await seedWorkflow(page, {
    tasks: [
      { code: "a1", name: "one" },
      { code: "b1", name: "two" },
      { code: "c1", name: "three" },
    ],
    edges: [
      { from: "a1", to: "b1" },
      { from: "b1", to: "c1" },
    ],
    layout: { a1: { x: 0, y: 0 }, b1: { x: 260, y: 0 }, c1: { x: 520, y: 220 } },
  });
  const one = await nodeBox(page, "one");
  const two = await nodeBox(page, "two");
  // From empty space above-left of "one" to below-right of "two".
  await page.mouse.move(one.x - 20, one.y - 20);
  await page.mouse.down();
  await page.mouse.move(two.x + two.width / 2, two.y + two.height / 2, { steps: 5 });
  await page.mouse.move(two.x + two.width + 20, two.y + two.height + 20, { steps: 5 });
  await page.mouse.up();
  expect(await selectedNames(page)).toEqual(["one", "two"]);

  // Shift-click adds the third; click alone selects only it.
  await page.getByTestId("task-node-three").click({ modifiers: ["Shift"] });
  expect(await selectedNames(page)).toEqual(["one", "three", "two"]);
  await page.keyboard.press("Escape");
  expect(await selectedNames(page)).toEqual([]);
  await page.getByTestId("task-node-three").click();
  expect(await selectedNames(page)).toEqual(["three"]);
  await page.mouse.move(one.x - 20, one.y - 20);
  await page.mouse.down();
  await page.mouse.move(two.x + two.width + 20, two.y + two.height + 20, { steps: 8 });
  await page.mouse.up();
  expect(await selectedNames(page)).toEqual(["one", "two"]);

  await page.keyboard.press("Delete");
  await expect(nodes(page)).toHaveCount(1);
  await expect(page.getByTestId("task-node-three")).toBeVisible();
  await expect(page.locator(".react-flow__edge")).toHaveCount(0);

  // Ctrl-A selects what is left; saving keeps only it.
  await page.keyboard.press("Control+a");
  expect(await selectedNames(page)).toEqual(["three"]);
  await page.keyboard.press("Control+s");
  await expect(page.getByTestId("version-badge")).toHaveText("v2");
  const saved = await savedDefinition(page, wf.projectId, wf.workflowId);
  expect(saved.tasks.map((t) => t.name)).toEqual(["three"]);
  expect(saved.edges).toEqual([]);
});

test("undo and redo step through add, move, connect, rename and delete", async ({ page }) => {
  await createProject(page);
  await seedWorkflow(page, {
    tasks: [{ code: "a1", name: "start" }],
    layout: { a1: { x: 0, y: 0 } },
  });
  const undo = () => page.keyboard.press("Control+z");
  const redo = () => page.keyboard.press("Control+Shift+z");
  await expect(page.getByTestId("undo")).toBeDisabled();

  // Add, below "start".
  await page
    .getByTestId("palette-item-shell")
    .dragTo(page.getByTestId("canvas"), { targetPosition: { x: 200, y: 560 } });
  await expect(nodes(page)).toHaveCount(2);
  // Move "start" by dragging: one undo step however many frames.
  const before = await nodeBox(page, "start");
  await page.mouse.move(before.x + 60, before.y + 20);
  await page.mouse.down();
  await page.mouse.move(before.x + 160, before.y + 200, { steps: 20 });
  await page.mouse.up();
  const moved = await nodeBox(page, "start");
  expect(moved.y - before.y).toBeGreaterThan(150);
  // Connect.
  await connect(page, "start", "shell-1");
  await expect(page.locator(".react-flow__edge")).toHaveCount(1);
  // Rename by typing (coalesced into one step).
  await page.getByTestId("task-node-start").click();
  await page.getByTestId("task-name-input").fill("begin");
  await expect(page.getByTestId("task-node-begin")).toBeVisible();
  // Delete the new task (and its edge).
  await page.getByTestId("task-node-shell-1").click();
  await page
    .getByTestId("canvas")
    .locator(".react-flow__pane")
    .click({ position: { x: 5, y: 5 } });
  await page.getByTestId("task-node-shell-1").click();
  await page.keyboard.press("Delete");
  await expect(nodes(page)).toHaveCount(1);

  await undo(); // delete
  await expect(nodes(page)).toHaveCount(2);
  await expect(page.locator(".react-flow__edge")).toHaveCount(1);
  await undo(); // rename
  await expect(page.getByTestId("task-node-start")).toBeVisible();
  await undo(); // connect
  await expect(page.locator(".react-flow__edge")).toHaveCount(0);
  await undo(); // move
  const back = await nodeBox(page, "start");
  expect(Math.abs(back.y - before.y)).toBeLessThan(2);
  await undo(); // add
  await expect(nodes(page)).toHaveCount(1);
  await expect(page.getByTestId("undo")).toBeDisabled();

  await redo();
  await redo();
  await expect(nodes(page)).toHaveCount(2);
  expect((await nodeBox(page, "start")).y - before.y).toBeGreaterThan(150);
  await page.keyboard.press("Control+y");
  await expect(page.locator(".react-flow__edge")).toHaveCount(1);
  await page.getByTestId("redo").click();
  await expect(page.getByTestId("task-node-begin")).toBeVisible();
});

test("auto-layout arranges a chain left to right, off the main thread", async ({ page }) => {
  await createProject(page);
  const names = ["first", "second", "third", "fourth"];
  await seedWorkflow(page, {
    tasks: names.map((name, i) => ({ code: `t${i}`, name })),
    edges: [
      { from: "t0", to: "t1" },
      { from: "t1", to: "t2" },
      { from: "t2", to: "t3" },
    ],
    // Right to left and staggered: the opposite of what layout should give.
    layout: {
      t0: { x: 690, y: 0 },
      t1: { x: 460, y: 200 },
      t2: { x: 230, y: 0 },
      t3: { x: 0, y: 200 },
    },
  });
  const xs = async () => Promise.all(names.map(async (n) => (await nodeBox(page, n)).x));
  const before = await xs();
  expect(before[0]).toBeGreaterThan(before[3]!);
  await page.getByTestId("auto-layout").click();
  await expect
    .poll(async () => {
      const x = await xs();
      return x.every((v, i) => i === 0 || v > x[i - 1]!);
    })
    .toBe(true);
  const boxes = await Promise.all(names.map((n) => nodeBox(page, n)));
  // One row: a chain lines up.
  for (const b of boxes) expect(Math.abs(b.y - boxes[0]!.y)).toBeLessThan(4);
  await expect(page.getByTestId("dirty-indicator")).toBeVisible();
  // And it is one undo step.
  await page.keyboard.press("Control+z");
  await expect.poll(async () => (await xs())[0]! > (await xs())[3]!).toBe(true);
});

test("Ctrl-K finds a task by name, selects it and centres it; ? lists the shortcuts", async ({
  page,
}) => {
  await createProject(page);
  const tasks = Array.from({ length: 80 }, (_, i) => ({ code: `t${i}`, name: `step-${i}` }));
  await seedWorkflow(page, {
    tasks,
    edges: tasks.slice(1).map((t, i) => ({ from: tasks[i]!.code, to: t.code })),
  });
  // A long chain opens on its first tasks: the last one is off screen.
  await expect(page.getByTestId("task-node-step-0")).toBeVisible();
  await expect(page.getByTestId("task-node-step-79")).toHaveCount(0);

  await page.keyboard.press("Control+k");
  const input = page.getByTestId("task-search-input");
  await expect(input).toBeFocused();
  await input.fill("step-79");
  await expect(page.getByTestId("search-hit-step-79")).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("task-search")).toHaveCount(0);
  const target = page.getByTestId("task-node-step-79");
  await expect(target).toBeVisible();
  expect(await selectedNames(page)).toEqual(["step-79"]);
  await expect(page.getByTestId("task-name-input")).toHaveValue("step-79");
  const canvas = (await page.getByTestId("canvas").boundingBox())!;
  await expect
    .poll(async () => {
      const b = await nodeBox(page, "step-79");
      return Math.hypot(
        b.x + b.width / 2 - (canvas.x + canvas.width / 2),
        b.y + b.height / 2 - (canvas.y + canvas.height / 2),
      );
    })
    .toBeLessThan(30);

  // By type too; no match says so.
  await page.keyboard.press("Control+k");
  await input.fill("zzz-nothing");
  await expect(page.getByText("No task matches.")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("task-search")).toHaveCount(0);

  await page
    .getByTestId("canvas")
    .locator(".react-flow__pane")
    .click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("?");
  const help = page.getByTestId("shortcuts-help");
  await expect(help).toBeVisible();
  for (const text of ["Undo", "Redo", "Copy the selected tasks", "Find a task", "Auto-layout"])
    await expect(help).toContainText(text);
  await page.getByTestId("shortcuts-button").click();
  await expect(help).toHaveCount(0);
});
