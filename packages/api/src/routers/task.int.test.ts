import { encodeLogLine } from "@shoal/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { taskLogDownload } from "../log-download";
import {
  adminCookie,
  createApiFixture,
  expectTRPCError,
  shellTask,
  type ApiFixture,
} from "../test-helpers";
import type { LogBatch } from "../services/task-logs";

let fx: ApiFixture;
let admin: string;
let projectId: string;
let instanceId: string;
let attempt1: string;
let attempt2: string;

const T = new Date("2026-01-02T03:04:05.678Z");
const line = (
  text: string,
  o: Parameters<typeof encodeLogLine>[0] extends infer P ? Partial<P> : never = {},
) => encodeLogLine({ time: T, text, ...o });
const numbered = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => line(`line ${from + i}`));

/** What the worker does: stream entries `n <first> d <lines>`, chunks in task_log, then `eof`. */
async function xadd(taskId: string, from: number, lines: string[]): Promise<string> {
  return (await fx.deps.redis.xadd(
    fx.deps.names.logStream(taskId),
    "*",
    "n",
    String(from),
    "d",
    lines.join("\n"),
  ))!;
}
async function eof(taskId: string, total: number) {
  await fx.deps.redis.xadd(fx.deps.names.logStream(taskId), "*", "eof", "1", "n", String(total));
}
async function persist(taskId: string, seq: number, firstLine: number, lines: string[]) {
  await fx.tdb.sql`insert into task_log (task_instance_id, seq, first_line, line_count, content)
    values (${taskId}, ${seq}, ${firstLine}, ${lines.length}, ${lines.join("\n")})`;
}
async function setState(taskId: string, state: string) {
  await fx.tdb.sql`update task_instance set state = ${state} where id = ${taskId}`;
}
async function newTask(code: string, state = "RUNNING"): Promise<string> {
  const [row] = await fx.tdb
    .sql`insert into task_instance (workflow_instance_id, project_id, task_code, task_name, task_type, attempt, state)
    values (${instanceId}, ${projectId}, ${code}, ${code}, 'shell', 1, ${state}) returning id`;
  return row!.id as string;
}

/** createCaller yields tracked envelopes `[id, data, symbol]`; clients see `{ id, data }`. */
const env = (e: unknown): { id: string; data: LogBatch } =>
  Array.isArray(e)
    ? { id: e[0] as string, data: e[1] as LogBatch }
    : (e as { id: string; data: LogBatch });

async function next(it: AsyncIterator<unknown>, ms = 5000) {
  let timer: NodeJS.Timeout | undefined;
  const res = await Promise.race([
    it.next(),
    new Promise<never>(
      (_, rej) => (timer = setTimeout(() => rej(new Error(`no batch within ${ms} ms`)), ms)),
    ),
  ]).finally(() => clearTimeout(timer));
  if (res.done) throw new Error("subscription ended");
  return env(res.value);
}

/** Lines as the viewer assembles them: placed by number from batches and pages. */
class Assembled {
  lines: (string | undefined)[] = [];
  total = 0;
  put(from: number, lines: string[]) {
    lines.forEach((l, i) => {
      expect(
        this.lines[from + i] === undefined || this.lines[from + i] === l,
        `line ${from + i} changed`,
      ).toBe(true);
      this.lines[from + i] = l;
    });
  }
}

