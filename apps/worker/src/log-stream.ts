import { encodeLogLine, MAX_LOG_LINE, safeCut, type LineEnd } from "@shoal/core";
import { taskLog, type Db } from "@shoal/db";
import type { Redis } from "@shoal/protocol/bullmq";

const FLUSH_MS = 15;
const FLUSH_LINES = 500;
/** A persisted chunk holds at most this many lines or (about) this many characters. */
const CHUNK_LINES = 2000;
const CHUNK_CHARS = 1_000_000;
/** How long a finished attempt's live stream lingers for late viewers (Postgres has it anyway). */
const STREAM_TTL_SECONDS = 3600;

/**
 * Cuts one output stream (decoded text, any chunking) into lines for the log: each `\n` ends a line,
 * a line longer than {@link MAX_LOG_LINE} is passed on in `continued` pieces as it grows (so a task
 * printing without newlines never piles up in memory), and what is left at the end has no newline.
 */
export class LineSplitter {
  private rest = "";

  constructor(private readonly emit: (text: string, end: LineEnd) => void) {}

  push(data: string): void {
    let text = this.rest + data;
    let nl: number;
    while ((nl = text.indexOf("\n")) >= 0) {
      this.emitLong(text.slice(0, nl), "newline");
      text = text.slice(nl + 1);
    }
    while (text.length > MAX_LOG_LINE) {
      const cut = safeCut(text, MAX_LOG_LINE);
      this.emit(text.slice(0, cut), "continued");
      text = text.slice(cut);
    }
    this.rest = text;
  }

  end(): void {
    if (this.rest) this.emit(this.rest, "none");
    this.rest = "";
  }

  private emitLong(text: string, end: LineEnd): void {
    while (text.length > MAX_LOG_LINE) {
      const cut = safeCut(text, MAX_LOG_LINE);
      this.emit(text.slice(0, cut), "continued");
      text = text.slice(cut);
    }
    this.emit(text, end);
  }
}

/**
 * The log of one task attempt (stored line format: `encodeLogLine` in @shoal/core). Lines go to the
 * attempt's Redis stream in small batches for live viewers — each entry `n <first line number> d
 * <lines joined by \n>` — and to Postgres in chunks as the log grows; `finish` persists the rest and
 * appends `eof 1 n <line count>`.
 */
export class LogStream {
  private pending: string[] = [];
  private pendingFirst = 0;
  private chunk: string[] = [];
  private chunkChars = 0;
  private seq = 0;
  /** Lines written so far (= the number of the next line). */
  private lineNo = 0;
  private persisted = 0;
  private timer: NodeJS.Timeout | null = null;
  private writes: Promise<unknown> = Promise.resolve();
  private failed: Error | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly db: Db,
    private readonly key: string,
    private readonly taskInstanceId: string,
  ) {}

  /** A line the task wrote (without its `\n`; `end` says what followed it). */
  line(text: string, opts: { stderr?: boolean; end?: LineEnd } = {}): void {
    // Executors that log a whole message (an HTTP body, an SQL result) may pass several lines.
    const nl = text.indexOf("\n");
    if (nl >= 0) {
      this.line(text.slice(0, nl), { stderr: opts.stderr });
      this.line(text.slice(nl + 1), opts);
      return;
    }
    const end = opts.end ?? "newline";
    for (let i = 0; ;) {
      const cut = i + safeCut(text.slice(i), MAX_LOG_LINE);
      const last = cut >= text.length;
      this.add(
        encodeLogLine({
          time: new Date(),
          text: text.slice(i, cut),
          stderr: opts.stderr,
          end: last ? end : "continued",
        }),
      );
      if (last) break;
      i = cut;
    }
  }

  /** A line of Shoal's own (exit code, kill notice): shown, but not part of the task's output. */
  system(text: string): void {
    for (const part of text.split("\n"))
      this.add(
        encodeLogLine({ time: new Date(), text: part.slice(0, MAX_LOG_LINE), system: true }),
      );
  }

  private add(stored: string): void {
    if (this.pending.length === 0) this.pendingFirst = this.lineNo;
    this.lineNo++;
    this.pending.push(stored);
    this.chunk.push(stored);
    this.chunkChars += stored.length;
    if (this.chunk.length >= CHUNK_LINES || this.chunkChars >= CHUNK_CHARS) this.persistChunk();
    if (this.pending.length >= FLUSH_LINES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    const data = this.pending.join("\n");
    const first = this.pendingFirst;
    this.pending = [];
    this.chain(() => this.redis.xadd(this.key, "*", "n", String(first), "d", data));
  }

  private persistChunk(): void {
    if (this.chunk.length === 0) return;
    const lines = this.chunk;
    this.chunk = [];
    this.chunkChars = 0;
    const seq = this.seq++;
    const firstLine = this.persisted;
    this.persisted += lines.length;
    this.chain(() =>
      this.db
        .insert(taskLog)
        .values({
          taskInstanceId: this.taskInstanceId,
          seq,
          firstLine,
          lineCount: lines.length,
          content: lines.join("\n"),
        })
        .onConflictDoNothing(),
    );
  }

  private chain(write: () => Promise<unknown>): void {
    this.writes = this.writes.then(write).catch((err: Error) => {
      this.failed ??= err;
    });
  }

  /** Persists the rest, then marks the stream complete so viewers switch to Postgres invisibly. */
  async finish(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const last = this.pending;
    const first = this.pendingFirst;
    this.pending = [];
    this.persistChunk();
    await this.writes;
    if (this.failed) throw this.failed;
    // The last lines and the end mark in one round trip, once Postgres has the whole log.
    const tx = this.redis.multi();
    if (last.length > 0) tx.xadd(this.key, "*", "n", String(first), "d", last.join("\n"));
    await tx
      .xadd(this.key, "*", "eof", "1", "n", String(this.lineNo))
      .expire(this.key, STREAM_TTL_SECONDS)
      .exec();
  }
}
