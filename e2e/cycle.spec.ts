import { connect, createProject, createWorkflow, dropTask } from "./fixtures/editor";
import { expect, test } from "./fixtures/auth";

test("saving a workflow with a cycle is refused and the editor names the tasks on the cycle", async ({
  page,
}) => {
  await createProject(page);
  const workflow = await createWorkflow(page);

  const shell = (code: string, name: string) => ({
    code,
    name,
    type: "shell",
    params: { script: `echo ${name}` },
  });
  const definition = {
    name: workflow,
    tasks: [shell("x1", "extract"), shell("x2", "transform"), shell("x3", "load")],
    edges: [
      { from: "x1", to: "x2" },
      { from: "x2", to: "x3" },
      { from: "x3", to: "x1" },
    ],
  };
  await page.getByTestId("import-json").click();
  await page.getByTestId("import-textarea").fill(JSON.stringify(definition, null, 2));
  await page.getByTestId("import-apply").click();
  // Import validates first: the cycle is listed, and the file can still be loaded to fix it there.
  await expect(page.getByTestId("import-errors")).toContainText("cycle between tasks");
  await page.getByTestId("import-load-anyway").click();
  for (const name of ["extract", "transform", "load"])
    await expect(page.getByTestId(`task-node-${name}`)).toBeVisible();
  await expect(page.locator(".react-flow__edge")).toHaveCount(3);

  await page.getByTestId("save-button").click();
  await page.getByTestId("save-confirm").click();
  const errors = page.getByTestId("editor-errors");
  await expect(errors).toBeVisible();
  await expect(errors).toContainText("cycle between tasks");
  for (const name of ["extract", "transform", "load"]) await expect(errors).toContainText(name);
  await expect(errors).toContainText(
    /(extract|transform|load) → (extract|transform|load) → (extract|transform|load) → /,
  );
  // Nothing was saved.
  await expect(page.getByTestId("version-badge")).toHaveText("draft");
});

test("the canvas refuses an edge that would close a cycle and says which", async ({ page }) => {
  await createProject(page);
  await createWorkflow(page);
  // Inside a 480 px wide canvas (1280 px window): every handle stays clear of the task panel.
  await dropTask(page, "shell", { x: 110, y: 150 }, "first");
  await dropTask(page, "shell", { x: 340, y: 150 }, "second");
  await dropTask(page, "shell", { x: 220, y: 330 }, "third");

  await connect(page, "first", "second");
  await connect(page, "second", "third");
  await expect(page.locator(".react-flow__edge")).toHaveCount(2);

  await connect(page, "third", "first");
  const message = page.getByTestId("canvas-message");
  await expect(message).toContainText("would close a cycle");
  await expect(message).toContainText("third → first → second → third");
  await expect(page.locator(".react-flow__edge")).toHaveCount(2);
});