beforeAll(async () => {
  fx = await createApiFixture("api_task_logs");
  admin = await adminCookie(fx);
  const api = fx.caller(admin).api;
  projectId = (await api.project.create({ name: "logs" })).id;
  const workflowId = (await api.workflow.create({ projectId, name: "etl" })).id;
  await api.workflow.save({
    projectId,
    workflowId,
    definition: { name: "etl", tasks: [shellTask("a")], edges: [] },
  });
  const [cmd] = await fx.tdb
    .sql`insert into command (type, project_id, workflow_id, workflow_version) values ('START', ${projectId}, ${workflowId}, 1) returning id`;
  const [inst] = await fx.tdb
    .sql`insert into workflow_instance (project_id, workflow_id, workflow_version, command_id, name, state)
    values (${projectId}, ${workflowId}, 1, ${cmd!.id as string}, 'etl-1', 'RUNNING') returning id`;
  instanceId = inst!.id as string;
  const rows = await fx.tdb
    .sql`insert into task_instance (workflow_instance_id, project_id, task_code, task_name, task_type, attempt, state, exit_code)
    values (${instanceId}, ${projectId}, 'a', 'a', 'shell', 1, 'FAILURE', 1), (${instanceId}, ${projectId}, 'a', 'a', 'shell', 2, 'RUNNING', null)
    returning id, attempt`;
  attempt1 = rows.find((r) => r.attempt === 1)!.id as string;
  attempt2 = rows.find((r) => r.attempt === 2)!.id as string;
});
afterAll(async () => {
  await fx?.close();
});

