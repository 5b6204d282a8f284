/**
 * bench/editor: the workflow editor in Chromium on generated workflows of 1000 and 5000 tasks.
 *   SHOAL_NEXT_DIST_DIR=.next-x node --import tsx bench/editor.ts      (needs a web build in that dir)
 * Starts its own stack like the e2e run (e2e/global-setup.ts: scratch DB, web, master, worker; its own
 * Postgres/redis-server unless SHOAL_TEST_DATABASE_URL / REDIS_URL say otherwise).
 * Env: CHROMIUM_PATH; BENCH_SIZES (default "1000,5000"); BENCH_RUNS (default 1; figures are medians
 * over the runs); BENCH_TRACE=<dir> (Chromium traces and CPU profiles of open and pan, for the DevTools
 * Performance panel). Each figure is measured twice in the same run: with the editor's canvas as
 * shipped, and with `?canvas=stock` (React Flow defaults: every element rendered, its SVG minimap and
 * background, detailed nodes at every zoom, fit-all, layout on the main thread) as the baseline.
 * Prints figures; asserts nothing.
 *
 * "Shown": every task whose box intersects the viewport is in the DOM and measured (React Flow keeps
 * unmeasured nodes hidden), counted in the first animation frame where that holds. The shipped canvas
 * renders only a window around the view (render-window.ts); the rest is rendered as it comes near.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type Page } from "@playwright/test";
import globalSetup from "../e2e/global-setup.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const SHOTS = path.join(ROOT, "apps/web/shots");
const sizes = (process.env.BENCH_SIZES ?? "1000,5000").split(",").map(Number);
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 1));

type Def = {
  name: string;
  tasks: Array<{ code: string; name: string; type: string; params: Record<string, unknown> }>;
  edges: Array<{ from: string; to: string }>;
  layout: Record<string, { x: number; y: number }>;
};

/** A layered DAG: ranks of `width` tasks, each task after the first rank with 2 upstreams in the rank before. */
function generate(n: number, width = 40): Def {
  let seed = 7;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const code = (i: number) => `t${i.toString(36).padStart(4, "0")}`;
  const tasks: Def["tasks"] = [];
  const edges: Def["edges"] = [];
  const layout: Def["layout"] = {};
  for (let i = 0; i < n; i++) {
    const rank = Math.floor(i / width);
    const row = i % width;
    const type = i % 7 === 3 ? "python" : "shell";
    tasks.push({
      code: code(i),
      name: `task-${i}`,
      type,
      params: type === "shell" ? { script: `echo ${i}` } : { script: `print(${i})` },
    });
    layout[code(i)] = { x: rank * 264, y: row * 88 };
    if (rank === 0) continue;
    const parents = new Set([
      (rank - 1) * width + row,
      (rank - 1) * width + Math.floor(rnd() * width),
    ]);
    for (const p of parents) edges.push({ from: code(p), to: code(i) });
  }
  return { name: `bench-${n}`, tasks, edges, layout };
}

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const r1 = (x: number) => Math.round(x * 10) / 10;

// ---- stack and API -------------------------------------------------------------------------------
const teardown = await globalSetup();
const base = process.env.SHOAL_E2E_BASE_URL!;
let cookie = "";

async function api<T>(procedure: string, input: unknown, kind: "query" | "mutation" = "mutation") {
  const res =
    kind === "mutation"
      ? await fetch(`${base}/api/trpc/${procedure}`, {
          method: "POST",
          headers: { "content-type": "application/json", cookie },
          body: JSON.stringify(input),
        })
      : await fetch(
          `${base}/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`,
          { headers: { cookie } },
        );
  const setCookie = res.headers.get("set-cookie");
  if (setCookie) cookie = setCookie.split(";")[0]!;
  const body = (await res.json()) as { result?: { data: T }; error?: unknown };
  if (!body.result) throw new Error(`${procedure}: ${res.status} ${JSON.stringify(body.error)}`);
  return body.result.data;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
});

