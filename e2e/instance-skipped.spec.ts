import { expect, test } from "./fixtures/auth";
import { startRun, trpc } from "./fixtures/api";
import { uniqueName } from "./fixtures/editor";

test.describe.configure({ timeout: 120_000 });

const LONG = { timeout: 45_000 };

test("a finished instance shows the branch its switch did not take as skipped, not as not started", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const project = await trpc<{ id: string }>(page, "project.create", { name: uniqueName("skip") });
  const name = uniqueName("wf");
  const wf = await trpc<{ id: string }>(page, "workflow.create", { projectId: project.id, name });
  const shell = (code: string) => ({
    code,
    name: code,
    type: "shell",
    params: { script: `echo ${code}` },
  });
  await trpc(page, "workflow.save", {
    projectId: project.id,
    workflowId: wf.id,
    definition: {
      name,
      globalParams: [{ name: "region", value: "eu" }],
      tasks: [
        {
          code: "route",
          name: "route",
          type: "switch",
          params: {
            branches: [
              { condition: '${region} == "us"', next: "load-us" },
              { condition: '${region} == "eu"', next: "load-eu" },
            ],
            defaultNext: null,
          },
        },
        shell("load-us"),
        shell("report-us"),
        shell("load-eu"),
      ],
      edges: [
        { from: "route", to: "load-us" },
        { from: "route", to: "load-eu" },
        { from: "load-us", to: "report-us" },
      ],
    },
  });
  const id = await startRun(page, project.id, wf.id);
  await page.goto(`/projects/${project.id}/instances/${id}`);
  await expect(page.getByTestId("instance-state")).toHaveText("SUCCESS", LONG);

  // Graph: the taken branch ran; the other one, and what only it leads to, read "skipped".
  await expect(page.getByTestId("task-node-route")).toHaveAttribute("data-state", "SUCCESS");
  await expect(page.getByTestId("task-node-load-eu")).toHaveAttribute("data-state", "SUCCESS");
  for (const skipped of ["load-us", "report-us"]) {
    const node = page.getByTestId(`task-node-${skipped}`);
    await expect(node).toHaveAttribute("data-state", "SKIPPED");
    await expect(node).toContainText("skipped");
    await expect(node).not.toContainText("not started");
    await expect(node).toHaveAttribute("title", /branch not taken by route/);
  }
  // Edges into skipped tasks are greyed and dashed and say why; the ones followed are drawn as usual.
  for (const [from, to] of [
    ["route", "load-us"],
    ["load-us", "report-us"],
  ]) {
    const edge = page.getByTestId(`rf__edge-${from}->${to}`);
    await expect(edge).toHaveClass(/skipped-edge/);
    await expect(edge).toHaveAttribute(
      "aria-label",
      `Edge from ${from} to ${to}, not followed: branch not taken by route`,
    );
    await expect(edge.locator("path.react-flow__edge-path")).toHaveAttribute(
      "style",
      /stroke-dasharray: 5(px)?,? 4/,
    );
    await expect(edge.locator("title")).toHaveText(/not followed, branch not taken by route/);
  }
  const taken = page.getByTestId("rf__edge-route->load-eu");
  await expect(taken).not.toHaveClass(/skipped-edge/);
  await expect(taken.locator("path.react-flow__edge-path")).not.toHaveAttribute(
    "style",
    /dasharray/,
  );
  await page.screenshot({ path: "apps/web/shots/instance-skipped-graph.png" });

  // A skipped task opens its panel: why it did not run and what it is set up to do, no log.
  await page.getByTestId("task-node-report-us").click();
  const drawer = page.getByRole("complementary", { name: "Task report-us" });
  await expect(drawer.getByTestId("drawer-skipped")).toContainText(
    "Skipped: branch not taken by route",
  );
  const summary = drawer.getByTestId("task-summary");
  await expect(summary).toContainText("Shell");
  await expect(summary).toContainText("echo report-us");
  await expect(drawer).not.toContainText("Not started yet");
  await expect(drawer.getByRole("button", { name: "Force success" })).toBeDisabled();
  await page.screenshot({ path: "apps/web/shots/instance-skipped-drawer.png" });
  await drawer.getByRole("button", { name: "Close task panel" }).click();
  await expect(drawer).toBeHidden();

  // Tasks: a "skipped" row without an attempt, its log button off.
  await page.getByRole("tab", { name: "Tasks" }).click();
  const row = page.getByTestId("task-row-load-us");
  await expect(row).toHaveAttribute("data-state", "SKIPPED");
  await expect(row).toContainText("skipped");
  await expect(row).toContainText("branch not taken by route");
  await expect(row.getByRole("button", { name: "View log" })).toBeDisabled();
  await expect(page.getByTestId("task-row-load-eu")).toHaveAttribute("data-state", "SUCCESS");
  await page.screenshot({ path: "apps/web/shots/instance-skipped-tasks.png" });

  // Gantt: bars only for what ran; the skipped row says so instead.
  await page.getByRole("tab", { name: "Gantt" }).click();
  await expect(page.getByTestId("gantt-bar-load-eu")).toHaveAttribute("data-state", "SUCCESS");
  await expect(page.getByTestId("gantt-bar-load-us")).toHaveCount(0);
  await expect(page.getByTestId("gantt-row-load-us")).toHaveAttribute("data-skipped", "true");
  await expect(page.getByTestId("gantt-row-load-us")).toContainText("skipped");
  await page.screenshot({ path: "apps/web/shots/instance-skipped-gantt.png" });
});
