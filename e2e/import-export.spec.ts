import type { Page } from "@playwright/test";
import { createProject, createWorkflow, save } from "./fixtures/editor";
import { expect, test } from "./fixtures/auth";

const SHOTS = "apps/web/shots";

async function importText(page: Page, text: string) {
  await page.getByTestId("import-json").click();
  await page.getByTestId("import-textarea").fill(text);
  await page.getByTestId("import-apply").click();
}

async function exportText(page: Page, format: "json" | "yaml"): Promise<string> {
  await page.getByTestId("export-json").click();
  await page.getByTestId(`format-${format}`).click();
  const area = page.getByTestId("export-textarea");
  await expect(area).toHaveValue(format === "json" ? /^\{/ : /^name:/);
  const text = await area.inputValue();
  await page.getByRole("button", { name: "Close" }).click();
  return text;
}

test("an invalid file lists every problem with its task and changes nothing", async ({ page }) => {
  await createProject(page);
  await createWorkflow(page);
  const bad = {
    name: "bad",
    tasks: [
      { code: "a", name: "extract", type: "shell", params: { script: "" } },
      { code: "b", name: "transform", type: "no-such-type", params: {} },
      { code: "c", name: "load", type: "python", params: { script: "print(1)" }, retries: -1 },
    ],
    edges: [
      { from: "a", to: "b" },
      { from: "b", to: "zzz" },
    ],
  };
  await importText(page, JSON.stringify(bad));
  const errors = page.getByTestId("import-errors");
  await expect(errors).toContainText("4 problems");
  const items = page.getByTestId("import-error-item");
  await expect(items).toHaveCount(4);
  const texts = await items.allTextContents();
  expect(texts).toEqual([
    expect.stringContaining('task "load": retries'),
    expect.stringContaining('task "extract": params.script'),
    expect.stringContaining('task "transform": unknown task type "no-such-type"'),
    expect.stringContaining('no task has code "zzz"'),
  ]);
  await page.screenshot({ path: `${SHOTS}/import-errors.png` });

  // YAML is read too, and its problems listed the same way.
  await page
    .getByTestId("import-textarea")
    .fill("name: bad\ntasks:\n  - code: a\n    name: extract\n    type: shell\n    params: {}\n");
  await page.getByTestId("import-apply").click();
  await expect(page.getByTestId("import-error-item")).toHaveCount(1);
  await expect(page.getByTestId("import-error-item")).toContainText(
    'task "extract": params.script',
  );

  // Nothing reached the canvas or the server.
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.locator(".react-flow__node")).toHaveCount(0);
  await expect(page.getByTestId("dirty-indicator")).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId("version-badge")).toHaveText("draft");
  await expect(page.locator(".react-flow__node")).toHaveCount(0);
});

test("export then import (JSON and YAML) gives an identical definition", async ({ page }) => {
  await createProject(page);
  const first = await createWorkflow(page);
  const source = {
    name: first,
    description: "round trip",
    globalParams: [{ name: "dt", value: "$[yyyyMMdd-1]" }],
    tasks: [
      {
        code: "x1",
        name: "extract",
        type: "shell",
        params: { script: "set -e\necho ${dt}\n" },
        retries: 2,
        retryIntervalSeconds: 10,
        timeout: { seconds: 60, strategy: "warn" },
        localParams: [{ name: "table", value: "events" }],
      },
      { code: "x2", name: "score", type: "python", params: { script: "print('ok')" } },
    ],
    edges: [{ from: "x1", to: "x2" }],
    layout: { x1: { x: 0, y: 0 }, x2: { x: 260, y: 40 } },
  };
  await importText(page, JSON.stringify(source));
  await expect(page.locator(".react-flow__node")).toHaveCount(2);
  await save(page);
  const json = await exportText(page, "json");
  const yaml = await exportText(page, "yaml");
  const exported = JSON.parse(json) as Record<string, unknown>;
  expect(exported).toMatchObject({ description: "round trip", edges: source.edges });

  // Into a second workflow, from YAML: the same definition (but its own name).
  await page.goto(page.url().replace(/\/workflows\/[^/]+$/, "/workflows"));
  const second = await createWorkflow(page);
  await importText(page, yaml);
  await expect(page.locator(".react-flow__node")).toHaveCount(2);
  await save(page);
  const fromYaml = JSON.parse(await exportText(page, "json")) as Record<string, unknown>;
  expect(fromYaml).toEqual({ ...exported, name: second });

  // And from JSON again, after a reload (so it is what the server saved).
  await importText(page, json);
  await save(page);
  await page.reload();
  const fromJson = JSON.parse(await exportText(page, "json")) as Record<string, unknown>;
  expect(fromJson).toEqual({ ...exported, name: second });
});
