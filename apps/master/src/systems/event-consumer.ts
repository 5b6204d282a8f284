import { randomUUID } from "node:crypto";
import { isWorkflowActive } from "@shoal/core";
import { appUser, command, workflowInstance } from "@shoal/db";
import { MasterJobSchema, QUEUES, type MasterJob } from "@shoal/protocol";
import { Worker, type Job } from "@shoal/protocol/bullmq";
import { eq } from "drizzle-orm";
import type { MasterResources } from "../resources";
import type { Runners } from "./runners";

/** Consumes this master's own queue: task events from workers and commands forwarded by other masters. */
export class EventConsumer {
  private worker?: Worker;
  constructor(
    private readonly r: MasterResources,
    private readonly runners: Runners,
    private readonly concurrency: number,
  ) {}

  start(): void {
    this.worker = new Worker(QUEUES.master(this.r.masterId), (job: Job) => this.handle(job), {
      connection: this.r.connection,
      prefix: this.r.names.bullPrefix,
      concurrency: this.concurrency,
    });
    this.worker.on("failed", (job, err) =>
      this.r.log(`event job ${job?.id} failed: ${err.message}`),
    );
  }

  async stop(): Promise<void> {
    await this.worker?.close();
  }

  async handle(job: Job): Promise<void> {
    const msg = MasterJobSchema.parse(job.data);
    const instanceId = await this.apply(msg);
    // Not ours (any more): a master that was frozen, or a message that raced a takeover. Pass it on
    // to the instance's owner rather than drop it.
    if (instanceId) await this.forward(job, msg, instanceId);
  }

  private async forward(job: Job, msg: MasterJob, instanceId: string): Promise<void> {
    const [inst] = await this.r.db
      .select({ owner: workflowInstance.owner, state: workflowInstance.state })
      .from(workflowInstance)
      .where(eq(workflowInstance.id, instanceId));
    if (!inst?.owner || inst.owner === this.r.masterId || !isWorkflowActive(inst.state)) return;
    await this.r.queues.toMaster(inst.owner, msg, { jobId: `fwd-${job.id ?? randomUUID()}` });
  }

  /** Applies a message on its instance's runner; returns the instance id when this master does not own it. */
  private async apply(msg: MasterJob): Promise<string | null> {
    const unowned = (id: string) => (handled: boolean) => (handled ? null : id);
    switch (msg.kind) {
      case "taskEvent":
        return this.runners
          .with(msg.event.instanceId, (runner) => runner.onTaskEvent(msg.event))
          .then(unowned(msg.event.instanceId));
      case "command": {
        const [cmd] = await this.r.db.select().from(command).where(eq(command.id, msg.commandId));
        if (!cmd?.instanceId || cmd.status !== "PENDING") return null;
        const [user] = cmd.createdBy
          ? await this.r.db
              .select({ username: appUser.username })
              .from(appUser)
              .where(eq(appUser.id, cmd.createdBy))
          : [];
        return this.runners
          .with(cmd.instanceId, (runner) => runner.onCommand(cmd, user?.username ?? null))
          .then(unowned(cmd.instanceId));
      }
      case "timer":
        return this.runners
          .with(msg.instanceId, (runner) => runner.onTimer(msg.timer, msg.taskInstanceId, msg.seq))
          .then(unowned(msg.instanceId));
      case "childFinished":
        return this.runners
          .with(msg.instanceId, (runner) => runner.onChildFinished(msg.childInstanceId))
          .then(unowned(msg.instanceId));
      case "workerLost":
        return this.runners
          .with(msg.instanceId, (runner) => runner.onWorkerLost(msg.taskInstanceId, msg.workerId))
          .then(unowned(msg.instanceId));
      case "reconcile":
        return this.runners
          .with(msg.instanceId, (runner) => runner.reconcile())
          .then(unowned(msg.instanceId));
      default: {
        const never: never = msg;
        throw new Error(`unknown master job ${JSON.stringify(never)}`);
      }
    }
  }
}