try {
  const creds = { username: "admin", password: "bench-password-123" };
  const status = await api<{ needsSetup: boolean }>("auth.status", undefined, "query");
  await api(status.needsSetup ? "auth.setup" : "auth.login", creds);
  const project = await api<{ id: string }>("project.create", { name: `bench-${Date.now()}` });
  const [cookieName, cookieValue] = cookie.split("=") as [string, string];

  async function createWorkflow(def: Def): Promise<string> {
    const name = `${def.name}-${Math.random().toString(36).slice(2, 6)}`;
    const wf = await api<{ id: string }>("workflow.create", { projectId: project.id, name });
    await api("workflow.save", {
      projectId: project.id,
      workflowId: wf.id,
      definition: { ...def, name },
    });
    return wf.id;
  }

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addCookies([{ name: cookieName, value: cookieValue, url: base }]);
    // tsx (esbuild keepNames) wraps named functions in __name(); page.evaluate bodies need it defined.
    await context.addInitScript({ content: "globalThis.__name = (f) => f;" });
    return context.newPage();
  }

  /** Milliseconds from navigation start to the first frame where the viewport's tasks are shown. */
  async function open(page: Page, workflowId: string, stock: boolean, n: number) {
    const url = `${base}/projects/${project.id}/workflows/${workflowId}?bench=1${stock ? "&canvas=stock" : ""}`;
    await page.goto(url, { waitUntil: "commit" });
    return page.evaluate(
      ([n]) =>
        new Promise<{ ms: number; inView: number; inDom: number }>((resolve, reject) => {
          const deadline = performance.now() + 120_000;
          const tick = () => {
            if (performance.now() > deadline) return reject(new Error("editor never showed"));
            const canvas = document.querySelector("[data-testid=canvas]");
            const viewport = document.querySelector<HTMLElement>(".react-flow__viewport");
            if (!canvas || !viewport || canvas.getAttribute("data-task-count") !== String(n))
              return requestAnimationFrame(tick);
            const m = new DOMMatrixReadOnly(getComputedStyle(viewport).transform);
            const [tx, ty, k] = [m.e, m.f, m.a];
            const rect = canvas.getBoundingClientRect();
            const store = (
              window as unknown as {
                shoalEditor?: {
                  getState(): { nodes: Array<{ id: string; position: { x: number; y: number } }> };
                };
              }
            ).shoalEditor;
            if (!store) return requestAnimationFrame(tick);
            const inView = store.getState().nodes.filter((nd) => {
              const x = nd.position.x * k + tx;
              const y = nd.position.y * k + ty;
              return x + 184 * k > 0 && y + 56 * k > 0 && x < rect.width && y < rect.height;
            });
            const els = document.querySelectorAll<HTMLElement>(".react-flow__node");
            const shown = new Set<string>();
            for (const el of els)
              if (el.style.visibility !== "hidden") shown.add(el.getAttribute("data-id") ?? "");
            if (inView.length > 0 && inView.every((nd) => shown.has(nd.id)))
              resolve({ ms: performance.now(), inView: inView.length, inDom: els.length });
            else requestAnimationFrame(tick);
          };
          requestAnimationFrame(tick);
        }),
      [n] as const,
    );
  }

  /** Records requestAnimationFrame intervals while `act` runs. */
  async function frames(page: Page, act: () => Promise<void>) {
    await page.evaluate(() => {
      const w = window as unknown as { __frames: number[]; __rec: boolean };
      w.__frames = [];
      w.__rec = true;
      let last = performance.now();
      const loop = (t: number) => {
        w.__frames.push(t - last);
        last = t;
        if (w.__rec) requestAnimationFrame(loop);
      };
      requestAnimationFrame((t) => {
        last = t;
        requestAnimationFrame(loop);
      });
    });
    await act();
    return page.evaluate(() => {
      const w = window as unknown as { __frames: number[]; __rec: boolean };
      w.__rec = false;
      return w.__frames;
    });
  }

  /** With BENCH_TRACE=<dir>, records a Chromium performance trace of `act` into <dir>/<name>.json. */
  async function traced<T>(page: Page, name: string, act: () => Promise<T>): Promise<T> {
    const dir = process.env.BENCH_TRACE;
    if (!dir) return act();
    mkdirSync(dir, { recursive: true });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
    await cdp.send("Profiler.start");
    await browser.startTracing(page, { path: path.join(dir, `${name}.json`), screenshots: false });
    try {
      return await act();
    } finally {
      await browser.stopTracing();
      const { profile } = await cdp.send("Profiler.stop");
      writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
      await cdp.detach();
    }
  }

  /** A point on the empty pane (for panning), searched on a grid over the canvas. */
  async function emptyPanePoint(page: Page) {
    return page.evaluate(() => {
      const r = document.querySelector("[data-testid=canvas]")!.getBoundingClientRect();
      for (let y = r.top + 120; y < r.bottom - 120; y += 20)
        for (let x = r.left + 60; x < r.right - 220; x += 20) {
          const el = document.elementFromPoint(x, y);
          if (el?.classList.contains("react-flow__pane")) return { x, y };
        }
      return { x: r.left + 30, y: r.top + 30 };
    });
  }

  async function measure(n: number, workflowId: string, stock: boolean) {
    const page = await newPage();
    const shown = await traced(page, `open-${n}${stock ? "-stock" : ""}`, () =>
      open(page, workflowId, stock, n),
    );
    await page.waitForTimeout(500);
    if (!stock && (n === 1000 || n === 10))
      await page.screenshot({ path: path.join(SHOTS, `editor-${n}.png`) });

    // Drag a task in the middle of the view for 60 mouse steps.
    const target = await page.evaluate(() => {
      const r = document.querySelector("[data-testid=canvas]")!.getBoundingClientRect();
      const cx = r.left + r.width / 2;
      const cy = r.top + r.height / 2;
      let best: { x: number; y: number; d: number } | null = null;
      for (const el of document.querySelectorAll(".react-flow__node")) {
        const b = el.getBoundingClientRect();
        const x = b.left + b.width / 2;
        const y = b.top + b.height / 2;
        const d = Math.hypot(x - cx, y - cy);
        if (b.width > 0 && (!best || d < best.d)) best = { x: x - b.width / 4, y, d };
      }
      return best;
    });
    if (!target) throw new Error("no task on screen to drag");
    await page.mouse.move(target.x, target.y);
    await page.mouse.down();
    const drag = await frames(page, async () => {
      for (let i = 1; i <= 60; i++) await page.mouse.move(target.x + i * 3, target.y + i * 2);
    });
    await page.mouse.up();

    // Pan 60 steps: the shipped canvas pans with the middle button (left drag box-selects),
    // stock React Flow with the left one.
    const p = await emptyPanePoint(page);
    const button = stock ? "left" : "middle";
    await page.mouse.move(p.x, p.y);
    await page.mouse.down({ button });
    const pan = await traced(page, `pan-${n}${stock ? "-stock" : ""}`, () =>
      frames(page, async () => {
        for (let i = 1; i <= 60; i++) await page.mouse.move(p.x - i * 5, p.y - i * 3);
      }),
    );
    await page.mouse.up({ button });

    // Auto-layout: store call to positions rendered, recording frame gaps meanwhile.
    let layoutMs = NaN;
    const layoutFrames = await frames(page, async () => {
      layoutMs = await page.evaluate(async () => {
        const store = (
          window as unknown as { shoalEditor: { getState(): { relayout(): Promise<void> } } }
        ).shoalEditor;
        const t = performance.now();
        await store.getState().relayout();
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        return performance.now() - t;
      });
    });

    // Save: click to the new version in the store.
    const saveMs = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const store = (
            window as unknown as {
              shoalEditor: {
                getState(): { version: number };
                subscribe(f: (s: { version: number }) => void): () => void;
              };
            }
          ).shoalEditor;
          const v = store.getState().version;
          const t = performance.now();
          const off = store.subscribe((s) => {
            if (s.version > v) {
              off();
              resolve(performance.now() - t);
            }
          });
          // Ctrl-S saves at once (the Save button opens a review dialog first).
          window.dispatchEvent(new KeyboardEvent("keydown", { key: "s", ctrlKey: true }));
        }),
    );
    if (!stock && n === 1000) {
      await page.getByTestId("fit-view").click();
      await page.waitForTimeout(800);
      await page.screenshot({ path: path.join(SHOTS, `editor-${n}-fit.png`) });
    }
    await page.context().close();
    return {
      openMs: shown.ms,
      inView: shown.inView,
      inDom: shown.inDom,
      dragP50: pct(drag, 50),
      dragP95: pct(drag, 95),
      panP50: pct(pan, 50),
      panP95: pct(pan, 95),
      panLong: pan.filter((f) => f > 20).length,
      layoutMs,
      layoutMaxGap: Math.max(...layoutFrames),
      saveMs,
    };
  }

  type Measured = Awaited<ReturnType<typeof measure>>;
  /** Per metric, the median over runs. */
  const median = (xs: Measured[]): Measured => {
    const keys = Object.keys(xs[0]!) as Array<keyof Measured>;
    return Object.fromEntries(
      keys.map((k) => [
        k,
        pct(
          xs.map((x) => x[k]),
          50,
        ),
      ]),
    ) as Measured;
  };

  mkdirSync(SHOTS, { recursive: true });
  // The 10-task screenshot.
  {
    const small = generate(10, 4);
    const id = await createWorkflow(small);
    const page = await newPage();
    await open(page, id, false, 10);
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(SHOTS, "editor-10.png") });
    await page.context().close();
  }

  for (const n of sizes) {
    const def = generate(n);
    // Each run measures both on fresh copies (a run's layout and save change the workflow).
    const stockRuns: Measured[] = [];
    const optRuns: Measured[] = [];
    for (let r = 0; r < runs; r++) {
      stockRuns.push(await measure(n, await createWorkflow(def), true));
      optRuns.push(await measure(n, await createWorkflow(def), false));
    }
    const stock = median(stockRuns);
    const opt = median(optRuns);

    const rows: Array<[string, keyof typeof opt, string]> = [
      ["navigation → viewport's tasks shown (ms)", "openMs", "≤ 1000 @1000, ≤ 3000 @5000"],
      ["tasks in view / task elements in the DOM", "inView", ""],
      ["drag frame interval p50 (ms)", "dragP50", ""],
      ["drag frame interval p95 (ms)", "dragP95", "≤ 33"],
      ["pan frame interval p50 (ms)", "panP50", ""],
      ["pan frame interval p95 (ms)", "panP95", "≤ 17"],
      ["pan frames over 20 ms (of ~60)", "panLong", ""],
      ["auto-layout, call → rendered (ms)", "layoutMs", "≤ 500"],
      ["longest frame during layout (ms)", "layoutMaxGap", "input not blocked"],
      ["save, Ctrl-S → saved (ms)", "saveMs", "≤ 300"],
    ];
    console.log(
      `\n== ${n} tasks, ${def.edges.length} edges; median of ${runs} run(s); load average ${(os.loadavg()[0] ?? 0).toFixed(1)} ==`,
    );
    console.log(
      `${"metric".padEnd(44)}${"shipped".padStart(12)}${"stock RF".padStart(12)}${"stock/shipped".padStart(15)}  goal`,
    );
    for (const [label, key, goal] of rows) {
      if (key === "inView") {
        console.log(
          `${label.padEnd(44)}${`${opt.inView}/${opt.inDom}`.padStart(12)}${`${stock.inView}/${stock.inDom}`.padStart(12)}`,
        );
        continue;
      }
      const a = opt[key];
      const b = stock[key];
      console.log(
        `${label.padEnd(44)}${String(r1(a)).padStart(12)}${String(r1(b)).padStart(12)}${`${r1(b / a)}×`.padStart(15)}  ${goal}`,
      );
    }
  }
} finally {
  await browser.close();
  await teardown();
}
