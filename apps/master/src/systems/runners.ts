import { and, eq, inArray } from "drizzle-orm";
import { workflowInstance } from "@shoal/db";
import type { MasterResources } from "../resources";
import { FencedError, InstanceRunner } from "./instance-runner";

/** The runners of the instances this master owns, loaded on demand and dropped when fenced or finished. */
export class Runners {
  private readonly runners = new Map<string, Promise<InstanceRunner | null>>();
  constructor(private readonly r: MasterResources) {}

  get(instanceId: string): Promise<InstanceRunner | null> {
    let p = this.runners.get(instanceId);
    if (!p) {
      p = InstanceRunner.load(this.r, instanceId);
      this.runners.set(instanceId, p);
      void p.then((runner) => {
        if (!runner) this.runners.delete(instanceId);
      });
    }
    return p;
  }

  /** Drops a runner whose ownership was lost or that failed, so the next use rebuilds it from Postgres. */
  forget(instanceId: string): void {
    void this.runners.get(instanceId)?.then((runner) => {
      if (runner) runner.stopped = true;
    });
    this.runners.delete(instanceId);
  }

  /** Self-fencing: every runner stops acting; owned instances are rebuilt from Postgres when it resumes. */
  stopAll(): void {
    for (const id of [...this.runners.keys()]) this.forget(id);
  }

  /**
   * Runs a step on an instance's runner; on fencing or an unexpected error, rebuilds from Postgres.
   * False when this master does not own the instance (the caller may forward the message).
   */
  async with(
    instanceId: string,
    step: (runner: InstanceRunner) => Promise<void>,
  ): Promise<boolean> {
    const runner = await this.get(instanceId);
    if (!runner) return false;
    try {
      await step(runner);
      return true;
    } catch (err) {
      this.forget(instanceId);
      if (err instanceof FencedError) {
        // Claimed again by this master at a newer epoch (failover): run the step on a fresh runner.
        const fresh = await this.get(instanceId);
        if (fresh) {
          await step(fresh);
          return true;
        }
        this.r.log(`lost ownership of ${instanceId}; dropping its runner`);
        return false;
      }
      throw err; // BullMQ retries the job against a runner rebuilt from Postgres
    }
  }

  /** At start: pick up active instances this master id owns (a restart with a stable SHOAL_MASTER_ID). */
  async resumeOwned(): Promise<void> {
    const rows = await this.r.db
      .select({ id: workflowInstance.id })
      .from(workflowInstance)
      .where(
        and(
          eq(workflowInstance.owner, this.r.masterId),
          inArray(workflowInstance.state, ["SUBMITTED", "RUNNING", "READY_PAUSE", "READY_STOP"]),
        ),
      );
    for (const { id } of rows) await this.with(id, (runner) => runner.resume());
  }

  get size(): number {
    return this.runners.size;
  }
}
