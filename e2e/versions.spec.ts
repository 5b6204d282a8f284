import type { Page } from "@playwright/test";
import { createProject, createWorkflow, save, selectTask } from "./fixtures/editor";
import { expect, test } from "./fixtures/auth";

const SHOTS = "apps/web/shots";

const shell = (code: string, name: string, script: string) => ({
  code,
  name,
  type: "shell",
  params: { script },
});

async function importDefinition(page: Page, definition: object) {
  await page.getByTestId("import-json").click();
  await page.getByTestId("import-textarea").fill(JSON.stringify(definition));
  await page.getByTestId("import-apply").click();
}

test("versions: the diff lists a changed script line and highlights it; make-current restores", async ({
  page,
}) => {
  await createProject(page);
  const name = await createWorkflow(page);
  const editorUrl = page.url();

  // v1: extract → load.
  await importDefinition(page, {
    name,
    tasks: [
      shell("e", "extract", "echo start\necho two\necho end"),
      shell("l", "load", "echo load"),
    ],
    edges: [{ from: "e", to: "l" }],
  });
  await save(page);

  // v2: one script line changed, a task added after load, the save dialog shows exactly that.
  await importDefinition(page, {
    name,
    tasks: [
      shell("e", "extract", "echo start\necho TWO\necho end"),
      shell("l", "load", "echo load"),
      shell("r", "report", "echo report"),
    ],
    edges: [
      { from: "e", to: "l" },
      { from: "l", to: "r" },
    ],
  });
  await page.getByTestId("save-button").click();
  const dialog = page.getByTestId("save-dialog");
  await expect(dialog.getByTestId("diff-task-changed-extract")).toBeVisible();
  await expect(dialog.getByTestId("diff-line")).toHaveText(["2- echo two", "2+ echo TWO"]);
  await expect(dialog.getByTestId("diff-task-added-report")).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/save-dialog-diff.png` });
  await page.getByTestId("save-confirm").click();
  await expect(page.getByTestId("version-badge")).toHaveText("v2");

  // The versions page: both versions with author; v1 → v2 diff by default.
  await page.getByTestId("versions-link").click();
  await page.waitForURL(/\/versions$/);
  await expect(page.getByTestId("version-row-2")).toContainText("admin");
  await expect(page.getByTestId("version-row-2").getByTestId("current-badge")).toBeVisible();
  await expect(page.getByTestId("version-row-1")).toContainText("admin");
  const diff = page.getByTestId("version-diff");
  await expect(diff).toContainText("Changes from v1 to v2");
  const lines = diff.getByTestId("diff-line");
  await expect(lines).toHaveCount(2);
  await expect(lines.nth(0)).toContainText("- echo two");
  await expect(lines.nth(1)).toContainText("+ echo TWO");
  await expect(diff.getByTestId("diff-task-added-report")).toBeVisible();
  await expect(diff.getByTestId("diff-edge-added")).toHaveText("+ load → report");
  await page.screenshot({ path: `${SHOTS}/versions-page.png`, fullPage: true });

  // Reversed, the same change reads the other way round.
  await page.getByTestId("diff-from-2").check();
  await page.getByTestId("diff-to-1").check();
  await expect(diff).toContainText("Changes from v2 to v1");
  await expect(diff.getByTestId("diff-task-removed-report")).toBeVisible();

  // On the canvas: changed amber, added green; read-only.
  await page.getByTestId("diff-from-1").check();
  await page.getByTestId("diff-to-2").check();
  await page.getByTestId("diff-on-canvas").click();
  await page.waitForURL(/version=2&diff=1/);
  await expect(page.getByTestId("version-bar")).toContainText("changes from v1 to v2");
  await expect(page.getByTestId("task-node-extract")).toHaveAttribute("data-diff", "changed");
  await expect(page.getByTestId("task-node-report")).toHaveAttribute("data-diff", "added");
  await expect(page.getByTestId("task-node-load")).not.toHaveAttribute("data-diff");
  await page.screenshot({ path: `${SHOTS}/version-diff-canvas.png` });

  // Backwards on the canvas: the task v2 added shows as removed (red), drawn where it was.
  await page.goto(`${editorUrl}?version=1&diff=2`);
  await expect(page.getByTestId("task-node-report")).toHaveAttribute("data-diff", "removed");
  await expect(page.getByTestId("task-node-extract")).toHaveAttribute("data-diff", "changed");

  // Open v1 read-only: its script, nothing editable.
  await page.goto(`${editorUrl}?version=1`);
  await expect(page.getByTestId("version-bar")).toContainText("Read-only");
  await selectTask(page, "extract");
  await expect(page.getByTestId("task-name-input")).toBeDisabled();
  await expect(page.getByTestId("task-script-input")).toContainText("echo two");
  await expect(page.getByTestId("save-button")).toHaveCount(0);

  // Make v1 current: the editor opens it, runs use it, and the next save is v3.
  await page.getByTestId("make-current-1").click();
  await page.waitForURL((u) => !u.search.includes("version="));
  await expect(page.getByTestId("version-badge")).toHaveText("v1");
  await expect(page.getByTestId("task-node-report")).toHaveCount(0);
  await selectTask(page, "extract");
  await expect(page.getByTestId("task-script-input")).toContainText("echo two");
  await page.getByTestId("task-description-input").fill("restored");
  await save(page);
  await expect(page.getByTestId("version-badge")).toHaveText("v3");
});

test("leaving the editor with unsaved changes asks first", async ({ page }) => {
  await createProject(page);
  const name = await createWorkflow(page);
  await importDefinition(page, { name, tasks: [shell("a", "only", "echo hi")], edges: [] });
  await expect(page.getByTestId("dirty-indicator")).toBeVisible();

  // Cancel: stay on the editor with the edit.
  page.once("dialog", (d) => void d.dismiss());
  await page.getByTestId("versions-link").click();
  await expect(page.getByTestId("task-node-only")).toBeVisible();
  expect(page.url()).not.toMatch(/\/versions$/);

  // Accept: leave.
  page.once("dialog", (d) => void d.accept());
  await page.getByTestId("versions-link").click();
  await page.waitForURL(/\/versions$/);
  await expect(page.getByText("No versions yet")).toBeVisible();
});
