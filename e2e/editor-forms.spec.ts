import type { Locator, Page } from "@playwright/test";
import { createProject, createWorkflow, dropTask, save, selectTask, trpc } from "./fixtures/editor";
import { expect, test } from "./fixtures/auth";

const SHOTS = "apps/web/shots";

/** Empties a required params field whatever its widget is; false when it cannot be emptied. */
async function emptyField(page: Page, field: Locator): Promise<boolean> {
  const code = field.locator(".cm-content");
  // CodeMirror loads lazily: a plain textarea stands in for it until then.
  if (await field.locator('[data-fallback="codemirror"]').count()) await code.first().waitFor();
  if (await code.count()) {
    await code.first().click();
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.press("Delete");
    return true;
  }
  const removes = field.getByRole("button", { name: /^Remove item/ });
  const add = field.locator('[data-testid$="-add"]');
  if ((await removes.count()) > 0 || (await add.count()) > 0) {
    // A list: empty it (adding one first marks it as edited when it starts empty).
    if ((await removes.count()) === 0) await add.first().click();
    while ((await removes.count()) > 0) await removes.first().click();
    return true;
  }
  const select = field.locator("select").first();
  if ((await select.count()) && (await select.locator('option[value=""]').count())) {
    await select.selectOption("");
    return true;
  }
  const input = field.locator("input:not([type=checkbox]):not([type=radio]), textarea").first();
  if (await input.count()) {
    await input.fill("");
    await input.blur();
    return true;
  }
  return false;
}

test("every task type's form marks its required fields and shows their error when emptied", async ({
  page,
}) => {
  await createProject(page);
  await createWorkflow(page);
  const types = await page
    .locator('[data-testid^="palette-item-"]')
    .evaluateAll((els) =>
      els.map((e) => e.getAttribute("data-testid")!.slice("palette-item-".length)),
    );
  expect(types).toEqual(expect.arrayContaining(["shell", "python"]));

  for (const type of types) {
    await dropTask(page, type, { x: 300, y: 200 }, `t-${type}`);
    const form = page.getByTestId("params-form");
    await expect(form, `${type} has a params form`).toBeVisible();
    const required = form.locator('[data-testid^="param-field-"][data-required="true"]');
    // Types whose top-level fields are all optional (switch) require fields inside a list item.
    if ((await required.count()) === 0) await form.locator('[data-testid$="-add"]').first().click();
    expect(await required.count(), `${type} marks at least one required field`).toBeGreaterThan(0);
    await expect(required.first().getByLabel("required")).toBeVisible();

    // Empty the required fields one by one until the form reports one (selects cannot be emptied).
    let shown = false;
    for (let i = 0; i < (await required.count()) && !shown; i++) {
      const field = required.nth(i);
      const path = (await field.getAttribute("data-testid"))!.slice("param-field-".length);
      if (!(await emptyField(page, field))) continue;
      const error = page.getByTestId(`param-error-${path}`);
      shown = await error
        .first()
        .waitFor({ timeout: 2_000 })
        .then(() => true)
        .catch(() => false);
      if (shown) await expect(error.first()).not.toBeEmpty();
    }
    expect(shown, `${type}: emptying a required field shows its error`).toBe(true);
    if (["shell", "python", "sql", "http", "switch"].includes(type))
      await page.screenshot({ path: `${SHOTS}/task-panel-${type}.png` });
    await page.getByRole("button", { name: `Delete task t-${type}` }).click();
  }
});

test("common fields validate as you type and refused saves point at the field", async ({
  page,
}) => {
  await createProject(page);
  await createWorkflow(page);
  await dropTask(page, "shell", { x: 200, y: 200 }, "job");

  // Name and worker group are checked as you type.
  await page.getByTestId("task-name-input").fill("");
  await expect(page.getByTestId("task-name-error")).toHaveText("name is required");
  await page.getByTestId("task-name-input").fill("job");
  await expect(page.getByTestId("task-name-error")).toHaveCount(0);
  await page.getByTestId("task-worker-group-input").fill("bad group!");
  await expect(page.getByTestId("task-worker-group-error")).toContainText("worker group must be");
  await page.getByTestId("task-worker-group-input").fill("etl");

  // Timeout reveals its strategy; the other common fields are there.
  await page.getByTestId("task-timeout-input").fill("90");
  await page.getByTestId("task-timeout-strategy-input").selectOption("warnfail");
  await page.getByTestId("task-retries-input").fill("2");
  await page.getByTestId("task-retry-interval-input").fill("30");
  await page.getByTestId("task-delay-input").fill("5");
  await page.getByTestId("task-priority-input").selectOption("HIGH");
  await page.getByTestId("task-description-input").fill("nightly job");
  await page.getByTestId("task-prohibit-input").check();

  // The script is CodeMirror with shell highlighting.
  const script = page.getByTestId("task-script-input");
  await expect(script).toHaveAttribute("data-language", "shell");
  await script.fill('echo "hello" # greet');
  await expect(script.locator(".cm-line span").first()).toBeVisible();

  // An empty script: the save is refused and the error sits under the script.
  await script.click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Delete");
  await page.getByTestId("save-button").click();
  await page.getByTestId("save-confirm").click();
  await expect(page.getByTestId("editor-errors")).toContainText("script");
  await expect(page.getByTestId("version-badge")).toHaveText("draft");
  await selectTask(page, "job");
  await expect(page.getByTestId("param-error-script")).toBeVisible();
  await expect(page.getByTestId("task-issues")).toContainText('task "job": params.script');

  await script.fill("echo fixed");
  await save(page);
  await page.reload();
  await selectTask(page, "job");
  await expect(page.getByTestId("task-worker-group-input")).toHaveValue("etl");
  await expect(page.getByTestId("task-timeout-input")).toHaveValue("90");
  await expect(page.getByTestId("task-timeout-strategy-input")).toHaveValue("warnfail");
  await expect(page.getByTestId("task-retries-input")).toHaveValue("2");
  await expect(page.getByTestId("task-delay-input")).toHaveValue("5");
  await expect(page.getByTestId("task-prohibit-input")).toBeChecked();
  await expect(script).toHaveText("echo fixed");
});

