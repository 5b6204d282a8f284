import { server, type Db } from "@shoal/db";
import { and, eq, gt, sql } from "drizzle-orm";

const NO_WORKER = "no worker in group ";
/** The wait reason of a task whose worker group has no live worker (shown in the UI). */
export const noWorkerReason = (group: string) => `${NO_WORKER}${group}`;
export const awaitsWorker = (waitReason: string | null | undefined) =>
  !!waitReason?.startsWith(NO_WORKER);

/**
 * Which worker groups have a live worker (a heartbeat within the TTL), read on every dispatch: kept in
 * memory and refreshed every `refreshMs` in the background, so a dispatch never waits on a query (it
 * runs inside a transaction, and must not need a second pool connection). Also the instances waiting
 * for a group, woken when a worker of it appears. The waiting set rebuilds itself from Postgres: a
 * rebuilt runner re-checks its waiting tasks.
 */
export class WorkerGroups {
  private live = new Set<string>();
  private readonly waiting = new Map<string, Set<string>>();
  private timer?: NodeJS.Timeout;
  private loaded: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly ttlSeconds: number,
    private readonly refreshMs: number,
    private readonly log: (msg: string) => void,
  ) {}

  isLive(group: string): boolean {
    return this.live.has(group);
  }

  /** Same as isLive: the in-memory view, never a query. */
  isLiveCached(group: string): boolean {
    return this.live.has(group);
  }

  /** Resolves once the view was loaded (start() loads it first; later refreshes run in the background). */
  fresh(): Promise<void> {
    return this.loaded;
  }

  /** Records that an instance has a task waiting for a worker of `group`. */
  waitFor(group: string, instanceId: string): void {
    let ids = this.waiting.get(group);
    if (!ids) this.waiting.set(group, (ids = new Set()));
    ids.add(instanceId);
  }

  /** Loads the live groups, then refreshes them periodically; `wake` re-dispatches an instance's waiting tasks. */
  async start(wake: (instanceId: string) => Promise<void>): Promise<void> {
    this.loaded = this.refresh();
    await this.loaded;
    this.timer = setInterval(() => {
      void this.refresh()
        .then(() => {
          for (const [group, ids] of this.waiting) {
            if (!this.live.has(group)) continue;
            this.waiting.delete(group);
            this.log(
              `a worker of group "${group}" is live: dispatching ${ids.size} waiting instance(s)`,
            );
            for (const id of ids)
              void wake(id).catch((e: Error) => this.log(`waking ${id} failed: ${e.message}`));
          }
        })
        .catch((e: Error) => this.log(`worker group check failed: ${e.message}`));
    }, this.refreshMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async refresh(): Promise<void> {
    const rows = await this.db
      .selectDistinct({ group: server.workerGroup })
      .from(server)
      .where(
        and(
          eq(server.kind, "worker"),
          gt(server.heartbeatAt, sql`now() - make_interval(secs => ${this.ttlSeconds})`),
        ),
      );
    this.live = new Set(rows.map((r) => r.group).filter((g): g is string => !!g));
  }
}
