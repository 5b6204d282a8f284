import { and, asc, eq, gt, ilike, or, sql } from "drizzle-orm";
import { tracked, type TrackedEnvelope } from "@trpc/server";
import { decodeLogLine, isTaskFinal, rawLogText } from "@shoal/core";
import { taskInstance, taskLog, type Db } from "@shoal/db";
import type { Redis } from "ioredis";
import type { ApiDeps } from "../deps";
import { NotFoundError } from "../errors";

/*
 * A task attempt's log is a sequence of stored lines (`encodeLogLine` in @shoal/core), numbered from 0.
 * The worker appends them to a Redis stream (entries `n <first line number> d <lines>`, then
 * `eof 1 n <count>`) and persists them to Postgres `task_log` in chunks (`first_line`, `line_count`).
 * Because every line has a number, the viewer can take lines from either source in any order and
 * place them: the live tail and the persisted log can never duplicate or skip a line.
 */

/**
 * One batch of the live log: `lines` are lines `fromLine…`; `total` is how many lines the log has at
 * least (lines before `fromLine` the client lacks are fetched with `task.logPage`). `done` marks the
 * last batch: `total` is then the final count.
 */
export interface LogBatch {
  fromLine: number;
  lines: string[];
  total: number;
  done?: boolean;
}

const BLOCK_MS = 5000;
const XREAD_COUNT = 200;
/** Empty reads tolerated after the attempt became final without an eof entry (worker died). */
const MAX_IDLE_READS_WHEN_FINAL = 2;
/** Chunks read per query by search and download (each chunk ≤ 2000 lines, ~1 MB). */
const CHUNK_BATCH = 16;

type StreamEntry = [id: string, fields: string[]];

