import { hostname } from "node:os";
import { server, type Db } from "@shoal/db";
import { sql } from "drizzle-orm";
import { LoadMeter, type LoadSample } from "./load";
import { decideLoad, loadTransition, type LoadThresholds } from "./load-guard";

export interface WorkerHeartbeatOptions {
  db: Db;
  id: string;
  workerGroup: string;
  intervalMs: number;
  /** After this long without a successful renewal the worker fences itself. */
  ttlMs: number;
  limits: LoadThresholds;
  /** Ids of the attempts running now: listed in each heartbeat so a lost end report is noticed. */
  running: () => string[];
  /** Stop taking jobs (load guard) — called on the transition only. */
  pause: (reasons: string[]) => Promise<void>;
  resume: () => Promise<void>;
  /** Could not renew for the TTL: kill the tasks and take nothing until `unfence`. */
  fence: () => Promise<void>;
  unfence: () => Promise<void>;
  log: (msg: string) => void;
  /** Receives each sample's figures (metrics), whether or not the registry write succeeds. */
  onSample?: (stats: Record<string, number>) => void;
}

/**
 * Registers the worker and renews its registration with load figures; pauses the consumer while the
 * load guard says so; fences the worker when the registration could not be renewed in time.
 */
export class WorkerHeartbeat {
  private timer?: NodeJS.Timeout;
  private readonly meter = new LoadMeter();
  private lastRenewed = Date.now();
  private paused = false;
  private fenced = false;
  private busy = false;
  constructor(private readonly o: WorkerHeartbeatOptions) {}

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.tick(), this.o.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Marks the registration expired at once (graceful exit), so masters need not wait for the TTL. */
  async deregister(): Promise<void> {
    await this.o.db.delete(server).where(sql`${server.id} = ${this.o.id}`);
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      // Checked before renewing: a process that was frozen past the TTL has been failed over already.
      if (!this.fenced && Date.now() - this.lastRenewed > this.o.ttlMs) {
        this.fenced = true;
        this.o.log(
          `heartbeat not renewed for ${Math.round((Date.now() - this.lastRenewed) / 1000)}s: fencing (killing tasks, taking no work)`,
        );
        await this.o.fence();
      }
      await this.beat();
    } catch (e) {
      this.o.log(`heartbeat failed: ${(e as Error).message}`);
    } finally {
      this.busy = false;
    }
  }

  private async beat(): Promise<void> {
    const attempts = this.o.running();
    const sample = this.meter.sample(attempts.length);
    const decision = decideLoad(sample, this.o.limits);
    const figures = {
      ...statsOf(sample),
      overloaded: decision.overloaded ? 1 : 0,
      fenced: this.fenced ? 1 : 0,
    };
    this.o.onSample?.(figures);
    const stats = { ...figures, attempts };
    await this.o.db
      .insert(server)
      .values({
        id: this.o.id,
        kind: "worker",
        host: hostname(),
        pid: process.pid,
        workerGroup: this.o.workerGroup,
        stats,
      })
      .onConflictDoUpdate({ target: server.id, set: { heartbeatAt: sql`now()`, stats } });
    this.lastRenewed = Date.now();
    if (this.fenced) {
      this.fenced = false;
      this.paused = false;
      this.o.log("heartbeat renewed: taking work again");
      await this.o.unfence();
    }
    const change = loadTransition(this.paused, decision);
    if (change === "pause") {
      this.paused = true;
      this.o.log(`load guard: pausing, ${decision.reasons.join(", ")}`);
      await this.o.pause(decision.reasons);
    } else if (change === "resume") {
      this.paused = false;
      this.o.log("load guard: resuming, load is below the limits");
      await this.o.resume();
    }
  }
}

function statsOf(s: LoadSample): Record<string, number> {
  return {
    cpuPct: s.cpuPct,
    memPct: s.memPct,
    load1: s.load1,
    loadPerCpu: s.loadPerCpu,
    cpus: s.cpus,
    running: s.running,
    rssMb: Math.round(process.memoryUsage().rss / 1e6),
  };
}
