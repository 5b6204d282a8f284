import type { Page } from "@playwright/test";
import { createProject, createWorkflow, save } from "./fixtures/editor";
import { expect, test } from "./fixtures/auth";

const SHOTS = "apps/web/shots";

async function importDefinition(page: Page, definition: object) {
  await page.getByTestId("import-json").click();
  await page.getByTestId("import-textarea").fill(JSON.stringify(definition));
  await page.getByTestId("import-apply").click();
}

test("the run dialog's dry run walks the DAG to SUCCESS without executing anything", async ({
  page,
}) => {
  await createProject(page);
  const name = await createWorkflow(page);
  // Both scripts would fail if they ran.
  await importDefinition(page, {
    name,
    globalParams: [{ name: "dt", value: "20240101" }],
    tasks: [
      { code: "a", name: "first", type: "shell", params: { script: "exit 7" } },
      { code: "b", name: "second", type: "shell", params: { script: "exit 9" } },
    ],
    edges: [{ from: "a", to: "b" }],
  });
  await save(page);

  await page.getByTestId("run-button").click();
  const dialog = page.getByTestId("run-dialog");
  await expect(dialog).toBeVisible();
  await dialog.getByTestId("run-override-dt").fill("20240315");
  await dialog.getByTestId("run-worker-group").fill("default");
  await dialog.getByTestId("run-priority").selectOption("HIGH");
  await dialog.getByTestId("run-failure-strategy").selectOption("CONTINUE");
  await dialog.getByTestId("run-start-task").selectOption({ label: "first" });
  await dialog.getByTestId("run-mode-downstream").check();
  await dialog.getByTestId("run-dry-run").check();
  await page.screenshot({ path: `${SHOTS}/run-dialog.png` });
  await dialog.getByTestId("run-confirm").click();

  await page.waitForURL(/\/instances\/[0-9a-f-]+/, { timeout: 30_000 });
  await expect(page.getByTestId("instance-state")).toHaveText("SUCCESS", { timeout: 30_000 });
  await expect(page.getByTestId("task-node-first")).toHaveAttribute("data-state", "SUCCESS");
  await expect(page.getByTestId("task-node-second")).toHaveAttribute("data-state", "SUCCESS");
});

test("the run dialog refuses a bad worker group before sending anything", async ({ page }) => {
  await createProject(page);
  const name = await createWorkflow(page);
  await importDefinition(page, {
    name,
    tasks: [{ code: "a", name: "only", type: "shell", params: { script: "echo hi" } }],
    edges: [],
  });
  await page.getByTestId("run-button").click();
  const dialog = page.getByTestId("run-dialog");
  await expect(dialog).toContainText("unsaved changes");
  await dialog.getByTestId("run-worker-group").fill("no spaces allowed");
  await expect(dialog.getByRole("alert")).toContainText("worker group must be");
  await expect(dialog.getByTestId("run-confirm")).toBeDisabled();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByTestId("version-badge")).toHaveText("draft");
});
