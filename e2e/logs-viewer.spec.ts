import { readFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures/auth";

test.describe.configure({ timeout: 120_000 });

const SHOTS = "apps/web/shots";
const unique = (p: string) => `${p}-${randomBytes(4).toString("hex")}`;

/** A tRPC call over HTTP as the signed-in page (same session cookie). */
async function trpc<T>(
  page: Page,
  path: string,
  input: unknown,
  kind: "query" | "mutation" = "mutation",
): Promise<T> {
  const res =
    kind === "query"
      ? await page.request.get(
          `/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`,
        )
      : await page.request.post(`/api/trpc/${path}`, { data: input });
  const body = (await res.json()) as { result?: { data: T }; error?: { message: string } };
  expect(res.ok(), `${path}: ${body.error?.message ?? res.status()}`).toBe(true);
  return body.result!.data;
}

/** Saves a one-task shell workflow through the API, runs it and opens the instance page. */
async function runShellTask(page: Page, script: string, extra: Record<string, unknown> = {}) {
  const project = await trpc<{ id: string }>(page, "project.create", { name: unique("logs") });
  const name = unique("wf");
  const wf = await trpc<{ id: string }>(page, "workflow.create", { projectId: project.id, name });
  await trpc(page, "workflow.save", {
    projectId: project.id,
    workflowId: wf.id,
    definition: {
      name,
      tasks: [{ code: "printer", name: "printer", type: "shell", params: { script }, ...extra }],
      edges: [],
    },
  });
  const run = await trpc<{ instanceId: string | null }>(page, "workflow.run", {
    projectId: project.id,
    workflowId: wf.id,
  });
  expect(run.instanceId, "the master created the instance").toBeTruthy();
  await page.goto(`/projects/${project.id}/instances/${run.instanceId}`);
  return { projectId: project.id, instanceId: run.instanceId! };
}

async function openLog(page: Page) {
  const log = page.getByTestId("log-viewer");
  // The node re-renders on every live state change; a click that lands mid-render is clicked again,
  // as a user would.
  await expect(async () => {
    await page.getByTestId("task-node-printer").click();
    await expect(log).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 15_000 });
  return log;
}

test("lines appear while the task runs, and the view follows the tail", async ({ page }) => {
  await runShellTask(page, "for i in $(seq 1 30); do echo line $i; sleep 0.2; done");
  await expect(page.getByTestId("task-node-printer")).toHaveAttribute("data-state", "RUNNING", {
    timeout: 30_000,
  });
  const log = await openLog(page);
  await expect(log.getByTestId("log-line").filter({ hasText: /^\d+\S+line 5$/ })).toBeVisible();
  // Seen before the task ended: it prints for 6 s.
  await expect(page.getByTestId("task-node-printer")).toHaveAttribute("data-state", "RUNNING");
  await expect(log.getByTestId("log-live")).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/logs-live.png` });

  await expect(log.getByTestId("log-exit-code")).toHaveText("Exit code 0", { timeout: 30_000 });
  // Followed to the end, all lines there once, in order.
  await expect(log.getByTestId("log-line").last()).toContainText("[shoal] exit code 0");
  await expect(log.getByTestId("log-line-count")).toHaveText("31 lines");
  const texts = await log.getByTestId("log-line").allTextContents();
  const printed = texts.map((t) => /line (\d+)$/.exec(t)?.[1]).filter(Boolean);
  expect(printed).toEqual(
    Array.from({ length: printed.length }, (_, i) => String(30 - printed.length + 1 + i)),
  );
  await page.screenshot({ path: `${SHOTS}/logs-finished.png` });
});

test("the downloaded log is byte for byte what the task printed, and ANSI colours show", async ({
  page,
}) => {
  // Unicode, ANSI colours, a tab, CRLF, backslashes, a line longer than a stored line, no final newline.
  const script = [
    String.raw`printf 'héllo wörld ✓ 日本語 😀\n'`,
    String.raw`printf '\033[31mred\033[0m and \033[1;32mbold green\033[0m\n'`,
    String.raw`printf 'tab\there\r\n'`,
    String.raw`printf 'back\\slash <b>not bold</b>\n'`,
    String.raw`head -c 70000 /dev/zero | tr '\0' 'x'; echo`,
    String.raw`printf 'oops' >&2; printf '\n' >&2`,
    String.raw`printf 'no newline at the end'`,
  ].join("\n");
  const expected =
    "héllo wörld ✓ 日本語 😀\n" +
    "\x1b[31mred\x1b[0m and \x1b[1;32mbold green\x1b[0m\n" +
    "tab\there\r\n" +
    "back\\slash <b>not bold</b>\n" +
    "x".repeat(70000) +
    "\n" +
    "oops\n" +
    "no newline at the end";
  await runShellTask(page, script);
  await expect(page.getByTestId("task-node-printer")).toHaveAttribute("data-state", "SUCCESS", {
    timeout: 30_000,
  });
  const log = await openLog(page);
  await expect(log.getByTestId("log-exit-code")).toHaveText("Exit code 0");

  const downloading = page.waitForEvent("download");
  await log.getByTestId("log-download").click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("printer-attempt-1.log");
  const bytes = await readFile(await download.path());
  expect(
    bytes.equals(Buffer.from(expected, "utf8")),
    `download differs:\n${bytes.toString("utf8").slice(0, 400)}`,
  ).toBe(true);

  // Colours are styled spans, markup in the output stays text.
  await log.getByRole("button", { name: "Follow tail" }).click();
  await log.getByTestId("log-lines").evaluate((el) => (el.scrollTop = 0));
  const red = log.getByTestId("log-line").nth(1).locator("span", { hasText: /^red$/ });
  await expect(red).toHaveCSS("color", "rgb(187, 0, 0)");
  await expect(log.getByTestId("log-line").nth(3)).toContainText("<b>not bold</b>");
  await expect(log.locator("b")).toHaveCount(0);
  await expect(log.getByTestId("log-line").nth(0)).toContainText("héllo wörld ✓ 日本語 😀");
  await page.screenshot({ path: `${SHOTS}/logs-ansi.png` });
  // The 70 000-char line is stored as two pieces; the first is shown cut with a marker, and expands.
  const long = log.getByTestId("log-line").nth(4);
  await expect(long.getByRole("button", { name: /more chars/ })).toHaveText(
    `… (${(65536 - 10000).toLocaleString()} more chars)`,
  );
  await long.getByRole("button", { name: /more chars/ }).click();
  await expect(long.getByRole("button", { name: /more chars/ })).toHaveCount(0);
  // Scrolled sideways, every row keeps its line number in view.
  await log.getByTestId("log-lines").evaluate((el) => (el.scrollLeft = 5000));
  await expect(log.locator('[data-line="1"] span').first()).toBeInViewport();
  await page.screenshot({ path: `${SHOTS}/logs-long-line.png` });
});

test("search finds and highlights matches in a long log, and jumps to the first error", async ({
  page,
}) => {
  await runShellTask(
    page,
    [
      `for i in $(seq 1 5000); do echo "row $i"; done`,
      `echo "a needle here"`,
      `for i in $(seq 1 3000); do echo "more $i"; done`,
      `echo "Traceback (most recent call last):"`,
      `echo "another NEEDLE"`,
    ].join("\n"),
  );
  await expect(page.getByTestId("task-node-printer")).toHaveAttribute("data-state", "SUCCESS", {
    timeout: 30_000,
  });
  const log = await openLog(page);
  await expect(log.getByTestId("log-line-count")).toHaveText("8,004 lines");

  await log.getByRole("searchbox", { name: "Search log" }).fill("needle");
  await expect(log.getByTestId("log-search-count")).toHaveText("1 / 2");
  const current = log.locator('[data-line="5001"]');
  await expect(current).toBeVisible();
  await expect(current.getByTestId("log-match")).toHaveText("needle");
  await page.screenshot({ path: `${SHOTS}/logs-search.png` });

  await log.getByRole("searchbox", { name: "Search log" }).press("Enter");
  await expect(log.getByTestId("log-search-count")).toHaveText("2 / 2");
  await expect(log.locator('[data-line="8003"]').getByTestId("log-match")).toHaveText("NEEDLE");
  await log.getByRole("button", { name: "Previous match" }).click();
  await expect(log.getByTestId("log-search-count")).toHaveText("1 / 2");

  await log.getByRole("searchbox", { name: "Search log" }).fill("no such text");
  await expect(log.getByTestId("log-search-count")).toHaveText("no matches");

  await log.getByRole("button", { name: "First error" }).click();
  await expect(log.locator('[data-line="8002"]')).toBeVisible();
  await expect(log.locator('[data-line="8002"]')).toContainText(
    "Traceback (most recent call last):",
  );
});

test("an earlier attempt's log is selectable", async ({ page }) => {
  const marker = `/tmp/${unique("shoal-e2e-attempt")}`;
  await runShellTask(
    page,
    `if [ -e ${marker} ]; then rm ${marker}; echo second-attempt-ok; else touch ${marker}; echo first-attempt-broke; exit 4; fi`,
    { retries: 1, retryIntervalSeconds: 0 },
  );
  await expect(page.getByTestId("task-node-printer")).toHaveAttribute("data-state", "SUCCESS", {
    timeout: 30_000,
  });
  const log = await openLog(page);
  await expect(log.getByTestId("log-lines")).toContainText("second-attempt-ok");
  const picker = log.getByRole("combobox", { name: "Attempt" });
  await expect(picker.locator("option")).toHaveText(["Attempt 1 · FAILURE", "Attempt 2 · SUCCESS"]);

  await picker.selectOption({ label: "Attempt 1 · FAILURE" });
  await expect(log.getByTestId("log-lines")).toContainText("first-attempt-broke");
  await expect(log.getByTestId("log-lines")).not.toContainText("second-attempt-ok");
  await expect(log.getByTestId("log-exit-code")).toHaveText("Exit code 4");

  await picker.selectOption({ label: "Attempt 2 · SUCCESS" });
  await expect(log.getByTestId("log-lines")).toContainText("second-attempt-ok");
  await expect(log.getByTestId("log-exit-code")).toHaveText("Exit code 0");
});
