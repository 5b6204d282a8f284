import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures/auth";
import { createProject, nodeBox, seedWorkflow, trpc } from "./fixtures/editor";

test.use({ viewport: { width: 1600, height: 900 } });

// 240 tasks on a 24 × 10 grid, each row a chain: far wider than the view at a readable zoom.
const COLS = 24;
const ROWS = 10;
const code = (c: number, r: number) => `t${r}x${c}`;
const tasks = Array.from({ length: COLS * ROWS }, (_, i) => {
  const [c, r] = [i % COLS, Math.floor(i / COLS)];
  return { code: code(c, r), name: `task-${r}-${c}` };
});
const edges = tasks
  .filter((_, i) => i % COLS > 0)
  .map((t) => {
    const [r, c] = t.code.slice(1).split("x").map(Number) as [number, number];
    return { from: code(c - 1, r), to: t.code };
  });
const layout = Object.fromEntries(
  tasks.map((t, i) => [t.code, { x: (i % COLS) * 264, y: Math.floor(i / COLS) * 88 }]),
);

const rendered = (page: Page) => page.locator(".react-flow__node");

test("a workflow wider than the view renders what is near it, and select-all, fit and the minimap cover every task", async ({
  page,
}) => {
  await createProject(page);
  const { projectId, workflowId } = await seedWorkflow(page, { tasks, edges, layout });

  // It opens on its first tasks; those far to the right are not rendered until the view comes near.
  await expect(page.getByTestId("task-node-task-0-0")).toBeVisible();
  await expect(page.getByTestId(`task-node-task-0-${COLS - 1}`)).toHaveCount(0);
  const first = await rendered(page).count();
  expect(first).toBeGreaterThan(10);
  expect(first).toBeLessThan(tasks.length);

  // Select all, then drag one task: every task moves with it, rendered or not.
  await page.locator(".react-flow__pane").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("Control+a");
  const box = await nodeBox(page, "task-0-0");
  await page.mouse.move(box.x + 40, box.y + box.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++)
    await page.mouse.move(box.x + 40 + i * 8, box.y + box.height / 2 + i * 4);
  await page.mouse.up();
  await page.keyboard.press("Control+s");
  await expect(page.getByTestId("version-badge")).toHaveText("v2");
  const saved = await trpc<{ definition: { layout: Record<string, { x: number; y: number }> } }>(
    page,
    "workflow.byId",
    { projectId, workflowId },
    "query",
  );
  const moved = tasks.map((t) => {
    const [a, b] = [saved.definition.layout[t.code]!, layout[t.code]!];
    return `${Math.round(a.x - b.x)},${Math.round(a.y - b.y)}`;
  });
  expect(new Set(moved).size).toBe(1);
  expect(moved[0]).not.toBe("0,0");

  // Clicking the minimap's right end brings the last column into view.
  await page.keyboard.press("Escape");
  const mini = (await page.getByTestId("minimap").boundingBox())!;
  await page.mouse.click(mini.x + mini.width - 6, mini.y + mini.height / 2);
  await expect(page.getByTestId(`task-node-task-5-${COLS - 1}`)).toBeVisible();
  await expect(page.getByTestId("task-node-task-0-0")).toHaveCount(0);

  // F fits the whole workflow: every task is rendered and on screen.
  await page.locator(".react-flow__pane").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("f");
  await expect(rendered(page)).toHaveCount(tasks.length);
  const canvas = (await page.getByTestId("canvas").boundingBox())!;
  for (const name of [
    "task-0-0",
    `task-0-${COLS - 1}`,
    `task-${ROWS - 1}-0`,
    `task-${ROWS - 1}-${COLS - 1}`,
  ]) {
    await expect(page.getByTestId(`task-node-${name}`)).toBeInViewport();
    const b = await nodeBox(page, name);
    expect(b.x).toBeGreaterThanOrEqual(canvas.x);
    expect(b.x + b.width).toBeLessThanOrEqual(canvas.x + canvas.width);
  }
});
