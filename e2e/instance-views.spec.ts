import { expect, test } from "./fixtures/auth";
import { shellWorkflow, startRun, trpc } from "./fixtures/api";

test.describe.configure({ timeout: 120_000 });

const LONG = { timeout: 45_000 };

test("Gantt shows one bar per task with the critical path; tabs, params and run from here", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const { projectId, workflowId } = await shellWorkflow(
    page,
    [
      { code: "extract", script: "echo '${setValue(rows=42)}'" },
      { code: "slow", script: "sleep 2; echo slow" },
      { code: "quick", script: "echo quick" },
      { code: "publish", script: "echo published" },
    ],
    [
      ["extract", "slow"],
      ["extract", "quick"],
      ["slow", "publish"],
      ["quick", "publish"],
    ],
  );
  const id = await startRun(page, projectId, workflowId);
  await page.goto(`/projects/${projectId}/instances/${id}`);
  await expect(page.getByTestId("instance-state")).toHaveText("SUCCESS", LONG);
  await page.screenshot({ path: "apps/web/shots/instance-graph.png" });

  await page.getByRole("tab", { name: "Gantt" }).click();
  await expect(page.getByRole("tab", { name: "Gantt" })).toHaveAttribute("aria-selected", "true");
  await expect(page).toHaveURL(/tab=gantt/);
  await expect(page.locator('[data-testid^="gantt-bar-"]')).toHaveCount(4);
  for (const name of ["extract", "slow", "quick", "publish"]) {
    await expect(page.getByTestId(`gantt-bar-${name}`)).toHaveAttribute("data-state", "SUCCESS");
  }
  // The slow branch decided the run's length.
  for (const name of ["extract", "slow", "publish"]) {
    await expect(page.getByTestId(`gantt-row-${name}`)).toHaveAttribute("data-critical", "true");
  }
  await expect(page.getByTestId("gantt-row-quick")).not.toHaveAttribute("data-critical", "true");
  await expect(page.getByTestId("gantt-critical-legend")).toContainText("3 tasks");
  await page.screenshot({ path: "apps/web/shots/instance-gantt.png" });

  // A link keeps the tab.
  await page.reload();
  await expect(page.locator('[data-testid^="gantt-bar-"]')).toHaveCount(4);

  await page.getByRole("tab", { name: "Tasks" }).click();
  await expect(page.getByTestId("task-row-slow")).toHaveAttribute("data-state", "SUCCESS");
  await page.screenshot({ path: "apps/web/shots/instance-tasks.png" });

  await page.getByRole("tab", { name: "Params" }).click();
  await expect(page.getByTestId("params")).toContainText("system.biz.date");
  await expect(page.getByTestId("params")).toContainText("rows");
  await expect(page.getByTestId("params")).toContainText("42");
  await page.screenshot({ path: "apps/web/shots/instance-params.png" });

  await page.getByRole("tab", { name: "Timeline" }).click();
  await expect(page.getByTestId("timeline")).toContainText("admin sent START");
  await expect(page.getByTestId("timeline")).toContainText("Task publish");

  // Run from here: only the chosen task and what follows it run, as a new instance.
  await page.getByRole("tab", { name: "Graph" }).click();
  await page.getByTestId("task-node-slow").click();
  await page.getByRole("button", { name: "Run from here" }).click();
  await page.getByRole("menuitem", { name: /This and downstream/ }).click();
  await page.waitForURL(
    (u) => !u.pathname.endsWith(id) && /\/instances\/[0-9a-f-]+$/.test(u.pathname),
    LONG,
  );
  await expect(page.getByTestId("instance-state")).toHaveText("SUCCESS", LONG);
  await expect(page.getByTestId("task-node-slow")).toHaveAttribute("data-state", "SUCCESS");
  await expect(page.getByTestId("task-node-publish")).toHaveAttribute("data-state", "SUCCESS");
  await expect(page.getByTestId("task-node-extract")).toHaveAttribute("data-state", "NOT_STARTED");
  await expect(page.getByTestId("task-node-quick")).toHaveAttribute("data-state", "NOT_STARTED");
});

test("the instance list shows a new instance and its state changes without reload", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const { projectId, workflowId, name } = await shellWorkflow(page, [
    { code: "wait", script: "sleep 2" },
  ]);
  await page.goto(`/projects/${projectId}/instances`);
  await expect(page.getByText("No instances yet")).toBeVisible();
  await expect(page.getByTestId("list-live-status")).toHaveAttribute("data-status", "pending");
  let reloaded = false;
  page.on("load", () => (reloaded = true));

  const id = await startRun(page, projectId, workflowId);
  const row = page.getByTestId(`instance-row-${id}`);
  await expect(row).toBeVisible({ timeout: 5_000 });
  await expect(row).toContainText(name);
  await expect(row).toHaveAttribute("data-state", "SUCCESS", LONG);
  expect(reloaded).toBe(false);

  // Filters live in the URL and run on the server.
  const second = await startRun(page, projectId, workflowId);
  await expect(page.getByTestId(`instance-row-${second}`)).toBeVisible({ timeout: 5_000 });
  await expect(page.locator('[data-testid^="instance-row-"]')).toHaveCount(2);
  await page.screenshot({ path: "apps/web/shots/instance-list.png" });
  await page.getByLabel("State").selectOption("FAILURE");
  await expect(page).toHaveURL(/state=FAILURE/);
  await expect(page.getByText("No instances match these filters.")).toBeVisible();
  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect(page.locator('[data-testid^="instance-row-"]')).toHaveCount(2);

  // The project's task instances, linked to their instance.
  await page.getByRole("link", { name: "Task instances" }).click();
  await expect(page.locator('[data-testid^="task-instance-row-"]')).toHaveCount(2);
  const listed = await trpc<{ total: number }>(page, "instance.listTasks", { projectId }, "query");
  expect(listed.total).toBe(2);
  await page.screenshot({ path: "apps/web/shots/task-list.png" });
  await page.getByRole("link", { name: "wait" }).first().click();
  await expect(page).toHaveURL(/\/instances\/[0-9a-f-]+\?tab=tasks&task=wait/);
  await expect(page.getByTestId("log-viewer")).toBeVisible();
});

test("a waiting task shows why, on its node and in the task table", async ({ page }) => {
  const { projectId, workflowId } = await shellWorkflow(page, [
    { code: "stuck", script: "echo never", workerGroup: "nobody-here" },
  ]);
  const id = await startRun(page, projectId, workflowId);
  await page.goto(`/projects/${projectId}/instances/${id}`);
  const node = page.getByTestId("task-node-stuck");
  await expect(node).toHaveAttribute("data-wait-reason", /no worker in group nobody-here/, LONG);
  await expect(node).toContainText("no worker in group nobody-here");
  await page.screenshot({ path: "apps/web/shots/instance-waiting.png" });

  await page.getByRole("tab", { name: "Tasks" }).click();
  await expect(page.getByTestId("task-row-stuck")).toContainText("no worker in group nobody-here");

  // Stopping it says what happens to the waiting task.
  await page.getByRole("button", { name: "Stop" }).click();
  await expect(page.getByRole("dialog")).toContainText("1 waiting task will not start");
  await page.getByRole("dialog").getByRole("button", { name: "Stop" }).click();
  await expect(page.getByTestId("instance-state")).toHaveText("STOP", { timeout: 5_000 });
});
