import { taskLog, type Db } from "@shoal/db";
import type { Redis } from "@shoal/protocol/bullmq";

/** Longest line kept whole; longer output is split into several lines (the viewer marks none lost). */
const MAX_LINE = 64 * 1024;
const FLUSH_MS = 15;
const FLUSH_LINES = 500;
const CHUNK_LINES = 2000;
/** How long a finished attempt's live stream lingers for late viewers (Postgres has it anyway). */
const STREAM_TTL_SECONDS = 3600;

/**
 * The log of one task attempt: each line is stamped `<ISO time>\t<text>`, appended in small batches to
 * the attempt's Redis stream for live viewers, and persisted to Postgres in chunks as it grows.
 */
export class LogStream {
  private pending: string[] = [];
  private chunk: string[] = [];
  private seq = 0;
  private lineNo = 0;
  private timer: NodeJS.Timeout | null = null;
  private writes: Promise<unknown> = Promise.resolve();
  private failed: Error | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly db: Db,
    private readonly key: string,
    private readonly taskInstanceId: string,
  ) {}

  line(text: string): void {
    for (let i = 0; i < Math.max(text.length, 1); i += MAX_LINE) {
      const stamped = `${new Date().toISOString()}\t${text.slice(i, i + MAX_LINE)}`;
      this.pending.push(stamped);
      this.chunk.push(stamped);
    }
    if (this.chunk.length >= CHUNK_LINES) this.persistChunk();
    if (this.pending.length >= FLUSH_LINES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    const data = this.pending.join("\n");
    this.pending = [];
    this.chain(() => this.redis.xadd(this.key, "*", "d", data));
  }

  private persistChunk(): void {
    if (this.chunk.length === 0) return;
    const lines = this.chunk;
    this.chunk = [];
    const seq = this.seq++;
    const firstLine = this.lineNo;
    this.lineNo += lines.length;
    this.chain(() =>
      this.db.insert(taskLog).values({ taskInstanceId: this.taskInstanceId, seq, firstLine, lineCount: lines.length, content: lines.join("\n") }).onConflictDoNothing(),
    );
  }

  private chain(write: () => Promise<unknown>): void {
    this.writes = this.writes.then(write).catch((err: Error) => {
      this.failed ??= err;
    });
  }

  /** Persists the rest, then marks the stream complete so viewers switch to Postgres invisibly. */
  async finish(): Promise<void> {
    this.flush();
    this.persistChunk();
    await this.writes;
    if (this.failed) throw this.failed;
    await this.redis.multi().xadd(this.key, "*", "eof", "1").expire(this.key, STREAM_TTL_SECONDS).exec();
  }
}
