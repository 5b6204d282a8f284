import { hostname, loadavg } from "node:os";
import { server } from "@shoal/db";
import { sql } from "drizzle-orm";
import type { MasterResources } from "../resources";

/** Registers this master and renews its heartbeat every 5 s (failover reads it). */
export class MasterHeartbeat {
  private timer?: NodeJS.Timeout;
  constructor(
    private readonly r: MasterResources,
    private readonly stats: () => Record<string, number>,
  ) {}

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch((e: Error) => this.r.log(`heartbeat failed: ${e.message}`)), 5000);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
  }

  private async beat(): Promise<void> {
    const stats = { ...this.stats(), load1: loadavg()[0] ?? 0, rssMb: Math.round(process.memoryUsage().rss / 1e6) };
    await this.r.db
      .insert(server)
      .values({ id: this.r.masterId, kind: "master", host: hostname(), pid: process.pid, stats })
      .onConflictDoUpdate({ target: server.id, set: { heartbeatAt: sql`now()`, stats } });
  }
}