test("python and SQL bodies get their own highlighting", async ({ page }) => {
  await createProject(page);
  await createWorkflow(page);
  await dropTask(page, "python", { x: 200, y: 200 }, "py");
  await expect(page.getByTestId("task-script-input")).toHaveAttribute("data-language", "python");
  await dropTask(page, "sql", { x: 400, y: 300 }, "q");
  await expect(page.locator('.cm-content[data-language="sql"]')).toBeVisible();
});

test("the preview resolves ${params} and $[time] for a chosen date and flags unknown ones", async ({
  page,
}) => {
  await createProject(page);
  await createWorkflow(page);
  // Global parameter dt = yesterday of the run date.
  await page.getByTestId("global-params-add").click();
  await page.getByTestId("global-params-name-0").fill("dt");
  await page.getByTestId("global-params-value-0").fill("$[yyyyMMdd-1]");

  await dropTask(page, "shell", { x: 200, y: 200 }, "load");
  await page.getByTestId("task-script-input").fill("load --day ${dt} --month $[yyyyMM]");
  await page.getByTestId("preview-date").fill("2024-03-01T10:00");
  await expect(page.getByTestId("preview-params.script")).toContainText(
    "load --day 20240229 --month 202403",
  );
  await page.getByTestId("task-script-input").fill("echo ${dt} ${nope}");
  await expect(page.getByTestId("preview-params.script").getByRole("alert")).toContainText("nope");
  await page.getByTestId("params-preview").scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/task-panel-preview.png` });
});

test("a sql task's preview shows the statement as sent: placeholders for its data source, bound values, !{} as text", async ({
  page,
}) => {
  await createProject(page);
  const projectId = /\/projects\/([0-9a-f-]+)/.exec(page.url())![1]!;
  await trpc(page, "datasource.create", {
    projectId,
    name: "warehouse",
    type: "mysql",
    host: "127.0.0.1",
    port: 3306,
    database: "dwh",
    username: "etl",
  });
  await createWorkflow(page);
  await page.getByTestId("global-params-add").click();
  await page.getByTestId("global-params-name-0").fill("dt");
  await page.getByTestId("global-params-value-0").fill("$[yyyyMMdd-1]");
  await page.getByTestId("global-params-add").click();
  await page.getByTestId("global-params-name-1").fill("table");
  await page.getByTestId("global-params-value-1").fill("orders_${dt}");

  await dropTask(page, "sql", { x: 200, y: 200 }, "count");
  await page
    .getByTestId("task-param-sql")
    .fill("select count(*) from !{table} where d = '${dt}' and m = $[yyyyMM]");
  await page.getByTestId("preview-date").fill("2024-03-01T10:00");
  const line = page.getByTestId("preview-params.sql");
  // No data source picked yet: PostgreSQL style.
  await expect(line.getByTestId("sql-preview-dialect")).toContainText("PostgreSQL style");
  await expect(line.getByTestId("sql-preview-statement")).toHaveText(
    "select count(*) from orders_20240229 where d = $1 and m = $2",
  );
  const pasted = line.locator('mark[data-kind="text"]');
  await expect(pasted).toHaveText("orders_20240229");
  await expect(pasted).toHaveAttribute("title", /!\{table\}: pasted into the statement as text/);
  const values = line.getByTestId("sql-preview-values").getByRole("row");
  await expect(values).toHaveText([/\$1\s*"20240229"\s*\$\{dt\}/, /\$2\s*"202403"\s*\$\[yyyyMM\]/]);

  // A MySQL data source: `?` placeholders.
  await page.getByTestId("task-param-datasource").selectOption("warehouse");
  await expect(line.getByTestId("sql-preview-dialect")).toContainText("warehouse (MySQL)");
  await expect(line.getByTestId("sql-preview-statement")).toContainText(
    "where d = ?1 and m = ?2", // the index after each ? is a visual subscript
  );
  await expect(values.first()).toContainText("?1");
  await page.getByTestId("params-preview").scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/task-panel-sql-preview.png` });
});
