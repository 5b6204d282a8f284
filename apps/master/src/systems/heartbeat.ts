import { hostname, loadavg } from "node:os";
import { server } from "@shoal/db";
import { eq, sql } from "drizzle-orm";
import type { MasterResources } from "../resources";

export interface MasterHeartbeatOptions {
  intervalMs: number;
  /** After this long without a successful renewal the master fences itself. */
  ttlMs: number;
  stats: () => Record<string, number>;
  /** Could not renew for the TTL: stop acting on instances (they may be taken over). */
  fence: () => Promise<void>;
  /** Renewed again after fencing: pick up what this master still owns. */
  unfence: () => Promise<void>;
}

/** Registers this master and renews its heartbeat (failover reads it); fences the master when it cannot. */
export class MasterHeartbeat {
  private timer?: NodeJS.Timeout;
  private lastRenewed = Date.now();
  private fenced = false;
  private busy = false;
  constructor(
    private readonly r: MasterResources,
    private readonly o: MasterHeartbeatOptions,
  ) {}

  get isFenced(): boolean {
    return this.fenced;
  }

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.tick(), this.o.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
  }

  /** Graceful exit: expire the registration now so the leader takes over what is left at once. */
  async expire(): Promise<void> {
    await this.r.db
      .update(server)
      .set({ heartbeatAt: sql`now() - make_interval(secs => ${this.r.ttlSeconds + 1})` })
      .where(eq(server.id, this.r.masterId));
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      // Checked before renewing: a master frozen past the TTL may have lost its instances already.
      if (!this.fenced && Date.now() - this.lastRenewed > this.o.ttlMs) {
        this.fenced = true;
        this.r.log(
          `heartbeat not renewed for ${Math.round((Date.now() - this.lastRenewed) / 1000)}s: fencing (runners stop)`,
        );
        await this.o.fence();
      }
      await this.beat();
      if (this.fenced) {
        this.fenced = false;
        this.r.log("heartbeat renewed: resuming the instances this master still owns");
        await this.o.unfence();
      }
    } catch (e) {
      this.r.log(`heartbeat failed: ${(e as Error).message}`);
    } finally {
      this.busy = false;
    }
  }

  private async beat(): Promise<void> {
    const stats = {
      ...this.o.stats(),
      load1: loadavg()[0] ?? 0,
      rssMb: Math.round(process.memoryUsage().rss / 1e6),
    };
    await this.r.db
      .insert(server)
      .values({ id: this.r.masterId, kind: "master", host: hostname(), pid: process.pid, stats })
      .onConflictDoUpdate({ target: server.id, set: { heartbeatAt: sql`now()`, stats } });
    this.lastRenewed = Date.now();
  }
}