function field(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

/** A stream entry's lines and the number of its first line (`eof` entries: no lines, `n` = count). */
function parseEntry(fields: string[]): { from: number; lines: string[]; eof: boolean } {
  const from = Number(field(fields, "n") ?? 0);
  const d = field(fields, "d");
  return { from, lines: d === undefined ? [] : d.split("\n"), eof: field(fields, "eof") === "1" };
}

async function loadTask(db: Db, projectId: string, taskInstanceId: string) {
  const [row] = await db
    .select({
      id: taskInstance.id,
      state: taskInstance.state,
      workflowInstanceId: taskInstance.workflowInstanceId,
      taskCode: taskInstance.taskCode,
      taskName: taskInstance.taskName,
      attempt: taskInstance.attempt,
    })
    .from(taskInstance)
    .where(and(eq(taskInstance.id, taskInstanceId), eq(taskInstance.projectId, projectId)));
  if (!row) throw new NotFoundError(`task instance ${taskInstanceId}`);
  return row;
}

/** Lines persisted so far (chunks are contiguous from line 0). */
async function persistedTotal(db: Db, taskInstanceId: string): Promise<number> {
  const [row] = await db
    .select({
      total: sql<number>`coalesce(max(${taskLog.firstLine} + ${taskLog.lineCount}), 0)::int`,
    })
    .from(taskLog)
    .where(eq(taskLog.taskInstanceId, taskInstanceId));
  return row?.total ?? 0;
}

/** The stream's last entry: its id, the line count it implies, and whether it is the eof mark. */
async function streamTail(
  redis: Redis,
  key: string,
): Promise<{ id: string | null; total: number; complete: boolean }> {
  const [last] = (await redis.xrevrange(key, "+", "-", "COUNT", 1)) as StreamEntry[];
  if (!last) return { id: null, total: 0, complete: false };
  const e = parseEntry(last[1]);
  return { id: last[0], total: e.from + e.lines.length, complete: e.eof };
}

/** Stream lines numbered `from` and up (the stream is read backwards until it reaches `from`). */
async function streamLinesFrom(
  redis: Redis,
  key: string,
  from: number,
  max: number,
): Promise<{ from: number; lines: string[] }> {
  const entries: { from: number; lines: string[] }[] = [];
  let end = "+";
  for (;;) {
    const batch = (await redis.xrevrange(key, end, "-", "COUNT", 50)) as StreamEntry[];
    for (const [, fields] of batch) {
      const e = parseEntry(fields);
      if (e.lines.length) entries.push(e);
    }
    const oldest = entries.at(-1);
    if (batch.length < 50 || (oldest && oldest.from <= from)) break;
    end = `(${batch.at(-1)![0]}`;
  }
  entries.reverse();
  const lines: string[] = [];
  let next = from;
  for (const e of entries) {
    if (e.from > next) break; // a gap (stream flushed mid-run): stop at contiguous lines
    const skip = next - e.from;
    if (skip >= e.lines.length) continue;
    for (let i = skip; i < e.lines.length && lines.length < max; i++) lines.push(e.lines[i]!);
    next = from + lines.length;
    if (lines.length >= max) break;
  }
  return { from, lines };
}

const endBatch = (total: number) =>
  tracked(`end:${total}`, { fromLine: total, lines: [], total, done: true } satisfies LogBatch);

/**
 * Live log of a task attempt. A finished attempt whose stream is gone or complete gets one `done`
 * batch with its line count (the client pages the lines). Otherwise the first batch announces how
 * many lines exist so far and the Redis stream is tailed from there (or from `lastEventId`, a stream
 * entry id, after a reconnect) with a blocking XREAD on a connection of its own until the eof entry.
 */
export async function* tailTaskLog(
  deps: ApiDeps,
  input: { projectId: string; taskInstanceId: string; lastEventId?: string | null },
  signal: AbortSignal | undefined,
): AsyncGenerator<TrackedEnvelope<LogBatch>, void, unknown> {
  const task = await loadTask(deps.db, input.projectId, input.taskInstanceId);
  const key = deps.names.logStream(task.id);
  const last = input.lastEventId ?? null;
  if (last?.startsWith("end:")) {
    yield endBatch(Number(last.slice(4)) || 0);
    return;
  }

  let cursor = last ?? "0";
  let total = 0;
  if (last === null) {
    const tail = await streamTail(deps.redis, key);
    const persisted = await persistedTotal(deps.db, task.id);
    if (tail.complete || (tail.id === null && isTaskFinal(task.state))) {
      yield endBatch(Math.max(tail.total, persisted));
      return;
    }
    cursor = tail.id ?? "0";
    total = Math.max(tail.total, persisted);
    yield tracked(cursor, { fromLine: total, lines: [], total } satisfies LogBatch);
  }

  const reader = deps.redis.duplicate();
  reader.on("error", () => {});
  const abort = () => reader.disconnect();
  signal?.addEventListener("abort", abort);
  try {
    let idleWhenFinal = 0;
    while (!signal?.aborted) {
      let res: [string, StreamEntry[]][] | null;
      try {
        res = await reader.xread("COUNT", XREAD_COUNT, "BLOCK", BLOCK_MS, "STREAMS", key, cursor);
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
        const tail = await streamTail(deps.redis, key);
        if (tail.id === null || ++idleWhenFinal > MAX_IDLE_READS_WHEN_FINAL) {
          yield endBatch(Math.max(total, tail.total, await persistedTotal(deps.db, task.id)));
          return;
        }
        continue;
      }
      idleWhenFinal = 0;
      // One batch per contiguous run of lines; the tracked id is the last entry it includes.
      let batch: LogBatch | null = null;
      for (const [id, fields] of entries) {
        const e = parseEntry(fields);
        if (e.eof) {
          if (batch) yield tracked(cursor, batch);
          yield endBatch(Math.max(e.from, total));
          return;
        }
        if (batch && e.from !== batch.fromLine + batch.lines.length) {
          yield tracked(cursor, batch);
          batch = null;
        }
        batch ??= { fromLine: e.from, lines: [], total: 0 };
        for (const l of e.lines) batch.lines.push(l);
        total = Math.max(total, e.from + e.lines.length);
        batch.total = total;
        cursor = id;
      }
      if (batch) yield tracked(cursor, batch);
    }
  } finally {
    signal?.removeEventListener("abort", abort);
    reader.disconnect();
  }
}

/**
 * Lines `fromLine…` (at most `count`) of an attempt's log, from Postgres and, for lines not persisted
 * yet, the live stream; without `fromLine`, the last `count` lines (a viewer's first screen in one
 * call). `total` is the line count known now; `final` says it will not grow.
 */
export async function readLogPage(
  deps: ApiDeps,
  input: { projectId: string; taskInstanceId: string; fromLine?: number; count: number },
) {
  const task = await loadTask(deps.db, input.projectId, input.taskInstanceId);
  const key = deps.names.logStream(task.id);
  const [persisted, tail] = await Promise.all([
    persistedTotal(deps.db, task.id),
    streamTail(deps.redis, key),
  ]);
  const known = Math.max(persisted, tail.total);
  const from = input.fromLine ?? Math.max(0, known - input.count);
  const to = from + input.count;
  const chunks =
    from < persisted
      ? await deps.db
          .select({ firstLine: taskLog.firstLine, content: taskLog.content })
          .from(taskLog)
          .where(
            and(
              eq(taskLog.taskInstanceId, task.id),
              sql`${taskLog.firstLine} < ${to}`,
              sql`${taskLog.firstLine} + ${taskLog.lineCount} > ${from}`,
            ),
          )
          .orderBy(asc(taskLog.seq))
      : [];
  const lines: string[] = [];
  for (const c of chunks) {
    if (c.firstLine > from + lines.length) break; // chunks are contiguous: never happens
    const all = c.content.split("\n");
    const end = Math.min(all.length, to - c.firstLine);
    for (let i = from + lines.length - c.firstLine; i < end; i++) lines.push(all[i]!);
  }
  if (lines.length < input.count && tail.total > from + lines.length) {
    const more = await streamLinesFrom(
      deps.redis,
      key,
      from + lines.length,
      input.count - lines.length,
    );
    lines.push(...more.lines);
  }
  const final = isTaskFinal(task.state) && (tail.complete || tail.id === null);
  return { fromLine: from, lines, total: Math.max(known, from + lines.length), final };
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Lines whose text contains any of `terms` (case-insensitive), in order, from `fromLine` on; at most
 * `limit` of them (`truncated` says there are more). Postgres picks the chunks that may match, the
 * lines' text (not their time stamps) is checked here.
 */
export async function searchTaskLog(
  deps: ApiDeps,
  input: {
    projectId: string;
    taskInstanceId: string;
    terms: string[];
    fromLine: number;
    limit: number;
  },
) {
  const task = await loadTask(deps.db, input.projectId, input.taskInstanceId);
  const terms = input.terms.map((t) => t.toLowerCase());
  const matches: number[] = [];
  const test = (line: string, n: number): boolean => {
    if (n < input.fromLine) return true;
    const text = decodeLogLine(line).text.toLowerCase();
    if (terms.some((t) => text.includes(t))) matches.push(n);
    return matches.length <= input.limit;
  };
  let seq = -1;
  scan: for (;;) {
    const chunks = await deps.db
      .select({
        seq: taskLog.seq,
        firstLine: taskLog.firstLine,
        lineCount: taskLog.lineCount,
        content: taskLog.content,
      })
      .from(taskLog)
      .where(
        and(
          eq(taskLog.taskInstanceId, task.id),
          gt(taskLog.seq, seq),
          sql`${taskLog.firstLine} + ${taskLog.lineCount} > ${input.fromLine}`,
          or(...input.terms.map((t) => ilike(taskLog.content, `%${escapeLike(t)}%`))),
        ),
      )
      .orderBy(asc(taskLog.seq))
      .limit(CHUNK_BATCH);
    for (const c of chunks) {
      seq = c.seq;
      const lines = c.content.split("\n");
      for (let i = 0; i < lines.length; i++) if (!test(lines[i]!, c.firstLine + i)) break scan;
    }
    if (chunks.length < CHUNK_BATCH) break;
  }
  if (matches.length <= input.limit) {
    const persisted = await persistedTotal(deps.db, task.id);
    const rest = await streamLinesFrom(
      deps.redis,
      deps.names.logStream(task.id),
      Math.max(persisted, input.fromLine),
      1_000_000,
    );
    for (let i = 0; i < rest.lines.length; i++) if (!test(rest.lines[i]!, rest.from + i)) break;
  }
  const truncated = matches.length > input.limit;
  return { matches: matches.slice(0, input.limit), truncated };
}

/** Every attempt of the same task in the same workflow instance, oldest first. */
export async function listAttempts(
  deps: ApiDeps,
  input: { projectId: string; taskInstanceId: string },
) {
  const task = await loadTask(deps.db, input.projectId, input.taskInstanceId);
  return deps.db
    .select({
      id: taskInstance.id,
      attempt: taskInstance.attempt,
      generation: taskInstance.generation,
      state: taskInstance.state,
      host: taskInstance.host,
      exitCode: taskInstance.exitCode,
      startTime: taskInstance.startTime,
      endTime: taskInstance.endTime,
    })
    .from(taskInstance)
    .where(
      and(
        eq(taskInstance.workflowInstanceId, task.workflowInstanceId),
        eq(taskInstance.taskCode, task.taskCode),
      ),
    )
    .orderBy(asc(taskInstance.attempt));
}

/**
 * What the task wrote to stdout and stderr, as text pieces in order (Shoal's own lines and the time
 * stamps left out): the persisted chunks, then what only the live stream holds yet.
 */
export async function* rawTaskLogText(
  deps: ApiDeps,
  taskInstanceId: string,
): AsyncGenerator<string, void, unknown> {
  let seq = -1;
  let persisted = 0;
  for (;;) {
    const chunks = await deps.db
      .select({
        seq: taskLog.seq,
        firstLine: taskLog.firstLine,
        lineCount: taskLog.lineCount,
        content: taskLog.content,
      })
      .from(taskLog)
      .where(and(eq(taskLog.taskInstanceId, taskInstanceId), gt(taskLog.seq, seq)))
      .orderBy(asc(taskLog.seq))
      .limit(CHUNK_BATCH);
    for (const c of chunks) {
      seq = c.seq;
      persisted = c.firstLine + c.lineCount;
      let out = "";
      for (const line of c.content.split("\n")) out += rawLogText(line) ?? "";
      if (out) yield out;
    }
    if (chunks.length < CHUNK_BATCH) break;
  }
  const rest = await streamLinesFrom(
    deps.redis,
    deps.names.logStream(taskInstanceId),
    persisted,
    10_000_000,
  );
  let out = "";
  for (const line of rest.lines) out += rawLogText(line) ?? "";
  if (out) yield out;
}

/** The task attempt behind a download, checked against the project the caller may read. */
export async function taskForDownload(
  deps: ApiDeps,
  input: { projectId: string; taskInstanceId: string },
) {
  const task = await loadTask(deps.db, input.projectId, input.taskInstanceId);
  return { id: task.id, taskName: task.taskName, attempt: task.attempt };
}

/** The project a task attempt belongs to (for callers that only know the attempt). */
export async function projectOfTask(db: Db, taskInstanceId: string): Promise<string> {
  const [row] = await db
    .select({ projectId: taskInstance.projectId })
    .from(taskInstance)
    .where(eq(taskInstance.id, taskInstanceId));
  if (!row) throw new NotFoundError(`task instance ${taskInstanceId}`);
  return row.projectId;
}
