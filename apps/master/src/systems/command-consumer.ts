import {
  appUser,
  command,
  lockCommand,
  server,
  workflow,
  workflowInstance,
  loadDefinition,
  recordEvents,
  type CommandRow,
  type DbOrTx,
} from "@shoal/db";
import { CommandJobSchema, QUEUES } from "@shoal/protocol";
import { Worker, type Job } from "@shoal/protocol/bullmq";
import { and, eq, gt, sql } from "drizzle-orm";
import { isWorkflowActive } from "@shoal/core";
import { publishChange, type MasterResources } from "../resources";
import type { Runners } from "./runners";

/**
 * Consumes the command outbox. START-like commands become instances exactly once (the command row is
 * locked and marked consumed in the transaction that inserts the instance); commands on an existing
 * instance go to its owner, or are claimed when the owner is gone.
 */
export class CommandConsumer {
  private worker?: Worker;
  constructor(
    private readonly r: MasterResources,
    private readonly runners: Runners,
    private readonly concurrency: number,
  ) {}

  start(): void {
    this.worker = new Worker(QUEUES.commands, (job: Job) => this.handle(job), {
      connection: this.r.connection,
      prefix: this.r.names.bullPrefix,
      concurrency: this.concurrency,
    });
    this.worker.on("failed", (job, err) =>
      this.r.log(`command job ${job?.id} failed: ${err.message}`),
    );
  }

  async stop(): Promise<void> {
    await this.worker?.close();
  }

  async handle(job: Job): Promise<void> {
    const { commandId } = CommandJobSchema.parse(job.data);
    const [cmd] = await this.r.db.select().from(command).where(eq(command.id, commandId));
    if (!cmd || cmd.status !== "PENDING") return; // delivered twice, or swept after consumption
    if (cmd.type === "START" || cmd.type === "SCHEDULED" || cmd.type === "COMPLEMENT")
      await this.createInstance(cmd.id);
    else await this.route(cmd);
  }

  /** Creates the instance of a START command exactly once, owned by this master, then starts it. */
  async createInstance(commandId: string): Promise<string | null> {
    const created = await this.r.db.transaction(async (tx) => {
      const cmd = await lockCommand(tx, commandId);
      if (!cmd || cmd.status !== "PENDING") return null;
      const reject = async (error: string) => {
        await tx
          .update(command)
          .set({ status: "REJECTED", error, consumedAt: sql`now()`, consumedBy: this.r.masterId })
          .where(eq(command.id, cmd.id));
        return null;
      };
      if (!cmd.workflowId || !cmd.workflowVersion)
        return reject("the command names no workflow version");
      const [wf] = await tx
        .select({ name: workflow.name })
        .from(workflow)
        .where(eq(workflow.id, cmd.workflowId));
      const definition = await loadDefinition(tx, cmd.workflowId, cmd.workflowVersion);
      if (!wf || !definition)
        return reject(`workflow version ${cmd.workflowVersion} no longer exists`);
      const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "");
      const [instance] = await tx
        .insert(workflowInstance)
        .values({
          projectId: cmd.projectId,
          workflowId: cmd.workflowId,
          workflowVersion: cmd.workflowVersion,
          commandId: cmd.id,
          name: `${wf.name}-${stamp}`,
          runType: cmd.options.parentInstanceId
            ? "SUB_WORKFLOW"
            : cmd.type === "SCHEDULED"
              ? "SCHEDULE"
              : cmd.type === "COMPLEMENT"
                ? "BACKFILL"
                : "MANUAL",
          parentInstanceId: cmd.options.parentInstanceId ?? null,
          parentTaskInstanceId: cmd.options.parentTaskInstanceId ?? null,
          failureStrategy: cmd.failureStrategy,
          priority: cmd.priority,
          workerGroup: cmd.workerGroup,
          options: cmd.options,
          dryRun: cmd.options.dryRun ?? false,
          owner: this.r.masterId,
          epoch: 1,
          host: this.r.masterId,
          scheduleTime: cmd.options.scheduleTime ? new Date(cmd.options.scheduleTime) : null,
          createdBy: cmd.createdBy,
        })
        .returning({ id: workflowInstance.id, projectId: workflowInstance.projectId });
      await tx
        .update(command)
        .set({
          status: "CONSUMED",
          consumedAt: sql`now()`,
          consumedBy: this.r.masterId,
          instanceId: instance!.id,
        })
        .where(eq(command.id, cmd.id));
      await recordEvents(tx, [
        {
          workflowInstanceId: instance!.id,
          kind: "command",
          message: cmd.type,
          actor: await this.actor(cmd, tx),
        },
        { workflowInstanceId: instance!.id, kind: "workflowState", toState: "SUBMITTED" },
      ]);
      return instance!;
    });
    if (!created) return null;
    // A wake-up for live pages: the start does not wait on it.
    publishChange(this.r, created.id, created.projectId).catch((err: Error) =>
      this.r.log(`publishing the start of ${created.id}: ${err.message}`),
    );
    await this.runners.with(created.id, (runner) => runner.start());
    return created.id;
  }

  /** Who issued a command; inside a transaction pass it (a second pool connection could deadlock). */
  private async actor(cmd: CommandRow, db: DbOrTx = this.r.db): Promise<string | null> {
    if (!cmd.createdBy) return null;
    const [u] = await db
      .select({ username: appUser.username })
      .from(appUser)
      .where(eq(appUser.id, cmd.createdBy));
    return u?.username ?? null;
  }

  /** Sends an instance command to the instance's live owner, or claims the instance and applies it here. */
  private async route(cmd: CommandRow): Promise<void> {
    if (!cmd.instanceId) {
      await this.r.db
        .update(command)
        .set({ status: "REJECTED", error: "the command names no instance" })
        .where(eq(command.id, cmd.id));
      return;
    }
    const [instance] = await this.r.db
      .select()
      .from(workflowInstance)
      .where(eq(workflowInstance.id, cmd.instanceId));
    if (!instance) {
      await this.r.db
        .update(command)
        .set({ status: "REJECTED", error: "the instance no longer exists" })
        .where(eq(command.id, cmd.id));
      return;
    }
    if (
      instance.owner &&
      instance.owner !== this.r.masterId &&
      isWorkflowActive(instance.state) &&
      (await this.isAlive(instance.owner))
    ) {
      await this.r.queues.toMaster(
        instance.owner,
        { kind: "command", commandId: cmd.id },
        { jobId: `fwd-${cmd.id}` },
      );
      return;
    }
    if (instance.owner !== this.r.masterId) {
      const claimed = await this.r.db
        .update(workflowInstance)
        .set({ owner: this.r.masterId, epoch: instance.epoch + 1, host: this.r.masterId })
        .where(
          and(eq(workflowInstance.id, instance.id), eq(workflowInstance.epoch, instance.epoch)),
        )
        .returning({ id: workflowInstance.id });
      if (claimed.length === 0)
        throw new Error(
          `instance ${instance.id} changed owner while routing ${cmd.type}; retrying`,
        );
      this.runners.forget(instance.id);
    }
    const actor = await this.actor(cmd);
    await this.runners.with(instance.id, (runner) => runner.onCommand(cmd, actor));
  }

  private async isAlive(masterId: string): Promise<boolean> {
    const rows = await this.r.db
      .select({ id: server.id })
      .from(server)
      .where(
        and(
          eq(server.id, masterId),
          gt(server.heartbeatAt, sql`now() - make_interval(secs => ${this.r.ttlSeconds})`),
        ),
      );
    return rows.length > 0;
  }
}
