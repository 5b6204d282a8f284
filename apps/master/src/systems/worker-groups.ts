import { server, type Db } from "@shoal/db";
import { and, eq, gt, sql } from "drizzle-orm";

const NO_WORKER = "no worker in group ";
/** The wait reason of a task whose worker group has no live worker (shown in the UI). */
export const noWorkerReason = (group: string) => `${NO_WORKER}${group}`;
export const awaitsWorker = (waitReason: string | null | undefined) =>
  !!waitReason?.startsWith(NO_WORKER);

/**
 * Which worker groups have a live worker (a heartbeat within the TTL), read on every dispatch and so
 * cached for `cacheMs`; and the instances waiting for a group, woken when a worker of it appears.
 * The waiting set is rebuilt from Postgres by itself: a rebuilt runner re-checks its waiting tasks.
 */
export class WorkerGroups {
  private live = new Set<string>();
  private fetchedAt = 0;
  private refreshing?: Promise<void>;
  private readonly waiting = new Map<string, Set<string>>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly db: Db,
    private readonly ttlSeconds: number,
    private readonly cacheMs: number,
    private readonly log: (msg: string) => void,
  ) {}

  async isLive(group: string): Promise<boolean> {
    if (Date.now() - this.fetchedAt > this.cacheMs) await this.refresh();
    return this.live.has(group);
  }

  /** Records that an instance has a task waiting for a worker of `group`. */
  waitFor(group: string, instanceId: string): void {
    let ids = this.waiting.get(group);
    if (!ids) this.waiting.set(group, (ids = new Set()));
    ids.add(instanceId);
  }

  /** Polls the waited-for groups every `cacheMs`; `wake` re-dispatches an instance's waiting tasks. */
  start(wake: (instanceId: string) => Promise<void>): void {
    this.timer = setInterval(() => {
      if (this.waiting.size === 0) return;
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
    }, this.cacheMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private refresh(): Promise<void> {
    this.refreshing ??= this.db
      .selectDistinct({ group: server.workerGroup })
      .from(server)
      .where(
        and(
          eq(server.kind, "worker"),
          gt(server.heartbeatAt, sql`now() - make_interval(secs => ${this.ttlSeconds})`),
        ),
      )
      .then((rows) => {
        this.live = new Set(rows.map((r) => r.group).filter((g): g is string => !!g));
        this.fetchedAt = Date.now();
      })
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }
}
