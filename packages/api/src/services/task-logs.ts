import { and, asc, eq, gt } from "drizzle-orm";
import { tracked, type TrackedEnvelope } from "@trpc/server";
import { isTaskFinal } from "@shoal/core";
import { taskInstance, taskLog, type Db } from "@shoal/db";
import type { Redis } from "ioredis";
import type { ApiDeps } from "../deps";
import { NotFoundError } from "../errors";

/**
 * One batch of log lines. Each line is `<ISO-8601 timestamp>\t<text>`. `done` marks the last batch;
 * `reset` (only after a resume whose stream had expired) tells the client to drop what it shows and
 * take the persisted log that follows from the start.
 */
export interface LogBatch {
  lines: string[];
  done?: boolean;
  reset?: boolean;
}

const BLOCK_MS = 5000;
const COUNT = 1000;
/** Empty reads tolerated after the attempt became final without an eof entry (worker died). */
const MAX_IDLE_READS_WHEN_FINAL = 2;

async function loadTask(db: Db, projectId: string, taskInstanceId: string) {
  const [row] = await db
    .select({ id: taskInstance.id, state: taskInstance.state })
    .from(taskInstance)
    .where(and(eq(taskInstance.id, taskInstanceId), eq(taskInstance.projectId, projectId)));
  if (!row) throw new NotFoundError(`task instance ${taskInstanceId}`);
  return row;
}

function splitLines(text: string): string[] {
  if (text === "") return [];
  return (text.endsWith("\n") ? text.slice(0, -1) : text).split("\n");
}

type StreamEntry = [id: string, fields: string[]];

function field(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

/** "missing", "complete" (has its eof entry) or "open". */
async function streamState(redis: Redis, key: string): Promise<"missing" | "complete" | "open"> {
  const last = (await redis.xrevrange(key, "+", "-", "COUNT", 1)) as StreamEntry[];
  if (last.length === 0) return "missing";
  return field(last[0]![1], "eof") === "1" ? "complete" : "open";
}

/**
 * Live log of a task attempt. Finished attempts whose stream is gone or complete are served from the
 * persisted chunks (`pg:<seq>` ids); otherwise the Redis stream is tailed from `lastEventId` with a
 * blocking XREAD on a connection of its own until the eof entry.
 */
export async function* tailTaskLog(
  deps: ApiDeps,
  input: { projectId: string; taskInstanceId: string; lastEventId?: string | null },
  signal: AbortSignal | undefined,
): AsyncGenerator<TrackedEnvelope<LogBatch>, void, unknown> {
  const task = await loadTask(deps.db, input.projectId, input.taskInstanceId);
  const key = deps.names.logStream(task.id);
  const last = input.lastEventId ?? null;
  const pgResume = last?.startsWith("pg:") ? Number(last.slice(3)) : null;

  if (last === null || pgResume !== null) {
    if (isTaskFinal(task.state) && (await streamState(deps.redis, key)) !== "open") {
      yield* servePersisted(deps.db, task.id, pgResume ?? -1, false);
      return;
    }
  }

  const reader = deps.redis.duplicate();
  reader.on("error", () => {});
  const abort = () => reader.disconnect();
  signal?.addEventListener("abort", abort);
  try {
    let cursor = pgResume === null && last !== null ? last : "0";
    let idleWhenFinal = 0;
    while (!signal?.aborted) {
      let res: [string, StreamEntry[]][] | null;
      try {
        res = await reader.xread("COUNT", COUNT, "BLOCK", BLOCK_MS, "STREAMS", key, cursor);
      } catch (err) {
        if (signal?.aborted) return;
        throw err;
      }
      const entries = res?.[0]?.[1] ?? [];
      if (entries.length === 0) {
        // Nothing new: the worker may not have started, or it died before writing eof.
        const now = await loadTask(deps.db, input.projectId, task.id);
        if (!isTaskFinal(now.state)) {
          idleWhenFinal = 0;
          continue;
        }
        const state = await streamState(deps.redis, key);
        if (state === "missing" && cursor !== "0") {
          // The stream expired while we were away: start over from the persisted log.
          yield* servePersisted(deps.db, task.id, -1, true);
          return;
        }
        if (state === "missing" || ++idleWhenFinal > MAX_IDLE_READS_WHEN_FINAL) {
          yield tracked(cursor === "0" ? "pg:-1" : cursor, { lines: [], done: true } satisfies LogBatch);
          return;
        }
        continue;
      }
      idleWhenFinal = 0;
      const lines: string[] = [];
      let done = false;
      for (const [id, fields] of entries) {
        cursor = id;
        const d = field(fields, "d");
        if (d !== undefined) lines.push(...splitLines(d));
        if (field(fields, "eof") === "1") {
          done = true;
          break;
        }
      }
      const batch: LogBatch = done ? { lines, done: true } : { lines };
      yield tracked(cursor, batch);
      if (done) return;
    }
  } finally {
    signal?.removeEventListener("abort", abort);
    reader.disconnect();
  }
}

async function* servePersisted(
  db: Db,
  taskInstanceId: string,
  afterSeq: number,
  reset: boolean,
): AsyncGenerator<TrackedEnvelope<LogBatch>, void, unknown> {
  const chunks = await db
    .select({ seq: taskLog.seq, content: taskLog.content })
    .from(taskLog)
    .where(and(eq(taskLog.taskInstanceId, taskInstanceId), gt(taskLog.seq, afterSeq)))
    .orderBy(asc(taskLog.seq));
  let lastSeq = afterSeq;
  for (const [i, chunk] of chunks.entries()) {
    lastSeq = chunk.seq;
    const batch: LogBatch = { lines: splitLines(chunk.content) };
    if (reset && i === 0) batch.reset = true;
    if (i === chunks.length - 1) batch.done = true;
    yield tracked(`pg:${chunk.seq}`, batch);
  }
  if (chunks.length === 0) yield tracked(`pg:${lastSeq}`, { lines: [], done: true, ...(reset ? { reset } : {}) } satisfies LogBatch);
}

/**
 * The whole log of an attempt as text, for download: the persisted chunks, or (while it runs and
 * nothing is persisted yet) what the live stream holds.
 */
export async function readTaskLog(deps: ApiDeps, input: { projectId: string; taskInstanceId: string }) {
  const task = await loadTask(deps.db, input.projectId, input.taskInstanceId);
  const chunks = await deps.db
    .select({ content: taskLog.content })
    .from(taskLog)
    .where(eq(taskLog.taskInstanceId, task.id))
    .orderBy(asc(taskLog.seq));
  if (chunks.length > 0) {
    const lines = chunks.flatMap((c) => splitLines(c.content));
    return { taskInstanceId: task.id, state: task.state, source: "db" as const, text: lines.length ? lines.join("\n") + "\n" : "" };
  }
  const entries = (await deps.redis.xrange(deps.names.logStream(task.id), "-", "+")) as StreamEntry[];
  const lines = entries.flatMap(([, f]) => splitLines(field(f, "d") ?? ""));
  return {
    taskInstanceId: task.id,
    state: task.state,
    source: entries.length > 0 ? ("stream" as const) : ("none" as const),
    text: lines.length ? lines.join("\n") + "\n" : "",
  };
}
