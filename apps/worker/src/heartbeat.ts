import { hostname, loadavg, totalmem, freemem, cpus } from "node:os";
import { server, type Db } from "@shoal/db";
import { sql } from "drizzle-orm";

/** Registers the worker and reports its load every 5 s (the monitor page and failover read it). */
export class WorkerHeartbeat {
  private timer?: NodeJS.Timeout;
  constructor(
    private readonly db: Db,
    private readonly id: string,
    private readonly workerGroup: string,
    private readonly running: () => number,
    private readonly log: (msg: string) => void,
  ) {}

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch((e: Error) => this.log(`heartbeat failed: ${e.message}`)), 5000);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async beat(): Promise<void> {
    const stats = {
      load1: loadavg()[0] ?? 0,
      cpus: cpus().length,
      memUsedPct: Math.round((1 - freemem() / totalmem()) * 100),
      running: this.running(),
      rssMb: Math.round(process.memoryUsage().rss / 1e6),
    };
    await this.db
      .insert(server)
      .values({ id: this.id, kind: "worker", host: hostname(), pid: process.pid, workerGroup: this.workerGroup, stats })
      .onConflictDoUpdate({ target: server.id, set: { heartbeatAt: sql`now()`, stats } });
  }
}
