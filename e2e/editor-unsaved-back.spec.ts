import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures/auth";
import { createProject, createWorkflow, dropTask, save, seedWorkflow } from "./fixtures/editor";

const LIST = /\/projects\/[0-9a-f-]+\/workflows$/;
const EDITOR = /\/projects\/[0-9a-f-]+\/workflows\/[0-9a-f-]+$/;

/** Answers the next browser dialog and records its text. */
function answerNextDialog(page: Page, accept: boolean): Promise<string> {
  return new Promise((resolve) => {
    page.once("dialog", (dialog) => {
      resolve(dialog.message());
      void (accept ? dialog.accept() : dialog.dismiss());
    });
  });
}

test("Back with unsaved changes asks; declined it keeps the edit, accepted it leaves", async ({
  page,
}) => {
  // The list, then the editor by client-side navigation: Back stays inside the Next app.
  await createProject(page);
  await createWorkflow(page);
  await dropTask(page, "shell", { x: 200, y: 150 }, "extract");
  await expect(page.getByTestId("dirty-indicator")).toBeVisible();

  const declined = answerNextDialog(page, false);
  await page.goBack();
  expect(await declined).toContain("You have unsaved changes");
  await expect(page).toHaveURL(EDITOR);
  await expect(page.getByTestId("task-node-extract")).toBeVisible();
  await expect(page.getByTestId("dirty-indicator")).toBeVisible();

  // Still guarded after a refusal: the next Back asks again.
  const accepted = answerNextDialog(page, true);
  await page.goBack();
  expect(await accepted).toContain("You have unsaved changes");
  await expect(page).toHaveURL(LIST);
  await expect(page.getByRole("button", { name: "New workflow" })).toBeVisible();
});

test("after saving, Back leaves the editor at once, without asking", async ({ page }) => {
  await createProject(page);
  const listUrl = page.url();
  await createWorkflow(page);
  await dropTask(page, "shell", { x: 200, y: 150 }, "extract");
  await expect(page.getByTestId("dirty-indicator")).toBeVisible();
  await save(page);

  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  // One Back, the list: no extra history entry left behind by the guard to click through.
  await page.goBack();
  await expect(page).toHaveURL(listUrl);
  await expect(page.getByRole("button", { name: "New workflow" })).toBeVisible();
  expect(dialogs).toEqual([]);

  // And Forward comes back to the editor, with the saved task.
  await page.goForward();
  await expect(page).toHaveURL(EDITOR);
  await expect(page.getByTestId("task-node-extract")).toBeVisible();
  await expect(page.getByTestId("dirty-indicator")).toHaveCount(0);
  expect(dialogs).toEqual([]);
});

test("a jump several pages back through the history list asks too", async ({ page }) => {
  await createProject(page);
  const listUrl = page.url();
  await createWorkflow(page);
  await dropTask(page, "shell", { x: 200, y: 150 }, "extract");
  await expect(page.getByTestId("dirty-indicator")).toBeVisible();

  // history.go(-3): the sentinel, the editor and the list at once, to /projects.
  const declined = answerNextDialog(page, false);
  await page.evaluate("history.go(-3)");
  expect(await declined).toContain("You have unsaved changes");
  await expect(page).toHaveURL(EDITOR);
  await expect(page.getByTestId("task-node-extract")).toBeVisible();
  await expect(page.getByTestId("dirty-indicator")).toBeVisible();

  // The entries jumped over are kept: an accepted Back now lands on the list.
  const accepted = answerNextDialog(page, true);
  await page.goBack();
  await accepted;
  await expect(page).toHaveURL(listUrl);
});

test("opened by its URL, Back asks once and leaves to the previous document", async ({ page }) => {
  await createProject(page);
  const listUrl = page.url();
  await seedWorkflow(page, { tasks: [{ code: "a1", name: "extract" }] }); // page.goto: a new document
  await dropTask(page, "shell", { x: 400, y: 250 }, "load");
  await expect(page.getByTestId("dirty-indicator")).toBeVisible();

  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.accept();
  });
  await page.goBack();
  await expect(page).toHaveURL(listUrl);
  await expect(page.getByRole("button", { name: "New workflow" })).toBeVisible();
  // The confirm only: leaving was agreed to, so the unload does not ask again.
  expect(dialogs).toEqual([expect.stringMatching(/^confirm: You have unsaved changes/)]);
});
