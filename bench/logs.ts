/**
 * bench/logs: task logs followed in Chromium, against a raw Redis reader of the same stream.
 *   SHOAL_NEXT_DIST_DIR=.next-x node --import tsx bench/logs.ts   (needs `next build` into that dir)
 * Starts its own stack (a scratch database on SHOAL_TEST_DATABASE_URL or an embedded Postgres, its
 * own redis-server, web + master + worker), like e2e/global-setup.ts. Prints figures only.
 *
 * 1. Live: a python task prints `seq=<n> t=<epoch ms>` every 1 ms for 30 s while the log viewer is
 *    open. An in-page MutationObserver records when each line reaches the DOM (same clock: same
 *    machine); a raw XREAD client in this process records when it reaches Redis (the floor).
 *    Lost = printed sequence numbers never seen (the whole log is scrolled through at the end).
 * 2. First screen of a finished 1 000 000-line log: click → last lines drawn, against the same for
 *    a 10-line log.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type Page } from "@playwright/test";
import { Redis } from "ioredis";
import { getFreePort } from "../scripts/lib/free-port.ts";
import { migrate } from "../scripts/lib/migrate.ts";
import {
  dropDatabase,
  ensureDatabase,
  startEmbeddedPostgres,
  withDatabase,
} from "../scripts/lib/postgres.ts";
import {
  nextStartCommand,
  spawnService,
  stopAll,
  tsxCommand,
  type Service,
} from "../scripts/lib/processes.ts";
import { startRedis } from "../scripts/lib/redis.ts";
import { sleep } from "../scripts/lib/proc-util.ts";

const LIVE_SECONDS = Number(process.env.BENCH_LOG_SECONDS ?? 30);
const BIG_LINES = Number(process.env.BENCH_LOG_BIG_LINES ?? 1_000_000);
const tmp = mkdtempSync(path.join(os.tmpdir(), "shoal-bench-logs-"));
const cleanups: (() => Promise<unknown>)[] = [];
let services: Service[] = [];

async function cleanup() {
  await stopAll(services, 10_000);
  for (const c of cleanups) await c().catch(() => {});
  rmSync(tmp, { recursive: true, force: true });
}

const pct = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1).padStart(7) : "    n/a");

try {
  let adminUrl = process.env.SHOAL_TEST_DATABASE_URL;
  if (!adminUrl) {
    const pg = await startEmbeddedPostgres({
      dir: path.join(tmp, "pg"),
      port: await getFreePort(),
    });
    cleanups.push(() => pg.stop());
    adminUrl = pg.url("postgres");
  }
  const redisServer = await startRedis({
    dir: path.join(tmp, "redis"),
    port: await getFreePort(),
    persist: false,
  });
  cleanups.push(() => redisServer.stop());
  const database = `shoal_bench_logs_${randomBytes(4).toString("hex")}`;
  const databaseUrl = withDatabase(adminUrl, database);
  await ensureDatabase(adminUrl, database);
  cleanups.unshift(() => dropDatabase(adminUrl, database));
  await migrate(databaseUrl);

  const port = await getFreePort();
  const base = `http://127.0.0.1:${port}`;
  const prefix = "benchlogs";
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisServer.url,
    SHOAL_REDIS_PREFIX: prefix,
  };
  services = [
    spawnService({
      name: "web",
      ...nextStartCommand(port, "127.0.0.1"),
      env: { ...env, NODE_ENV: "production", PORT: String(port) },
      marker: "next",
    }),
    spawnService({
      name: "master",
      ...tsxCommand("apps/master/src/main.ts"),
      env,
      marker: "apps/master/src/main.ts",
    }),
    spawnService({
      name: "worker",
      ...tsxCommand("apps/worker/src/main.ts"),
      env,
      marker: "apps/worker/src/main.ts",
    }),
  ];
  for (let i = 0; ; i++) {
    const res = await fetch(base, { redirect: "manual" }).catch(() => null);
    if (res && res.status < 500) break;
    if (i > 240) throw new Error("web did not answer within 60 s");
    await sleep(250);
  }

  // Sign up the admin and keep the session cookie for API calls and the browser.
  let cookie = "";
  const trpc = async <T>(
    procedure: string,
    input: unknown,
    kind: "query" | "mutation" = "mutation",
  ): Promise<T> => {
    const res =
      kind === "query"
        ? await fetch(
            `${base}/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`,
            { headers: { cookie } },
          )
        : await fetch(`${base}/api/trpc/${procedure}`, {
            method: "POST",
            headers: { cookie, "content-type": "application/json" },
            body: JSON.stringify(input),
          });
    const body = (await res.json()) as { result?: { data: T }; error?: { message: string } };
    if (!body.result) throw new Error(`${procedure}: ${body.error?.message ?? res.status}`);
    if (procedure === "auth.setup") cookie = res.headers.get("set-cookie")!.split(";")[0]!;
    return body.result.data;
  };
  await trpc("auth.setup", { username: "admin", password: "bench-password-1" });
  const project = await trpc<{ id: string }>("project.create", { name: "bench-logs" });

  const runTask = async (name: string, type: string, script: string) => {
    const wf = await trpc<{ id: string }>("workflow.create", { projectId: project.id, name });
    await trpc("workflow.save", {
      projectId: project.id,
      workflowId: wf.id,
      definition: { name, tasks: [{ code: "t", name: "t", type, params: { script } }], edges: [] },
    });
    const run = await trpc<{ instanceId: string | null }>("workflow.run", {
      projectId: project.id,
      workflowId: wf.id,
    });
    if (!run.instanceId) throw new Error("no instance");
    return run.instanceId;
  };
  const taskOf = async (instanceId: string) => {
    for (;;) {
      const snap = await trpc<{ tasks: { id: string; state: string }[] }>(
        "instance.byId",
        { projectId: project.id, instanceId },
        "query",
      );
      if (snap.tasks[0]) return snap.tasks[0];
      await sleep(100);
    }
  };
  const waitFinal = async (instanceId: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const t = await taskOf(instanceId);
      if (["SUCCESS", "FAILURE", "KILL"].includes(t.state)) return t;
      if (Date.now() > deadline) throw new Error(`task still ${t.state}`);
      await sleep(250);
    }
  };

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu"],
  });
  cleanups.unshift(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const [name, value] = cookie.split("=");
  await context.addCookies([{ name: name!, value: value!, url: base }]);

  const openLog = async (page: Page, instanceId: string) => {
    await page.goto(`${base}/projects/${project.id}/instances/${instanceId}`);
    await page.getByTestId("task-node-t").click();
    await page.getByTestId("log-lines").waitFor();
  };

  // ---- 1. live tail: write → DOM, against write → raw XREAD ----
  const liveScript = [
    "import sys, time",
    "time.sleep(4)  # the viewer and the raw reader subscribe first",
    `end = time.time() + ${LIVE_SECONDS}`,
    "i = 0",
    "nxt = time.time()",
    "while time.time() < end:",
    "    i += 1",
    "    sys.stdout.write('seq=%d t=%.3f\\n' % (i, time.time() * 1000)); sys.stdout.flush()",
    "    nxt += 0.001",
    "    d = nxt - time.time()",
    "    if d > 0: time.sleep(d)",
    "print('printed=%d' % i, flush=True)",
  ].join("\n");
  const liveInstance = await runTask("live-1ms", "python", liveScript);
  const liveTask = await taskOf(liveInstance);
  const page = await context.newPage();
  // A string, not a function: tsx would add helpers to a function's source that the page lacks.
  await page.addInitScript(`
    window.__seen = new Map();
    window.__frames = 0;
    const tick = () => { window.__frames++; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
    window.__lat = [];
    const scan = () => {
      const now = performance.timeOrigin + performance.now();
      for (const row of document.querySelectorAll('[data-testid="log-line"]')) {
        const m = /seq=(\\d+) t=([\\d.]+)/.exec(row.textContent || "");
        if (!m) continue;
        const seq = Number(m[1]);
        if (window.__seen.has(seq)) continue;
        window.__seen.set(seq, now);
        window.__lat.push(now - Number(m[2]));
      }
    };
    new MutationObserver(scan).observe(document, { childList: true, subtree: true, characterData: true });
  `);
  await openLog(page, liveInstance);
  const framesAtStart = await page.evaluate(
    () => (window as unknown as { __frames: number }).__frames,
  );
  const liveStart = Date.now();

  const raw = new Redis(redisServer.url);
  const rawLat: number[] = [];
  const rawSeen = new Set<number>();
  let rawDone = false;
  const rawReader = (async () => {
    let cursor = "0";
    while (!rawDone) {
      const res = await raw.xread(
        "COUNT",
        1000,
        "BLOCK",
        1000,
        "STREAMS",
        `${prefix}:log:${liveTask.id}`,
        cursor,
      );
      const now = Date.now();
      for (const [id, fields] of res?.[0]?.[1] ?? []) {
        cursor = id;
        const d = fields[fields.indexOf("d") + 1];
        if (fields.includes("eof")) rawDone = true;
        if (!d || !fields.includes("d")) continue;
        for (const m of d.matchAll(/seq=(\d+) t=([\d.]+)/g)) {
          rawSeen.add(Number(m[1]));
          rawLat.push(now - Number(m[2]));
        }
      }
    }
  })();

  const final = await waitFinal(liveInstance, (LIVE_SECONDS + 60) * 1000);
  const fps =
    ((await page.evaluate(() => (window as unknown as { __frames: number }).__frames)) -
      framesAtStart) /
    ((Date.now() - liveStart) / 1000);
  const load = os.loadavg()[0]!;
  rawDone = true;
  await rawReader;
  raw.disconnect();
  await page.getByTestId("log-exit-code").waitFor({ timeout: 30_000 });
  const printedLine = await page
    .getByTestId("log-line")
    .filter({ hasText: /printed=\d+/ })
    .textContent();
  const printed = Number(/printed=(\d+)/.exec(printedLine ?? "")?.[1]);

  // Lines drawn while live; then scroll the whole log to count any that never made it to the viewer.
  const live = await page.evaluate(() => {
    const w = window as unknown as { __seen: Map<number, number>; __lat: number[] };
    return { seen: w.__seen.size, lat: w.__lat.slice() };
  });
  const total = Number(await page.getByTestId("log-view").getAttribute("data-total"));
  await page.getByRole("button", { name: "Follow tail" }).click();
  await page.getByTestId("log-lines").evaluate((el) => (el.scrollTop = 0));
  for (let top = 0; ;) {
    await page.waitForTimeout(30);
    const done = await page.getByTestId("log-lines").evaluate((el) => {
      el.scrollTop += el.clientHeight - 40;
      return el.scrollTop + el.clientHeight >= el.scrollHeight - 1;
    });
    top++;
    if (done || top > 100_000) break;
  }
  await page.waitForTimeout(200);
  const seenAll = await page.evaluate(
    () => (window as unknown as { __seen: Map<number, number> }).__seen.size,
  );
  await page.close();

  const dom = live.lat.sort((a, b) => a - b);
  const floor = rawLat.sort((a, b) => a - b);
  console.log(
    `\n== bench/logs: live tail, a line every 1 ms for ${LIVE_SECONDS} s (task ${final.state}) ==`,
  );
  console.log(`printed ${printed} lines; log has ${total} lines (+ Shoal's exit line)`);
  console.log(`                       p50 ms   p90 ms   p99 ms   max ms   lines`);
  console.log(
    `raw XREAD (floor)     ${fmt(pct(floor, 50))}  ${fmt(pct(floor, 90))}  ${fmt(pct(floor, 99))}  ${fmt(floor.at(-1) ?? NaN)}   ${rawSeen.size}`,
  );
  console.log(
    `viewer DOM (Chromium) ${fmt(pct(dom, 50))}  ${fmt(pct(dom, 90))}  ${fmt(pct(dom, 99))}  ${fmt(dom.at(-1) ?? NaN)}   ${live.seen}`,
  );
  console.log(
    `ratio viewer/floor: p50 ×${(pct(dom, 50) / pct(floor, 50)).toFixed(2)}, p99 ×${(pct(dom, 99) / pct(floor, 99)).toFixed(2)}`,
  );
  console.log(
    `lost: ${printed - Math.min(seenAll, printed)} of ${printed} never shown (drawn live: ${live.seen}, after scrolling through: ${seenAll}); raw reader lost ${printed - rawSeen.size}`,
  );
  console.log(`goals: p50 ≤ 50 ms, p99 ≤ 250 ms, 0 lost`);
  console.log(
    `context: the viewer page drew ${fps.toFixed(0)} frames/s; load average ${load.toFixed(1)} on ${os.cpus().length} CPUs`,
  );

  // ---- 2. first screen of a finished 1 000 000-line log ----
  const bigInstance = await runTask(
    "big-log",
    "python",
    `import sys\nw = sys.stdout.write\nfor i in range(1, ${BIG_LINES} + 1): w('line %d of a big log, some text to make it look like output\\n' % i)`,
  );
  const smallInstance = await runTask(
    "small-log",
    "shell",
    "for i in $(seq 1 10); do echo line $i; done",
  );
  const t0 = Date.now();
  await waitFinal(bigInstance, 600_000);
  const bigRunMs = Date.now() - t0;
  await waitFinal(smallInstance, 60_000);

  const firstScreen = async (instanceId: string, lastText: string) => {
    const p = await context.newPage();
    await p.goto(`${base}/projects/${project.id}/instances/${instanceId}`);
    await p.getByTestId("task-node-t").waitFor();
    const start = Date.now();
    await p.getByTestId("task-node-t").click();
    await p.getByTestId("log-line").filter({ hasText: lastText }).waitFor({ timeout: 30_000 });
    const ms = Date.now() - start;
    // Jump to the middle: how long until those rows are drawn.
    const mid = Math.floor(Number(await p.getByTestId("log-view").getAttribute("data-total")) / 2);
    await p.getByRole("button", { name: "Follow tail" }).click();
    const t1 = Date.now();
    await p.getByTestId("log-lines").evaluate((el, row) => (el.scrollTop = row * 20), mid);
    await p
      .locator(`[data-line="${mid + 1}"]`)
      .filter({ hasText: "line" })
      .waitFor({ timeout: 30_000 });
    const jumpMs = Date.now() - t1;
    const heap = await p.evaluate(
      () =>
        (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory
          ?.usedJSHeapSize ?? NaN,
    );
    await p.close();
    return { ms, jumpMs, heapMb: heap / 2 ** 20 };
  };
  const runs = { big: [] as number[], bigJump: [] as number[], small: [] as number[], heap: 0 };
  for (let i = 0; i < 3; i++) {
    const s = await firstScreen(smallInstance, "line 10");
    runs.small.push(s.ms);
    const b = await firstScreen(bigInstance, `line ${BIG_LINES} of a big log`);
    runs.big.push(b.ms);
    runs.bigJump.push(b.jumpMs);
    runs.heap = b.heapMb;
  }
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  console.log(
    `\n== bench/logs: first screen of a finished log (median of 3; task wrote ${BIG_LINES} lines in ${(bigRunMs / 1000).toFixed(1)} s) ==`,
  );
  console.log(
    `10-line log (baseline):  click → last line drawn ${med(runs.small)} ms  (${runs.small.join(", ")})`,
  );
  console.log(
    `${BIG_LINES}-line log:     click → last line drawn ${med(runs.big)} ms  (${runs.big.join(", ")}); ratio ×${(med(runs.big) / med(runs.small)).toFixed(2)}`,
  );
  console.log(
    `${BIG_LINES}-line log:     jump to the middle → rows drawn ${med(runs.bigJump)} ms; JS heap ${runs.heap.toFixed(0)} MB`,
  );
  console.log(`goal: first screen ≤ 1000 ms`);
} finally {
  await cleanup();
}
