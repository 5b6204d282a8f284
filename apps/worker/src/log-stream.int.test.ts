import { spawn } from "node:child_process";
import { asc, eq } from "drizzle-orm";
import { MAX_LOG_LINE, rawLogText } from "@shoal/core";
import { taskInstance, taskLog, workflowInstance } from "@shoal/db";
import {
  createTestDatabase,
  insertStartCommand,
  seedWorkflow,
  testRedisUrl,
  uniquePrefix,
  type TestDatabase,
} from "@shoal/db/testing";
import { createRedis, type Redis } from "@shoal/protocol/bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LineSplitter, LogStream } from "./log-stream";

let tdb: TestDatabase;
let redis: Redis;
const prefix = uniquePrefix("logstream");
let n = 0;

beforeAll(async () => {
  tdb = await createTestDatabase("worker_logstream");
  redis = createRedis(testRedisUrl());
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  await tdb?.drop();
});

async function newAttempt(): Promise<string> {
  const ids = await seedWorkflow(tdb.db, { name: `w${n++}`, tasks: [], edges: [] } as never);
  const commandId = await insertStartCommand(tdb.db, ids);
  const [wi] = await tdb.db
    .insert(workflowInstance)
    .values({
      projectId: ids.projectId,
      workflowId: ids.workflowId,
      workflowVersion: 1,
      commandId,
      name: "i",
      state: "RUNNING",
    })
    .returning({ id: workflowInstance.id });
  const [ti] = await tdb.db
    .insert(taskInstance)
    .values({
      workflowInstanceId: wi!.id,
      projectId: ids.projectId,
      taskCode: "t",
      taskName: "t",
      taskType: "shell",
      attempt: 1,
      state: "RUNNING",
    })
    .returning({ id: taskInstance.id });
  return ti!.id;
}

/** Runs python printing `script`'s bytes, through the splitter into a LogStream, like the shell executor. */
async function logProcess(taskInstanceId: string, script: string): Promise<string> {
  const key = `${prefix}:log:${taskInstanceId}`;
  const logs = new LogStream(redis, tdb.db, key, taskInstanceId);
  const child = spawn("python3", ["-c", script], { stdio: ["ignore", "pipe", "pipe"] });
  const ends = ([child.stdout, child.stderr] as const).map((stream, fd) => {
    const lines = new LineSplitter((text, end) => logs.line(text, { stderr: fd === 1, end }));
    stream.setEncoding("utf8");
    stream.on("data", (d: string) => lines.push(d));
    return () => lines.end();
  });
  await new Promise((r) => child.on("close", r));
  for (const end of ends) end();
  logs.system("[shoal] exit code 0");
  await logs.finish();
  return key;
}

async function persistedRaw(taskInstanceId: string): Promise<{ raw: string; lines: string[] }> {
  const chunks = await tdb.db
    .select()
    .from(taskLog)
    .where(eq(taskLog.taskInstanceId, taskInstanceId))
    .orderBy(asc(taskLog.seq));
  let next = 0;
  const lines: string[] = [];
  for (const c of chunks) {
    expect(c.firstLine).toBe(next); // contiguous numbering
    const part = c.content.split("\n");
    expect(part).toHaveLength(c.lineCount);
    lines.push(...part);
    next += c.lineCount;
  }
  return { raw: lines.map((l) => rawLogText(l) ?? "").join(""), lines };
}

describe("LogStream", () => {
  it("round-trips what a process printed byte for byte through Postgres", async () => {
    const id = await newAttempt();
    // Multi-byte characters cut across pipe reads, CRLF, a tab, ANSI colours, NUL, backslashes,
    // a line longer than the longest stored line ending in an emoji, and no final newline.
    const script = String.raw`
import sys, time
out = sys.stdout.buffer
text = "héllo wörld ✓ 日本語 \x1b[31mred\x1b[0m\r\ntab\there\nnul\x00byte \\0 back\\slash\n"
data = text.encode()
for i in range(len(data)):
    out.write(data[i:i+1]); out.flush()
long = ("x" * (${MAX_LOG_LINE} - 1) + "😀") * 3
out.write((long + "\n").encode()); out.flush()
sys.stderr.buffer.write("to stderr\n".encode()); sys.stderr.flush()
time.sleep(0.05)
out.write("last line without newline ✓".encode())
`;
    const expected =
      "héllo wörld ✓ 日本語 \x1b[31mred\x1b[0m\r\ntab\there\nnul\0byte \\0 back\\slash\n" +
      ("x".repeat(MAX_LOG_LINE - 1) + "😀").repeat(3) +
      "\nto stderr\nlast line without newline ✓";
    const key = await logProcess(id, script);
    const { raw, lines } = await persistedRaw(id);
    expect(raw).toBe(expected);
    expect(lines.every((l) => l.length <= MAX_LOG_LINE + 32)).toBe(true);
    expect(lines.at(-1)).toMatch(/^\S{24}s\t\[shoal\] exit code 0$/);

    // The live stream holds the same lines, numbered, and ends with eof + the count.
    const entries = (await redis.xrange(key, "-", "+")) as [string, string[]][];
    const streamed: string[] = [];
    for (const [, f] of entries) {
      const get = (name: string) => f[f.indexOf(name) + 1];
      if (f.includes("eof")) expect(Number(get("n"))).toBe(lines.length);
      else {
        expect(Number(get("n"))).toBe(streamed.length);
        streamed.push(...get("d")!.split("\n"));
      }
    }
    expect(streamed).toEqual(lines);
    expect(await redis.ttl(key)).toBeGreaterThan(0);
  });

  it("keeps a message of several lines as several numbered lines", async () => {
    const id = await newAttempt();
    const key = `${prefix}:log:${id}`;
    const logs = new LogStream(redis, tdb.db, key, id);
    logs.line('HTTP 200\n{\n  "ok": true\n}');
    logs.line("done", { end: "none" });
    await logs.finish();
    const { raw, lines } = await persistedRaw(id);
    expect(lines).toHaveLength(5);
    expect(raw).toBe('HTTP 200\n{\n  "ok": true\n}\ndone');
  });

  it("persists a big log in chunks as it grows and never holds a newline-less flood in memory", async () => {
    const id = await newAttempt();
    await logProcess(
      id,
      `import sys\nfor i in range(5000): print("line", i)\nsys.stdout.write("y" * 300000)`,
    );
    const { raw } = await persistedRaw(id);
    const [{ count }] =
      (await tdb.sql`select count(*)::int as count from task_log where task_instance_id = ${id}`) as unknown as [
        { count: number },
      ];
    expect(count).toBeGreaterThanOrEqual(3);
    expect(raw).toBe(
      Array.from({ length: 5000 }, (_, i) => `line ${i}\n`).join("") + "y".repeat(300000),
    );
  });
});
