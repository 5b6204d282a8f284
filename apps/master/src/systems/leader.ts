import { lease, type Db } from "@shoal/db";
import { and, eq, sql } from "drizzle-orm";

export const LEADER_LEASE = "leader";

export interface LeaderOptions {
  db: Db;
  masterId: string;
  /** The lease lasts this long after each renewal. */
  leaseSeconds: number;
  /** Renewal period; well under the lease so one missed renewal does not lose it. */
  renewMs: number;
  onElected: (epoch: number) => Promise<void>;
  onDeposed: () => Promise<void>;
  log: (msg: string) => void;
}

/**
 * Leader election on the `lease` row: one conditional upsert takes the lease when it is free or
 * expired (bumping the epoch) or renews it when held. A leader that cannot renew before its lease ends
 * (by its own clock) steps down, so two leaders never act at once for longer than clock drift.
 */
export class LeaderElection {
  private timer?: NodeJS.Timeout;
  private leader = false;
  private renewedAt = 0;
  private busy = false;
  epoch = 0;

  constructor(private readonly o: LeaderOptions) {}

  /** True while this master holds an unexpired lease. */
  get isLeader(): boolean {
    return this.leader && Date.now() - this.renewedAt < this.o.leaseSeconds * 1000;
  }

  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.o.renewMs);
  }

  /** Stops campaigning; a leader releases the lease so another master takes over at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    if (!this.leader) return;
    await this.setLeader(false, 0);
    await this.o.db
      .update(lease)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(and(eq(lease.name, LEADER_LEASE), eq(lease.holder, this.o.masterId)))
      .catch((e: Error) => this.o.log(`releasing the leader lease failed: ${e.message}`));
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const epoch = await this.acquire().catch((e: Error) => {
        this.o.log(`leader lease renewal failed: ${e.message}`);
        return undefined;
      });
      if (epoch) {
        this.renewedAt = Date.now();
        await this.setLeader(true, epoch);
      } else if (epoch === null || !this.isLeader) {
        // Held by another master, or not renewed in time: step down.
        await this.setLeader(false, 0);
      }
    } finally {
      this.busy = false;
    }
  }

  private async acquire(): Promise<number | null> {
    const me = this.o.masterId;
    const until = sql`now() + make_interval(secs => ${this.o.leaseSeconds})`;
    const rows = await this.o.db
      .insert(lease)
      .values({ name: LEADER_LEASE, holder: me, epoch: 1, expiresAt: until })
      .onConflictDoUpdate({
        target: lease.name,
        set: {
          holder: me,
          epoch: sql`case when ${lease.holder} = ${me} then ${lease.epoch} else ${lease.epoch} + 1 end`,
          expiresAt: until,
        },
        setWhere: sql`${lease.holder} = ${me} or ${lease.expiresAt} < now()`,
      })
      .returning({ epoch: lease.epoch });
    return rows[0]?.epoch ?? null;
  }

  private async setLeader(leader: boolean, epoch: number): Promise<void> {
    if (leader === this.leader && (!leader || epoch === this.epoch)) return;
    const was = this.leader;
    this.leader = leader;
    this.epoch = epoch;
    if (leader && !was) {
      this.o.log(`leader: ${this.o.masterId} is the leader (epoch ${epoch})`);
      await this.o.onElected(epoch);
    } else if (!leader && was) {
      this.o.log(`leader: ${this.o.masterId} is no longer the leader`);
      await this.o.onDeposed();
    }
  }
}
