import {
  connect,
  createProject,
  createWorkflow,
  dropTask,
  save,
  runFromDialog,
  setScript,
} from "./fixtures/editor";
import { expect, test } from "./fixtures/auth";
import type { Page } from "@playwright/test";

test.describe.configure({ timeout: 120_000 });

/** Draws a → b, a → c with three Shell tasks dragged from the palette; c runs `cScript`. */
async function drawWorkflow(page: Page, cScript: string): Promise<void> {
  await createProject(page);
  await createWorkflow(page);

  await dropTask(page, "shell", { x: 110, y: 200 }, "a");
  await dropTask(page, "shell", { x: 380, y: 90 }, "b");
  await dropTask(page, "shell", { x: 380, y: 310 }, "c");
  await setScript(page, "a", "echo start-a");
  await setScript(page, "b", "echo hello-from-b");
  await setScript(page, "c", cScript);

  await connect(page, "a", "b");
  await connect(page, "a", "c");
  await expect(page.locator(".react-flow__edge")).toHaveCount(2);
  await save(page);
  await expect(page.getByTestId("version-badge")).toHaveText("v1");
}

async function run(page: Page): Promise<void> {
  await runFromDialog(page);
  await page.waitForURL(/\/instances\/[0-9a-f-]+/, { timeout: 30_000 });
  await expect(page.getByTestId("task-node-a")).toBeVisible();
}

test("draw three shell tasks, run them and watch them succeed live", async ({ page }) => {
  await drawWorkflow(page, "echo from-c");
  await run(page);

  // Everything below arrives over the instance subscription: no reload.
  let reloaded = false;
  page.on("load", () => (reloaded = true));
  await expect(page.getByTestId("task-node-a")).toHaveAttribute("data-state", "SUCCESS", {
    timeout: 30_000,
  });
  await expect(page.getByTestId("task-node-b")).toHaveAttribute("data-state", "SUCCESS", {
    timeout: 30_000,
  });
  await expect(page.getByTestId("task-node-c")).toHaveAttribute("data-state", "SUCCESS", {
    timeout: 30_000,
  });
  await expect(page.getByTestId("instance-state")).toHaveText("SUCCESS", { timeout: 30_000 });
  await page.getByRole("tab", { name: "Tasks" }).click();
  await expect(page.getByTestId("task-row-b")).toHaveAttribute("data-state", "SUCCESS");

  await page.getByRole("tab", { name: "Graph" }).click();
  await page.getByTestId("task-node-b").click();
  const log = page.getByTestId("log-viewer");
  await expect(log).toBeVisible();
  await expect(log).toContainText("hello-from-b");
  await expect(log.getByTestId("log-exit-code")).toHaveText("Exit code 0");
  expect(reloaded).toBe(false);
});

test("a failing task fails the instance and its log shows the exit code", async ({ page }) => {
  await drawWorkflow(page, "echo about-to-fail; exit 3");
  await run(page);

  await expect(page.getByTestId("task-node-c")).toHaveAttribute("data-state", "FAILURE", {
    timeout: 30_000,
  });
  await expect(page.getByTestId("instance-state")).toHaveText("FAILURE", { timeout: 30_000 });

  await page.getByRole("tab", { name: "Tasks" }).click();
  await page.getByTestId("task-row-c").getByRole("button", { name: "View log" }).click();
  const log = page.getByTestId("log-viewer");
  await expect(log).toContainText("about-to-fail");
  await expect(log.getByTestId("log-exit-code")).toHaveText("Exit code 3");
});
