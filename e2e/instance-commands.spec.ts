import { expect, test } from "./fixtures/auth";
import { shellWorkflow, startRun } from "./fixtures/api";

test.describe.configure({ timeout: 120_000 });

const LONG = { timeout: 45_000 };

test("Stop on a running sleep 600 shows STOP within 3 s and the task KILL", async ({ page }) => {
  const { projectId, workflowId } = await shellWorkflow(page, [
    { code: "sleeper", script: "sleep 600" },
  ]);
  const id = await startRun(page, projectId, workflowId);
  await page.goto(`/projects/${projectId}/instances/${id}`);
  await expect(page.getByTestId("task-node-sleeper")).toHaveAttribute(
    "data-state",
    "RUNNING",
    LONG,
  );

  // Buttons follow the engine: a running instance can pause or stop, not recover or rerun.
  await expect(page.getByRole("button", { name: "Rerun" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Recover", exact: true })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Pause" })).toBeEnabled();

  await page.getByRole("button", { name: "Stop" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("1 running task will be killed");
  await dialog.getByRole("button", { name: "Stop" }).click();
  const clicked = Date.now();
  await expect(page.getByTestId("instance-state")).toHaveText("STOP", { timeout: 3_000 });
  console.log(`STOP shown ${Date.now() - clicked} ms after the confirmation`);
  await expect(page.getByTestId("task-node-sleeper")).toHaveAttribute("data-state", "KILL", {
    timeout: 3_000,
  });
  // Once stopped it can be recovered or rerun, no longer stopped again.
  await expect(page.getByRole("button", { name: "Stop" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Rerun" })).toBeEnabled();

  await page.getByRole("tab", { name: "Timeline" }).click();
  await expect(page.getByTestId("timeline")).toContainText("admin sent STOP");
  await page.screenshot({ path: "apps/web/shots/instance-timeline.png" });
});

test("Pause lets the running task finish and starts nothing more; Recover runs to SUCCESS", async ({
  page,
}) => {
  const { projectId, workflowId } = await shellWorkflow(
    page,
    [
      { code: "first", script: "sleep 3; echo first-done" },
      { code: "second", script: "echo second-ran" },
    ],
    [["first", "second"]],
  );
  const id = await startRun(page, projectId, workflowId);
  await page.goto(`/projects/${projectId}/instances/${id}`);
  await expect(page.getByTestId("task-node-first")).toHaveAttribute("data-state", "RUNNING", LONG);

  await page.getByRole("button", { name: "Pause" }).click();
  await expect(page.getByTestId("instance-state")).toHaveText(/READY_PAUSE|PAUSE/, {
    timeout: 3_000,
  });
  // The running task finishes normally...
  await expect(page.getByTestId("task-node-first")).toHaveAttribute("data-state", "SUCCESS", LONG);
  await expect(page.getByTestId("instance-state")).toHaveText("PAUSE", LONG);
  // ...and its downstream was not dispatched.
  await expect(page.getByTestId("task-node-second")).toHaveAttribute(
    "data-state",
    /NOT_STARTED|PAUSE/,
  );
  await page.waitForTimeout(1_000);
  await expect(page.getByTestId("task-node-second")).toHaveAttribute(
    "data-state",
    /NOT_STARTED|PAUSE/,
  );

  await page.getByRole("button", { name: "Recover", exact: true }).click();
  await expect(page.getByTestId("task-node-second")).toHaveAttribute("data-state", "SUCCESS", LONG);
  await expect(page.getByTestId("instance-state")).toHaveText("SUCCESS", LONG);
});

test("Rerun adds a new attempt row in the task table", async ({ page }) => {
  const { projectId, workflowId } = await shellWorkflow(page, [
    { code: "once", script: "echo hi" },
  ]);
  const id = await startRun(page, projectId, workflowId);
  await page.goto(`/projects/${projectId}/instances/${id}?tab=tasks`);
  await expect(page.getByTestId("instance-state")).toHaveText("SUCCESS", LONG);
  const row = page.getByTestId("task-row-once");
  await expect(row).toHaveAttribute("data-state", "SUCCESS");
  await expect(row.getByRole("cell").nth(2)).toHaveText("1");

  await page.getByRole("button", { name: "Rerun" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("All 1 task run again");
  await dialog.getByRole("button", { name: "Rerun" }).click();
  await expect(row.getByRole("cell").nth(2)).toContainText("2", LONG);
  await expect(page.getByTestId("instance-state")).toHaveText("SUCCESS", LONG);
  await page.getByRole("button", { name: "Show earlier attempts of once" }).click();
  await expect(page.getByTestId("attempt-row-once-1")).toHaveAttribute("data-state", "SUCCESS");
  await expect(page.locator('[data-testid^="attempt-row-once-"]')).toHaveCount(1);
});

test("Force success on a failed task lets the instance finish SUCCESS", async ({ page }) => {
  const { projectId, workflowId } = await shellWorkflow(
    page,
    [
      { code: "flaky", script: "echo broken; exit 4" },
      { code: "after", script: "echo after-ran" },
    ],
    [["flaky", "after"]],
  );
  const id = await startRun(page, projectId, workflowId);
  await page.goto(`/projects/${projectId}/instances/${id}`);
  await expect(page.getByTestId("instance-state")).toHaveText("FAILURE", LONG);
  await expect(page.getByTestId("task-node-after")).toHaveAttribute(
    "data-state",
    /NOT_STARTED|KILL|PAUSE/,
  );

  await page.getByTestId("task-node-flaky").click();
  const drawer = page.getByTestId("log-viewer");
  await drawer.getByRole("button", { name: "Force success" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("1 downstream task runs");
  await dialog.getByRole("button", { name: "Force success" }).click();

  await expect(page.getByTestId("task-node-flaky")).toHaveAttribute(
    "data-state",
    "FORCED_SUCCESS",
    LONG,
  );
  await expect(page.getByTestId("task-node-after")).toHaveAttribute("data-state", "SUCCESS", LONG);
  await expect(page.getByTestId("instance-state")).toHaveText("SUCCESS", LONG);
  await expect(drawer.getByRole("button", { name: "Force success" })).toBeDisabled();
  await page.screenshot({ path: "apps/web/shots/instance-task-drawer.png" });
});
