import { appUser, command } from "@shoal/db";
import { MasterJobSchema, QUEUES } from "@shoal/protocol";
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
    this.worker.on("failed", (job, err) => this.r.log(`event job ${job?.id} failed: ${err.message}`));
  }

  async stop(): Promise<void> {
    await this.worker?.close();
  }

  async handle(job: Job): Promise<void> {
    const msg = MasterJobSchema.parse(job.data);
    switch (msg.kind) {
      case "taskEvent":
        await this.runners.with(msg.event.instanceId, (runner) => runner.onTaskEvent(msg.event));
        return;
      case "command": {
        const [cmd] = await this.r.db.select().from(command).where(eq(command.id, msg.commandId));
        if (!cmd?.instanceId || cmd.status !== "PENDING") return;
        const [user] = cmd.createdBy
          ? await this.r.db.select({ username: appUser.username }).from(appUser).where(eq(appUser.id, cmd.createdBy))
          : [];
        await this.runners.with(cmd.instanceId, (runner) => runner.onCommand(cmd, user?.username ?? null));
        return;
      }
      case "timer":
        await this.runners.with(msg.instanceId, (runner) => runner.onTimer(msg.timer, msg.taskInstanceId, msg.seq));
        return;
      case "childFinished":
        await this.runners.with(msg.instanceId, (runner) => runner.onChildFinished(msg.childInstanceId));
        return;
      case "workerLost":
        await this.runners.with(msg.instanceId, (runner) => runner.onWorkerLost(msg.taskInstanceId, msg.workerId));
        return;
      case "reconcile":
        await this.runners.with(msg.instanceId, (runner) => runner.reconcile());
        return;
      default: {
        const never: never = msg;
        throw new Error(`unknown master job ${JSON.stringify(never)}`);
      }
    }
  }
}
