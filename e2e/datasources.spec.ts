import { randomBytes } from "node:crypto";
import { createDb } from "@shoal/db";
import { startRun, trpc } from "./fixtures/api";
import { expect, test } from "./fixtures/auth";
import { createProject, selectTask, uniqueName } from "./fixtures/editor";

test.describe.configure({ timeout: 120_000 });

/**
 * The e2e run's own Postgres database doubles as the data source the tasks query, through a login
 * role made for this spec with a password only it knows (so the test also proves the password is
 * stored, decrypted by the worker and never shown, whatever auth the server uses).
 */
const login = {
  username: `e2e_ds_${randomBytes(3).toString("hex")}`,
  password: `pw-${randomBytes(6).toString("hex")}`,
};

async function asAdmin(statements: string): Promise<void> {
  const handle = createDb(process.env.SHOAL_E2E_DATABASE_URL!, { max: 1 });
  try {
    await handle.sql.unsafe(statements);
  } finally {
    await handle.close();
  }
}
test.beforeAll(() =>
  asAdmin(
    `create role ${login.username} login password '${login.password}'; grant select on all tables in schema public to ${login.username}`,
  ),
);
// Roles belong to the server, not to the e2e database that teardown drops.
test.afterAll(() => asAdmin(`drop owned by ${login.username}; drop role ${login.username}`));

function target() {
  const u = new URL(process.env.SHOAL_E2E_DATABASE_URL!);
  return {
    host: u.hostname,
    port: u.port || "5432",
    database: u.pathname.slice(1),
    ...login,
  };
}

test("add a data source, test its connection, use it from a SQL task, then delete it", async ({
  page,
}) => {
  await createProject(page);
  await page.getByRole("link", { name: "Data sources" }).click();
  await page.waitForURL(/\/datasources$/);
  await expect(page.getByText("No data sources yet")).toBeVisible();
  await page.screenshot({ path: "apps/web/shots/datasources-empty.png" });

  await page.getByRole("button", { name: "Add a data source" }).click();
  const dialog = page.getByRole("dialog", { name: "New data source" });
  const t = target();
  await dialog.getByLabel("Name").fill("warehouse");
  await dialog.getByLabel("Host").fill(t.host);
  await dialog.getByLabel("Port").fill(t.port);
  await dialog.getByLabel("Database").fill(t.database);
  await dialog.getByLabel("User").fill(t.username);
  await dialog.getByLabel("Password", { exact: true }).fill(t.password);
  await dialog.getByRole("button", { name: "Test connection" }).click();
  await expect(dialog.getByTestId("datasource-test-result")).toContainText(
    /Connected: PostgreSQL \d+/,
  );
  await page.screenshot({ path: "apps/web/shots/datasources-dialog.png" });
  await dialog.getByRole("button", { name: "Create" }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByTestId("datasource-row-warehouse");
  await expect(row).toContainText(`${t.host}:${t.port}/${t.database}`);
  await expect(row).toContainText("password set");
  await expect(page.locator("body")).not.toContainText(t.password);

  // A wrong port is reported where the user acted, with the driver's message; nothing is saved.
  await page.getByRole("button", { name: "Edit warehouse" }).click();
  const edit = page.getByRole("dialog", { name: "Edit warehouse" });
  await expect(edit.getByLabel("Password", { exact: true })).toHaveValue("");
  await edit.getByLabel("Port").fill("1");
  await edit.getByRole("button", { name: "Test connection" }).click();
  await expect(edit.getByTestId("datasource-test-result")).toContainText(
    /Connection failed: .*ECONNREFUSED/,
  );
  await page.screenshot({ path: "apps/web/shots/datasources-test-failed.png" });
  await edit.getByRole("button", { name: "Cancel" }).click();
  await expect(row).toContainText(`:${t.port}/`);

  // A SQL task finds it by name; the worker decrypts the password with the stack's key.
  const projectId = /\/projects\/([0-9a-f-]+)\//.exec(page.url())![1]!;
  const name = uniqueName("sql");
  const wf = await trpc<{ id: string }>(page, "workflow.create", { projectId, name });
  await trpc(page, "workflow.save", {
    projectId,
    workflowId: wf.id,
    definition: {
      name,
      tasks: [
        {
          code: "count",
          name: "count",
          type: "sql",
          params: {
            datasource: "warehouse",
            sql: "select count(*) as n from workflow",
            outParams: [{ name: "n" }],
          },
        },
      ],
      edges: [],
    },
  });
  const instanceId = await startRun(page, projectId, wf.id);
  await page.goto(`/projects/${projectId}/instances/${instanceId}`);
  await expect(page.getByTestId("instance-state")).toHaveText("SUCCESS", { timeout: 30_000 });

  // In the editor, the task's data source is picked from the project's data sources.
  await page.goto(`/projects/${projectId}/workflows/${wf.id}`);
  await selectTask(page, "count");
  const picker = page.getByTestId("task-param-datasource");
  await expect(picker).toHaveValue("warehouse");
  await expect(picker.locator("option", { hasText: "warehouse (postgresql" })).toHaveCount(1);
  await page.screenshot({ path: "apps/web/shots/datasources-editor-picker.png" });

  await page.goto(`/projects/${projectId}/datasources`);
  await expect(row).toBeVisible();
  await page.screenshot({ path: "apps/web/shots/datasources-list.png" });
  await page.getByRole("button", { name: "Delete warehouse" }).click();
  const confirm = page.getByRole("dialog", { name: /Delete data source/ });
  await expect(confirm).toContainText("SQL tasks that use warehouse will fail");
  await confirm.getByRole("button", { name: "Delete" }).click();
  await expect(page.getByText("No data sources yet")).toBeVisible();
});