describe("live log", () => {
  it("tails the stream, resumes after a reconnect, and hands over to Postgres with no line twice or missing", async () => {
    const task = await newTask("live");
    const view = new Assembled();
    await xadd(task, 0, numbered(0, 3)); // written before the viewer opened

    const ac = new AbortController();
    const it = (
      await fx
        .caller(admin, { signal: ac.signal })
        .api.task.onLog({ projectId, taskInstanceId: task })
    )[Symbol.asyncIterator]();
    const first = await next(it);
    expect(first.data).toEqual({ fromLine: 3, lines: [], total: 3 });
    const page = await fx
      .caller(admin)
      .api.task.logPage({ projectId, taskInstanceId: task, fromLine: 0, count: 100 });
    expect(page).toEqual({ fromLine: 0, lines: numbered(0, 3), total: 3, final: false });
    view.put(page.fromLine, page.lines);

    await xadd(task, 3, numbered(3, 5));
    const b = await next(it);
    expect(b.data).toEqual({ fromLine: 3, lines: numbered(3, 5), total: 5 });
    view.put(b.data.fromLine, b.data.lines);
    ac.abort(); // the connection drops...

    await xadd(task, 5, numbered(5, 7)); // ...lines arrive meanwhile...
    await persist(task, 0, 0, numbered(0, 7));
    await xadd(task, 7, numbered(7, 9));
    await persist(task, 1, 7, numbered(7, 9));
    await eof(task, 9);
    await setState(task, "SUCCESS");

    // ...and the client resumes from the last id it saw.
    const resumed = [];
    for await (const e of await fx
      .caller(admin)
      .api.task.onLog({ projectId, taskInstanceId: task, lastEventId: b.id }))
      resumed.push(env(e));
    for (const r of resumed) view.put(r.data.fromLine, r.data.lines);
    expect(resumed.at(-1)!.data).toMatchObject({ done: true, total: 9 });
    expect(resumed.flatMap((r) => r.data.lines)).toEqual(numbered(5, 9));
    expect(view.lines).toEqual(numbered(0, 9));

    // Redis loses the stream: a fresh viewer gets the count and pages the same lines from Postgres.
    await fx.deps.redis.del(fx.deps.names.logStream(task));
    const fresh = [];
    for await (const e of await fx
      .caller(admin)
      .api.task.onLog({ projectId, taskInstanceId: task }))
      fresh.push(env(e));
    expect(fresh).toEqual([
      { id: "end:9", data: { fromLine: 9, lines: [], total: 9, done: true } },
    ]);
    const again = await fx
      .caller(admin)
      .api.task.logPage({ projectId, taskInstanceId: task, fromLine: 0, count: 5000 });
    expect(again).toEqual({ fromLine: 0, lines: numbered(0, 9), total: 9, final: true });
  });

  it("waits for a worker that has not written yet, and ends when the attempt ends without an eof", async () => {
    const task = await newTask("died");
    const it = (await fx.caller(admin).api.task.onLog({ projectId, taskInstanceId: task }))[
      Symbol.asyncIterator
    ]();
    expect((await next(it)).data).toEqual({ fromLine: 0, lines: [], total: 0 });
    const pending = next(it);
    await new Promise((r) => setTimeout(r, 200));
    await xadd(task, 0, numbered(0, 2));
    expect((await pending).data).toEqual({ fromLine: 0, lines: numbered(0, 2), total: 2 });
    await setState(task, "FAILURE"); // the worker died: failover failed the attempt, no eof comes
    expect((await next(it, 20_000)).data).toEqual({ fromLine: 2, lines: [], total: 2, done: true });
  }, 30_000);

  it("stops promptly when the client goes away", async () => {
    const task = await newTask("gone");
    const ac = new AbortController();
    const it = (
      await fx
        .caller(admin, { signal: ac.signal })
        .api.task.onLog({ projectId, taskInstanceId: task })
    )[Symbol.asyncIterator]();
    await next(it);
    const pending = it.next();
    await new Promise((r) => setTimeout(r, 200));
    const t0 = Date.now();
    ac.abort();
    expect((await pending).done).toBe(true);
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});

describe("log pages", () => {
  it("pages across chunks, then into the not yet persisted stream tail", async () => {
    const task = await newTask("pages");
    await persist(task, 0, 0, numbered(0, 2000));
    await persist(task, 1, 2000, numbered(2000, 4000));
    await xadd(task, 0, numbered(0, 4000));
    await xadd(task, 4000, numbered(4000, 4300)); // not persisted yet
    const page = (fromLine: number, count: number) =>
      fx.caller(admin).api.task.logPage({ projectId, taskInstanceId: task, fromLine, count });
    expect(await page(1990, 20)).toEqual({
      fromLine: 1990,
      lines: numbered(1990, 2010),
      total: 4300,
      final: false,
    });
    expect((await page(3900, 200)).lines).toEqual(numbered(3900, 4100));
    expect((await page(4250, 1000)).lines).toEqual(numbered(4250, 4300));
    expect((await page(9000, 10)).lines).toEqual([]);
    // No fromLine: the last lines, for a first screen in one call.
    expect(
      await fx.caller(admin).api.task.logPage({ projectId, taskInstanceId: task, count: 500 }),
    ).toEqual({
      fromLine: 3800,
      lines: numbered(3800, 4300),
      total: 4300,
      final: false,
    });
    await expectTRPCError(page(0, 0), "BAD_REQUEST");
    await expectTRPCError(page(-1, 10), "BAD_REQUEST");
  });

  it("a million-line finished log gives its first page without reading the rest", async () => {
    const task = await newTask("big", "SUCCESS");
    const content = (from: number) =>
      Array.from({ length: 2000 }, (_, i) => line(`row ${from + i} ${"z".repeat(40)}`)).join("\n");
    await fx.tdb.sql`insert into task_log (task_instance_id, seq, first_line, line_count, content)
      select ${task}, s, s * 2000, 2000, ${content(0)} from generate_series(0, 499) s`;
    const t0 = performance.now();
    const res = await fx
      .caller(admin)
      .api.task.logPage({ projectId, taskInstanceId: task, fromLine: 999_900, count: 100 });
    const ms = performance.now() - t0;
    expect(res.total).toBe(1_000_000);
    expect(res.final).toBe(true);
    expect(res.lines).toHaveLength(100);
    expect(res.lines[0]).toContain("row 1900 "); // chunk 499's content is chunk 0's: its line 1900
    console.log(`logPage at line 999 900 of 1 000 000: ${ms.toFixed(1)} ms`);
  });
});

describe("search", () => {
  it("finds lines by text, case-insensitively, in Postgres and the live tail, never by time stamp", async () => {
    const task = await newTask("search");
    const lines = [
      line("starting"),
      line("Processing ERROR in step 1"),
      line("ok"),
      line("100%_done"),
      line("Traceback (most recent call last):", { stderr: true }),
    ];
    await persist(task, 0, 0, lines.slice(0, 3));
    await xadd(task, 0, lines.slice(0, 3));
    await xadd(task, 3, lines.slice(3));
    const search = (terms: string[], extra: { fromLine?: number; limit?: number } = {}) =>
      fx.caller(admin).api.task.logSearch({ projectId, taskInstanceId: task, terms, ...extra });
    expect(await search(["error"])).toEqual({ matches: [1], truncated: false });
    expect(await search(["error", "exception", "traceback", "failed"])).toEqual({
      matches: [1, 4],
      truncated: false,
    });
    expect(await search(["error", "traceback"], { fromLine: 2 })).toEqual({
      matches: [4],
      truncated: false,
    });
    expect(await search(["%_"])).toEqual({ matches: [3], truncated: false }); // LIKE wildcards are literal
    expect(await search(["2026-01-02"])).toEqual({ matches: [], truncated: false });
    expect(await search(["o"], { limit: 2 })).toEqual({ matches: [1, 2], truncated: true });
    await expectTRPCError(search([]), "BAD_REQUEST");
  });
});

describe("attempts and access", () => {
  it("lists every attempt of the task, oldest first", async () => {
    const res = await fx.caller(admin).api.task.attempts({ projectId, taskInstanceId: attempt2 });
    expect(res.map((a) => [a.id, a.attempt, a.state, a.exitCode])).toEqual([
      [attempt1, 1, "FAILURE", 1],
      [attempt2, 2, "RUNNING", null],
    ]);
  });

  it("a non-member can neither read nor download a log", async () => {
    const stranger = await fx.userCookie("eve");
    const api = fx.caller(stranger).api;
    await expectTRPCError(
      api.task.logPage({ projectId, taskInstanceId: attempt1, fromLine: 0, count: 10 }),
      "FORBIDDEN",
    );
    await expectTRPCError(
      api.task.logSearch({ projectId, taskInstanceId: attempt1, terms: ["x"] }),
      "FORBIDDEN",
    );
    await expectTRPCError(api.task.attempts({ projectId, taskInstanceId: attempt1 }), "FORBIDDEN");
    await expectTRPCError(api.task.onLog({ projectId, taskInstanceId: attempt1 }), "FORBIDDEN");
    const url = `http://localhost/api/logs/${attempt1}?projectId=${projectId}`;
    expect(
      (
        await taskLogDownload(
          fx.deps,
          new Request(url, { headers: { cookie: stranger } }),
          attempt1,
        )
      ).status,
    ).toBe(403);
    expect((await taskLogDownload(fx.deps, new Request(url), attempt1)).status).toBe(401);
  });
});

describe("download", () => {
  it("streams exactly what the task wrote: no time stamps, no Shoal lines, long lines rejoined", async () => {
    const task = await newTask("dl");
    await fx.tdb.sql`update task_instance set task_name = ${"nightly load / ü"} where id = ${task}`;
    const stored = [
      line("héllo \x1b[32mgreen\x1b[0m ✓\r"),
      line("nul\0here \\0"),
      line("part one ", { end: "continued" }),
      line("to stderr", { stderr: true }),
      line("and part two"),
      line("[shoal] exit code 0", { system: true }),
      line("no newline at the end", { end: "none" }),
    ];
    await persist(task, 0, 0, stored.slice(0, 4));
    await xadd(task, 0, stored.slice(0, 4));
    await xadd(task, 4, stored.slice(4)); // still running: the tail is only in Redis
    const url = `http://localhost/api/logs/${task}?projectId=${projectId}`;
    const res = await taskLogDownload(
      fx.deps,
      new Request(url, { headers: { cookie: admin } }),
      task,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="nightly_load_-attempt-1.log"; filename*=UTF-8''nightly%20load%20_%20%C3%BC-attempt-1.log`,
    );
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(
      bytes.equals(
        Buffer.from(
          "héllo \x1b[32mgreen\x1b[0m ✓\r\nnul\0here \\0\npart one to stderr\nand part two\nno newline at the end",
        ),
      ),
    ).toBe(true);

    const bad = await taskLogDownload(
      fx.deps,
      new Request(`http://localhost/api/logs/x?projectId=nope`, { headers: { cookie: admin } }),
      "x",
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toBe("invalid projectId, taskInstanceId\n");
  });
});
