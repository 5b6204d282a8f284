import { randomUUID } from "node:crypto";
import {
  ConditionsParamsSchema,
  DependentParamsSchema,
  SubWorkflowParamsSchema,
  SwitchParamsSchema,
  chooseSwitchBranch,
  conditionsOutcome,
  getTaskType,
  isFailureHandled,
  isWorkflowFinal,
  skippedTasks,
  branchDecisions,
  buildDag,
  dispatchPriority,
  downstreamClosure,
  isTaskActive,
  isTaskSuccess,
  isWorkflowActive,
  mergeParams,
  resolveJobParams,
  resolveTaskParams,
  systemParams,
  type SqlBinds,
  readiness,
  transitionTask,
  transitionWorkflow,
  upstreamClosure,
  type Dag,
  type TaskDefinition,
  type TaskEffect,
  type TaskEvent,
  type TaskInstanceState,
  type WorkflowDefinition,
  type WorkflowEffect,
  type WorkflowEvent,
  type WorkflowOutcome,
} from "@shoal/core";
import {
  assertOwnership,
  command as commandTable,
  loadInstanceState,
  recordEvents,
  taskInstance,
  workflowInstance,
  type CommandRow,
  type NewInstanceEvent,
  type TaskInstanceRow,
  type Tx,
  type WorkflowInstanceRow,
} from "@shoal/db";
import { jobIds, type TaskEventMessage, type TaskJob } from "@shoal/protocol";
import { and, eq, sql } from "drizzle-orm";
import { publishChange, type MasterResources } from "../resources";
import { checkDependent } from "./logic/dependent";
import { insertCommand } from "./logic/outbox";
import {
  SUB_WORKFLOW_CHECK_MS,
  childOutParams,
  findChild,
  previousChild,
  rejectedStart,
  subWorkflowVersion,
  type SubWorkflowDetail,
} from "./logic/sub-workflow";
import { taskKeyOf } from "./task-key";
import { awaitsWorker, noWorkerReason } from "./worker-groups";

/** Thrown when this master no longer owns the instance (its epoch was bumped by a takeover). */
export class FencedError extends Error {
  override name = "FencedError";
  constructor(readonly instanceId: string) {
    super(`instance ${instanceId} is owned by another master now`);
  }
}

type AfterCommit = () => Promise<void>;
/** One step of an attempt through the task machine, with what it writes on the row. */
interface TaskStep {
  event: TaskEvent;
  patch?: Partial<TaskInstanceRow>;
}
type ResolvedParams = {
  params: Record<string, unknown>;
  vars: Record<string, string>;
  /** sql tasks: statements with values to bind, not spliced into the SQL text. */
  sqlBinds?: SqlBinds;
};
/** Rows per multi-row INSERT (Postgres allows 65535 bind parameters per statement). */
const INSERT_CHUNK = 500;
interface Dispatched {
  jobs: Array<{ group: string; job: TaskJob; priority: number }>;
  walked: boolean;
  /** Follow-ups of logic tasks started in the commit (enqueue a child's START, arm a check timer). */
  after: AfterCommit[];
}

/**
 * Runs one workflow instance: an in-memory view of its DAG and task states, rebuilt from Postgres on
 * load, changed only after the change committed. Every step is serialised per instance.
 */
export class InstanceRunner {
  private chain: Promise<void> = Promise.resolve();
  private dag: Dag;
  private tasks: Map<string, TaskDefinition>;
  private scope: ReadonlySet<string> | undefined;
  /** Conditions tasks: they run after their upstreams finish, successfully or not. */
  private conditionCodes: ReadonlySet<string>;
  stopped = false;
  /** Set inside a commit: move the DAG on in that same transaction once its changes are written. */
  private advanceInCommit = false;
  /** Attempts made in memory during a DAG walk, inserted before the walk's transaction commits. */
  private unwritten: TaskInstanceRow[] = [];

  private constructor(
    private readonly r: MasterResources,
    private instance: WorkflowInstanceRow,
    private readonly definition: WorkflowDefinition,
    /** Latest attempt per task code in the current generation. */
    private latest: Map<string, TaskInstanceRow>,
    private attempts: Map<string, number>,
  ) {
    this.tasks = new Map(definition.tasks.map((t) => [t.code, t]));
    this.dag = buildDag(
      definition.tasks.map((t) => t.code),
      definition.edges,
    );
    this.scope = this.computeScope();
    this.conditionCodes = new Set(
      definition.tasks.filter((t) => t.type === "conditions").map((t) => t.code),
    );
  }

  /** Rebuilds a runner from Postgres; null when the instance or its definition is gone. */
  static async load(r: MasterResources, instanceId: string): Promise<InstanceRunner | null> {
    const loaded = await loadInstanceState(r.db, instanceId);
    if (!loaded || loaded.instance.owner !== r.masterId) return null;
    const latest = new Map<string, TaskInstanceRow>();
    for (const row of loaded.current) latest.set(row.taskCode, row);
    return new InstanceRunner(r, loaded.instance, loaded.definition, latest, loaded.maxAttempts);
  }

  get id(): string {
    return this.instance.id;
  }
  get state() {
    return this.instance.state;
  }

  /** Runs `step` after every earlier step of this instance. */
  run(step: () => Promise<void>): Promise<void> {
    const next = this.chain.then(async () => {
      // A forgotten runner (ownership lost, fenced) acts no more; Runners.with retries on a fresh one.
      if (this.stopped) throw new FencedError(this.instance.id);
      await step();
    });
    this.chain = next.catch(() => {});
    return next;
  }

  private computeScope(): ReadonlySet<string> | undefined {
    const start = this.instance.options.startTask;
    if (!start || !this.tasks.has(start.code)) return undefined;
    if (start.mode === "only") return new Set([start.code]);
    return start.mode === "downstream"
      ? downstreamClosure(this.dag, [start.code])
      : upstreamClosure(this.dag, [start.code]);
  }

  /**
   * One fenced transaction: checks ownership first, then runs `fn`; after commit runs the returned
   * follow-ups and wakes up live pages.
   */
  private async commit(
    fn: (tx: Tx, events: NewInstanceEvent[], after: AfterCommit[]) => Promise<void>,
  ): Promise<void> {
    const after: AfterCommit[] = [];
    const before = this.instance.state;
    this.advanceInCommit = false;
    await this.r.workerGroups?.fresh(); // the dispatch gate reads it inside the transaction
    await this.r.db.transaction(async (tx) => {
      if (!(await assertOwnership(tx, this.instance.id, this.r.masterId, this.instance.epoch))) {
        throw new FencedError(this.instance.id);
      }
      const events: NewInstanceEvent[] = [];
      await fn(tx, events, after);
      if (this.advanceInCommit) {
        this.advanceInCommit = false;
        await this.advanceInTx(tx, events, after);
      }
      await recordEvents(tx, events);
    });
    for (const step of after) await step();
    // A wake-up for live pages (they re-read Postgres): nothing waits on it.
    publishChange(this.r, this.instance.id, this.instance.projectId).catch((err: Error) =>
      this.r.log(`publishing a change of ${this.instance.id}: ${err.message}`),
    );
    if (before !== this.instance.state && isWorkflowFinal(this.instance.state))
      await this.notifyParent();
  }

  private async setWorkflowState(
    tx: Tx,
    events: NewInstanceEvent[],
    next: WorkflowInstanceRow["state"],
    extra: Partial<WorkflowInstanceRow> = {},
    actor?: string,
  ): Promise<void> {
    const now = new Date();
    const patch: Partial<WorkflowInstanceRow> = { state: next, ...extra };
    if (next === "RUNNING" && !this.instance.startTime) patch.startTime = now;
    if (next === "SUCCESS" || next === "FAILURE" || next === "STOP" || next === "PAUSE")
      patch.endTime = now;
    if (next === "RUNNING") patch.endTime = null;
    await tx.update(workflowInstance).set(patch).where(eq(workflowInstance.id, this.instance.id));
    events.push({
      workflowInstanceId: this.instance.id,
      kind: "workflowState",
      fromState: this.instance.state,
      toState: next,
      actor: actor ?? null,
    });
    this.instance = { ...this.instance, ...patch };
  }

  /** Applies a workflow event: transition, persist, then perform its effects. */
  private async applyWorkflow(
    event: WorkflowEvent,
    actor?: string,
    tx0?: { tx: Tx; events: NewInstanceEvent[]; after: AfterCommit[] },
  ): Promise<string | null> {
    const t = transitionWorkflow(this.instance.state, event);
    if (!t.ok) return t.reason;
    const work = async (tx: Tx, events: NewInstanceEvent[], after: AfterCommit[]) => {
      await this.setWorkflowState(tx, events, t.state, {}, actor);
      for (const effect of t.effects) await this.performWorkflowEffect(effect, tx, events, after);
    };
    if (tx0) await work(tx0.tx, tx0.events, tx0.after);
    else await this.commit(work);
    return null;
  }

  private async performWorkflowEffect(
    effect: WorkflowEffect,
    tx: Tx,
    events: NewInstanceEvent[],
    after: AfterCommit[],
  ): Promise<void> {
    switch (effect.type) {
      case "dispatchReady":
        this.advanceInCommit = true;
        return;
      case "pausePendingTasks":
        for (const row of this.latest.values()) {
          if (row.state === "SUBMITTED" || row.state === "DELAY_EXECUTION")
            await this.applyTask(tx, events, row, { type: "paused" });
          else if (row.state === "RUNNING" && this.runsInMaster(this.tasks.get(row.taskCode)!))
            await this.interruptLogicTask(tx, events, row, "PAUSE", after);
        }
        after.push(() => this.advance());
        return;
      case "killActiveTasks": {
        const toKill: TaskInstanceRow[] = [];
        for (const row of this.latest.values()) {
          if (row.state === "SUBMITTED" || row.state === "DELAY_EXECUTION")
            await this.applyTask(tx, events, row, { type: "killed" });
          else if (row.state === "RUNNING" && this.runsInMaster(this.tasks.get(row.taskCode)!))
            await this.interruptLogicTask(tx, events, row, "STOP", after);
          else if (isTaskActive(row.state)) toKill.push(row);
        }
        after.push(async () => {
          await this.killRunning(toKill);
          await this.advance();
        });
        return;
      }
      case "resumeInterruptedTasks":
        await this.newAttempts(tx, events, (s) => s === "PAUSE" || s === "KILL");
        return;
      case "retryFailedTasks":
        await this.newAttempts(tx, events, (s) => s === "FAILURE" || s === "KILL" || s === "PAUSE");
        return;
      case "resetAllTasks": {
        const generation = this.instance.generation + 1;
        await tx
          .update(workflowInstance)
          .set({ generation, startTime: new Date() })
          .where(eq(workflowInstance.id, this.instance.id));
        this.instance = { ...this.instance, generation };
        this.latest = new Map();
        return;
      }
      case "notify":
        // Alert channels consume instance_event rows (kind workflowState); nothing else to do here.
        return;
      default: {
        const never: never = effect;
        throw new Error(`unhandled effect ${JSON.stringify(never)}`);
      }
    }
  }

  /** New SUBMITTED attempts for tasks whose latest attempt is in one of the given states. */
  private async newAttempts(
    tx: Tx,
    events: NewInstanceEvent[],
    which: (s: TaskInstanceState) => boolean,
  ): Promise<void> {
    const rows = [...this.latest.values()].filter((r) => which(r.state));
    for (const row of rows) await this.insertAttempt(tx, events, row.taskCode, "SUBMITTED");
  }

  private async insertAttempt(
    tx: Tx,
    events: NewInstanceEvent[],
    code: string,
    state: TaskInstanceState,
    extra: Partial<TaskInstanceRow> = {},
  ): Promise<TaskInstanceRow> {
    const task = this.tasks.get(code)!;
    const attempt = (this.attempts.get(code) ?? 0) + 1;
    const [row] = await tx
      .insert(taskInstance)
      .values({
        workflowInstanceId: this.instance.id,
        projectId: this.instance.projectId,
        generation: this.instance.generation,
        taskCode: code,
        taskName: task.name,
        taskType: task.type,
        attempt,
        state,
        workerGroup: task.workerGroup,
        ...extra,
      })
      .returning();
    this.attempts.set(code, attempt);
    this.latest.set(code, row!);
    events.push({
      workflowInstanceId: this.instance.id,
      taskInstanceId: row!.id,
      taskCode: code,
      kind: "taskState",
      toState: state,
    });
    return row!;
  }

  /**
   * New attempts, each moved from SUBMITTED through `steps` by the task machine in memory, kept as
   * rows of the state reached until {@link writeAttempts} inserts them (multi-row) in the same
   * transaction; the events record every transition as if applied one by one (all of it commits
   * together, so nobody sees the steps in between).
   */
  private insertAttempts(
    events: NewInstanceEvent[],
    items: Array<{ code: string; steps: TaskStep[] }>,
  ): Map<string, TaskInstanceRow> {
    const made = new Map<string, TaskInstanceRow>();
    const now = new Date();
    for (const { code, steps } of items) {
      const task = this.tasks.get(code)!;
      const attempt = (this.attempts.get(code) ?? 0) + 1;
      const walk = this.walkTask(task, "SUBMITTED", attempt, steps);
      if (!walk.ok) throw new Error(`task "${task.name}": ${walk.reason}`);
      if (walk.effects.some((e) => e.type !== "notify"))
        throw new Error(`task "${task.name}": a new attempt cannot have effects beyond alerts`);
      const row: TaskInstanceRow = {
        id: randomUUID(),
        workflowInstanceId: this.instance.id,
        projectId: this.instance.projectId,
        generation: this.instance.generation,
        taskCode: code,
        taskName: task.name,
        taskType: task.type,
        attempt,
        state: "SUBMITTED",
        workerGroup: task.workerGroup,
        waitReason: null,
        host: null,
        pid: null,
        exitCode: null,
        error: null,
        outParams: null,
        detail: null,
        submitTime: now,
        dispatchTime: null,
        startTime: null,
        endTime: null,
        ...walk.patch,
      };
      row.state = walk.state;
      this.unwritten.push(row);
      made.set(code, row);
      this.attempts.set(code, attempt);
      this.latest.set(code, row);
      const base = { workflowInstanceId: this.instance.id, taskInstanceId: row.id, taskCode: code };
      events.push({ ...base, kind: "taskState", toState: "SUBMITTED" });
      for (const m of walk.moves) events.push({ ...base, kind: "taskState", ...m });
      for (const e of walk.effects)
        if (e.type === "notify") events.push({ ...base, kind: "alert", message: e.event });
    }
    return made;
  }

  /** Inserts the attempts {@link insertAttempts} made, and takes the rows as Postgres stored them. */
  private async writeAttempts(tx: Tx): Promise<void> {
    const rows = this.unwritten;
    this.unwritten = [];
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const stored = await tx
        .insert(taskInstance)
        .values(rows.slice(i, i + INSERT_CHUNK).map(({ submitTime: _, ...row }) => row))
        .returning();
      for (const row of stored)
        if (this.latest.get(row.taskCode)?.id === row.id) this.latest.set(row.taskCode, row);
    }
  }

  /**
   * Runs `steps` through the task machine from `state` (pure): the state reached, the row patch
   * (with the timestamps each state implies), the transitions and their effects.
   */
  private walkTask(
    task: TaskDefinition,
    state: TaskInstanceState,
    attempt: number,
    steps: TaskStep[],
  ) {
    const ctx = {
      attempt,
      retries: this.runsInMaster(task) ? 0 : task.retries, // logic tasks never retry
      retryIntervalSeconds: task.retryIntervalSeconds,
    };
    const now = new Date();
    const patch: Partial<TaskInstanceRow> = {};
    const moves: Array<{
      fromState: TaskInstanceState;
      toState: TaskInstanceState;
      message: string | null;
    }> = [];
    const effects: TaskEffect[] = [];
    for (const step of steps) {
      const t = transitionTask(state, step.event, ctx);
      if (!t.ok) return { ok: false as const, reason: t.reason };
      Object.assign(patch, step.patch);
      if (t.state === "DISPATCHED") patch.dispatchTime = now;
      if (t.state === "RUNNING" && !patch.startTime) patch.startTime = now;
      if (!isTaskActive(t.state) && !patch.endTime) patch.endTime = now;
      if (t.state !== state)
        moves.push({ fromState: state, toState: t.state, message: step.patch?.error ?? null });
      effects.push(...t.effects);
      state = t.state;
    }
    return { ok: true as const, state, patch, moves, effects };
  }

  /** Transition one attempt through the task machine and persist it (guarded by its previous state). */
  private applyTask(
    tx: Tx,
    events: NewInstanceEvent[],
    row: TaskInstanceRow,
    event: TaskEvent,
    patch: Partial<TaskInstanceRow> = {},
  ): Promise<{ ok: boolean; effects: TaskEffect[] }> {
    return this.applyTaskSteps(tx, events, row, [{ event, patch }]);
  }

  /** Several transitions of one attempt in one guarded UPDATE (e.g. started and finished together). */
  private async applyTaskSteps(
    tx: Tx,
    events: NewInstanceEvent[],
    row: TaskInstanceRow,
    steps: TaskStep[],
  ): Promise<{ ok: boolean; effects: TaskEffect[] }> {
    const task = this.tasks.get(row.taskCode)!;
    const walk = this.walkTask(task, row.state, row.attempt, steps);
    if (!walk.ok) return { ok: false, effects: [] };
    const updated = await tx
      .update(taskInstance)
      .set({ ...walk.patch, state: walk.state })
      .where(and(eq(taskInstance.id, row.id), eq(taskInstance.state, row.state)))
      .returning();
    if (updated.length === 0) return { ok: false, effects: [] };
    for (const m of walk.moves)
      events.push({
        workflowInstanceId: this.instance.id,
        taskInstanceId: row.id,
        taskCode: row.taskCode,
        kind: "taskState",
        ...m,
      });
    if (this.latest.get(row.taskCode)?.id === row.id) this.latest.set(row.taskCode, updated[0]!);
    return { ok: true, effects: walk.effects };
  }

  /** Starts a freshly created instance. */
  start(): Promise<void> {
    return this.run(async () => {
      if (this.instance.state === "SUBMITTED") await this.applyWorkflow({ type: "start" });
      else await this.advance();
    });
  }

  /** Re-evaluates after a rebuild (failover, restart): dispatch what is ready, settle what is done. */
  resume(): Promise<void> {
    return this.run(async () => {
      await this.rearmLogicChecks();
      await this.advance();
    });
  }

  /** What moving the DAG on would do now; null when there is nothing to do. */
  private plan():
    | { kind: "pauseReady"; ready: string[] }
    | { kind: "settle"; outcome: WorkflowOutcome; anyFailed: boolean }
    | { kind: "dispatch"; fresh: string[]; pending: TaskInstanceRow[] }
    | null {
    if (!isWorkflowActive(this.instance.state) || this.instance.state === "SUBMITTED") return null;
    const states = new Map<string, TaskInstanceState | undefined>();
    for (const code of this.dag.codes) states.set(code, this.latest.get(code)?.state);
    const rd = readiness(this.dag, states, {
      failureStrategy: this.instance.failureStrategy,
      scope: this.scope,
      ...this.branching(),
    });
    // Pausing: tasks that became ready are recorded as PAUSE so a recover picks them up.
    if (this.instance.state === "READY_PAUSE" && rd.ready.length > 0)
      return { kind: "pauseReady", ready: rd.ready };
    const dispatching = this.instance.state === "RUNNING";
    const pending = dispatching
      ? [...this.latest.values()].filter(
          (r) =>
            (r.state === "SUBMITTED" && !r.waitReason) ||
            ((r.state === "SUBMITTED" || r.state === "DELAY_EXECUTION") &&
              awaitsWorker(r.waitReason)),
        )
      : [];
    const fresh = dispatching ? rd.ready : [];
    if (fresh.length > 0 || pending.length > 0) return { kind: "dispatch", fresh, pending };
    // Stopping: what never started stays unstarted; the stop is complete once nothing is active.
    const settled = this.instance.state === "READY_STOP" ? rd.active.length === 0 : rd.done;
    if (!settled) return null;
    // A failure that a conditions task handles does not count (DolphinScheduler's semantics).
    const anyFailed = [...this.latest.values()].some(
      (r) =>
        (r.state === "FAILURE" || r.state === "KILL") &&
        !isFailureHandled(this.dag, r.taskCode, this.conditionCodes),
    );
    return { kind: "settle", outcome: rd.outcome ?? "FAILURE", anyFailed };
  }

  /**
   * Dispatches every ready task (new attempt rows committed first, then enqueued) and settles the
   * instance once nothing is active and nothing more can run.
   */
  private async advance(): Promise<void> {
    if (!this.plan()) return;
    await this.commit((tx, events, after) => this.advanceInTx(tx, events, after));
  }

  /**
   * {@link advance} inside a commit. Tasks that finish without leaving the master (dry run, prohibited,
   * conditions, switch) let the walk go on in the same transaction, so a dry-run DAG resolves in one
   * commit; jobs are enqueued and follow-ups run once it committed.
   */
  private async advanceInTx(
    tx: Tx,
    events: NewInstanceEvent[],
    after: AfterCommit[],
  ): Promise<void> {
    this.unwritten = [];
    await this.walkInTx(tx, events, after);
    await this.writeAttempts(tx);
  }

  private async walkInTx(tx: Tx, events: NewInstanceEvent[], after: AfterCommit[]): Promise<void> {
    // Every round that goes on finished at least one task; the bound only guards against a bug.
    for (let round = 0; round <= this.dag.codes.length + 1; round++) {
      const p = this.plan();
      if (!p) return;
      if (p.kind === "pauseReady") {
        this.insertAttempts(
          events,
          p.ready.map((code) => ({ code, steps: [{ event: { type: "paused" } }] })),
        );
        continue;
      }
      if (p.kind === "settle") {
        await this.applyWorkflow(
          { type: "settled", outcome: p.outcome, anyFailed: p.anyFailed },
          undefined,
          { tx, events, after },
        );
        return;
      }
      const d = await this.dispatchFresh(tx, events, after, p.fresh, p.pending);
      if (!d.walked) return;
    }
    throw new Error(`instance ${this.instance.id}: the DAG walk did not settle`);
  }

  /**
   * New attempts for `fresh` tasks and dispatch of `pending` ones. The common cases (a worker task
   * whose group is live, a dry-run or prohibited task) are written as one multi-row INSERT of the
   * state the task machine reaches; the rest take the step-by-step path.
   */
  private async dispatchFresh(
    tx: Tx,
    events: NewInstanceEvent[],
    after: AfterCommit[],
    fresh: string[],
    pending: TaskInstanceRow[],
  ): Promise<{ walked: boolean }> {
    const dryRun = this.instance.dryRun;
    const rows = [...pending];
    const walk: string[] = [];
    const send: Array<{ code: string; resolved: ResolvedParams }> = [];
    for (const code of fresh) {
      const task = this.tasks.get(code)!;
      const delay = task.delaySeconds;
      if (delay > 0 && !dryRun) {
        const row = await this.insertAttempt(tx, events, code, "SUBMITTED");
        const until = new Date(Date.now() + delay * 1000);
        await this.applyTask(
          tx,
          events,
          row,
          { type: "delayed" },
          { waitReason: `delayed execution until ${until.toISOString()}` },
        );
        after.push(() => this.timer("delay", row.id, delay * 1000));
        continue;
      }
      if (dryRun || task.prohibitExecution) {
        walk.push(code);
        continue;
      }
      if (!this.runsInMaster(task)) {
        const resolved = this.resolveParams(task);
        if (resolved.ok && this.groupLive(task.workerGroup)) {
          send.push({ code, resolved: resolved.value });
          continue;
        }
      }
      rows.push(await this.insertAttempt(tx, events, code, "SUBMITTED"));
    }
    // Walks the DAG without executing: the attempt passes straight to SUCCESS.
    const now = new Date();
    this.insertAttempts(
      events,
      walk.map((code) => ({
        code,
        steps: [
          { event: { type: "dispatched" } },
          {
            event: { type: "succeeded" },
            patch: {
              host: "master",
              waitReason: dryRun ? "dry run" : "execution prohibited",
              startTime: now,
            },
          },
        ],
      })),
    );
    const sent = this.insertAttempts(
      events,
      send.map(({ code }) => ({ code, steps: [{ event: { type: "dispatched" } }] })),
    );
    const d = await this.dispatchInTx(tx, events, rows);
    const jobs = [
      ...send.map(({ code, resolved }) => {
        const task = this.tasks.get(code)!;
        return {
          group: task.workerGroup,
          job: this.taskJob(sent.get(code)!, task, resolved),
          priority: dispatchPriority(this.instance.priority, task.priority),
        };
      }),
      ...d.jobs,
    ];
    if (jobs.length > 0) after.push(() => this.enqueue(jobs));
    after.push(...d.after);
    return { walked: walk.length > 0 || d.walked };
  }

  /** Whether a worker of `group` is live (no registry configured: every group is). */
  private groupLive(group: string): boolean {
    return !this.r.workerGroups || this.r.workerGroups.isLiveCached(group);
  }

  /** Moves SUBMITTED/DELAY_EXECUTION attempts to DISPATCHED (committed) and enqueues them afterwards. */
  private async dispatchRows(rows: TaskInstanceRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.commit(async (tx, events, after) => {
      const d = await this.dispatchInTx(tx, events, rows);
      if (d.jobs.length > 0) after.push(() => this.enqueue(d.jobs));
      after.push(...d.after);
      // Dry-run or prohibited tasks finished inside the commit: keep walking.
      if (d.walked) this.advanceInCommit = true;
    });
  }

  private async dispatchInTx(
    tx: Tx,
    events: NewInstanceEvent[],
    rows: TaskInstanceRow[],
  ): Promise<Dispatched> {
    const jobs: Dispatched["jobs"] = [];
    const dryRun = this.instance.dryRun;
    const after: AfterCommit[] = [];
    let walked = false;
    for (const row of rows) {
      const task = this.tasks.get(row.taskCode)!;
      if (dryRun || task.prohibitExecution) {
        // Walks the DAG without executing: the attempt passes straight to SUCCESS.
        const res = await this.applyTaskSteps(tx, events, row, [
          { event: { type: "dispatched" } },
          {
            event: { type: "succeeded" },
            patch: {
              host: "master",
              waitReason: dryRun ? "dry run" : "execution prohibited",
              startTime: new Date(),
            },
          },
        ]);
        if (res.ok) walked = true;
        continue;
      }
      if (this.runsInMaster(task)) {
        if (await this.startLogicTask(tx, events, row, task, after)) walked = true;
        continue;
      }
      const resolved = this.resolveParams(task);
      if (!resolved.ok) {
        // Fails before it runs, naming the task and the param; the DAG moves on per failure strategy.
        walked = true;
        await this.applyTask(
          tx,
          events,
          row,
          { type: "failed", exitCode: null },
          { error: resolved.error, endTime: new Date() },
        );
        continue;
      }
      if (!(await this.workerAvailable(tx, events, row, task.workerGroup))) continue;
      const res = await this.applyTask(
        tx,
        events,
        row,
        { type: "dispatched" },
        { waitReason: null },
      );
      if (!res.ok) continue;
      jobs.push({
        group: task.workerGroup,
        job: this.taskJob(this.latest.get(row.taskCode)!, task, resolved.value),
        priority: dispatchPriority(this.instance.priority, task.priority),
      });
    }
    return { jobs, walked, after };
  }

  /** A durable timer: a delayed job on this master's queue (taken over with the queue on failover). */
  private async timer(
    timer: "retry" | "delay" | "timeout",
    taskInstanceId: string,
    delayMs: number,
  ): Promise<void> {
    await this.r.queues.toMaster(
      this.r.masterId,
      { kind: "timer", timer, instanceId: this.instance.id, taskInstanceId },
      { delay: Math.max(0, delayMs), jobId: jobIds.timer(taskInstanceId, timer) },
    );
  }

  /** A durable timer fired: end a retry interval or delay, or time out a running attempt. */
  onTimer(
    timer: "retry" | "delay" | "timeout" | "check",
    taskInstanceId: string,
    seq?: number,
  ): Promise<void> {
    return this.run(async () => {
      const row = [...this.latest.values()].find((r) => r.id === taskInstanceId);
      if (!row) return;
      if (timer === "check") return this.checkLogicTask(row, seq ?? 0);
      if (timer === "timeout") {
        const task = this.tasks.get(row.taskCode)!;
        if (!task.timeout || (row.state !== "RUNNING" && row.state !== "DISPATCHED")) return;
        await this.applyTaskEvent(
          row,
          { type: "timedOut", strategy: task.timeout.strategy },
          {
            error: `timed out after ${task.timeout.seconds}s`,
          },
        );
        return;
      }
      if (this.instance.state !== "RUNNING") return; // a pause or stop decides about it
      if (row.state === "SUBMITTED" && row.waitReason) {
        await this.commit(async (tx) => {
          await tx
            .update(taskInstance)
            .set({ waitReason: null })
            .where(eq(taskInstance.id, row.id));
        });
        this.latest.set(row.taskCode, { ...row, waitReason: null });
        await this.advance();
      } else if (row.state === "DELAY_EXECUTION") {
        await this.dispatchRows([row]);
      }
    });
  }

  /**
   * Params with DolphinScheduler's precedence (startup > local > upstream OUT > global > system), then
   * `${name}` and `$[time]` substituted into the task's params against the schedule time.
   */
  private resolveParams(
    task: TaskDefinition,
  ): { ok: true; value: ResolvedParams } | { ok: false; error: string } {
    const baseTime = this.instance.scheduleTime ?? this.instance.startTime ?? new Date();
    const system = systemParams(baseTime, this.r.timeZone);
    if (!system.ok) return { ok: false, error: `task "${task.name}": ${system.error.message}` };
    const upstream = [...upstreamClosure(this.dag, [task.code])]
      .map((code) => this.latest.get(code))
      .filter(
        (row): row is TaskInstanceRow =>
          !!row && isTaskSuccess(row.state) && !!row.outParams && row.taskCode !== task.code,
      )
      .sort((a, b) => (a.endTime?.getTime() ?? 0) - (b.endTime?.getTime() ?? 0))
      .flatMap((row) => Object.entries(row.outParams!).map(([name, value]) => ({ name, value })));
    const vars = mergeParams({
      system: system.value,
      global: this.definition.globalParams,
      upstreamOut: upstream,
      local: task.localParams,
      startup: this.instance.options.paramOverrides ?? {},
    });
    const context = { params: vars, baseTime, timeZone: this.r.timeZone };
    const params = resolveJobParams(task.type, task.params, context);
    if (!params.ok) {
      const e = params.error;
      const where = "field" in e && e.field ? ` (${e.field})` : "";
      return { ok: false, error: `task "${task.name}"${where}: ${e.message}` };
    }
    return { ok: true, value: { ...params.value, vars } };
  }

  private taskJob(row: TaskInstanceRow, task: TaskDefinition, resolved: ResolvedParams): TaskJob {
    const env: Record<string, string> = {};
    // Params also reach the process as environment variables, where the name allows it.
    for (const [name, value] of Object.entries(resolved.vars))
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) env[name] = value;
    return {
      taskInstanceId: row.id,
      instanceId: this.instance.id,
      projectId: this.instance.projectId,
      owner: this.r.masterId,
      epoch: this.instance.epoch,
      taskCode: task.code,
      taskName: task.name,
      taskType: task.type,
      attempt: row.attempt,
      params: resolved.params,
      sqlBinds: resolved.sqlBinds,
      env: {
        ...env,
        SHOAL_TASK_KEY: taskKeyOf(this.instance.id, row),
        SHOAL_INSTANCE_ID: this.instance.id,
        SHOAL_TASK_CODE: task.code,
        SHOAL_TASK_NAME: task.name,
        SHOAL_ATTEMPT: String(row.attempt),
      },
      timeoutSeconds: task.timeout?.seconds ?? null,
      dryRun: false,
    };
  }

  private async enqueue(
    jobs: Array<{ group: string; job: TaskJob; priority: number }>,
  ): Promise<void> {
    const byGroup = new Map<string, typeof jobs>();
    for (const j of jobs) byGroup.set(j.group, [...(byGroup.get(j.group) ?? []), j]);
    for (const [group, list] of byGroup)
      await this.r.queues.dispatchTasks(
        group,
        list.map((j) => ({ job: j.job, priority: j.priority })),
      );
  }

  /** Withdraws queued jobs (those end KILL here) and asks workers to kill running process groups. */
  private async killRunning(rows: TaskInstanceRow[]): Promise<void> {
    const withdrawn: TaskInstanceRow[] = [];
    for (const row of rows) {
      const queue = this.r.queues.queue(`tasks.${row.workerGroup}`);
      const removed =
        row.state === "DISPATCHED" ? await queue.remove(jobIds.task(row.id)).catch(() => 0) : 0;
      if (removed === 1) withdrawn.push(row);
      else await this.requestKill(row.id);
    }
    if (withdrawn.length > 0) {
      await this.commit(async (tx, events) => {
        for (const row of withdrawn) {
          const current = this.latest.get(row.taskCode);
          if (current?.id === row.id) await this.applyTask(tx, events, current, { type: "killed" });
        }
      });
    }
  }

  /** Applies a worker's report about one attempt; duplicates and stale attempts change nothing. */
  onTaskEvent(ev: TaskEventMessage): Promise<void> {
    return this.run(async () => {
      const row = [...this.latest.values()].find((r) => r.id === ev.taskInstanceId);
      if (!row) return; // an older attempt or generation: its result no longer counts
      const event: TaskEvent =
        ev.type === "started"
          ? { type: "started", host: ev.host }
          : ev.outcome === "SUCCESS"
            ? { type: "succeeded" }
            : ev.outcome === "KILL"
              ? { type: "killed" }
              : { type: "failed", exitCode: ev.exitCode, reason: ev.error ?? undefined };
      const patch: Partial<TaskInstanceRow> =
        ev.type === "started"
          ? { host: ev.host, pid: ev.pid, startTime: new Date(ev.at) }
          : {
              exitCode: ev.exitCode,
              error: ev.error,
              outParams: ev.outParams,
              detail: ev.detail ? { ...(row.detail ?? {}), ...ev.detail } : row.detail,
              endTime: new Date(ev.at),
            };
      const steps: TaskStep[] = [{ event, patch }];
      // A short task's worker reports its start along with its end: both transitions, one write.
      if (ev.type === "finished" && ev.started && row.state === "DISPATCHED") {
        const s = ev.started;
        steps.unshift({
          event: { type: "started", host: s.host },
          patch: { host: s.host, pid: s.pid, startTime: new Date(s.at) },
        });
      }
      const applied = await this.applyTaskEventSteps(row, steps);
      if (applied && ev.type === "started") {
        const timeout = this.tasks.get(row.taskCode)!.timeout;
        if (timeout)
          await this.timer("timeout", row.id, timeout.seconds * 1000 - (Date.now() - ev.at));
      }
    });
  }

  /** Applies a task event and its effects (retry attempts, kills, alerts), then moves the DAG on. */
  private applyTaskEvent(
    row: TaskInstanceRow,
    event: TaskEvent,
    patch: Partial<TaskInstanceRow>,
  ): Promise<boolean> {
    return this.applyTaskEventSteps(row, [{ event, patch }]);
  }

  private async applyTaskEventSteps(row: TaskInstanceRow, steps: TaskStep[]): Promise<boolean> {
    const event = steps[steps.length - 1]!.event;
    let applied = false;
    const timers: Array<{ id: string; delayMs: number }> = [];
    let kill = false;
    await this.commit(async (tx, events) => {
      const res = await this.applyTaskSteps(tx, events, row, steps);
      applied = res.ok;
      // The DAG moves on in this same transaction (the next attempts are enqueued once it commits).
      if (applied && event.type !== "started") this.advanceInCommit = true;
      for (const effect of res.effects) {
        switch (effect.type) {
          case "scheduleRetry": {
            const waiting = effect.delayMs > 0;
            const next = await this.insertAttempt(
              tx,
              events,
              row.taskCode,
              "SUBMITTED",
              waiting
                ? {
                    waitReason: `retry interval until ${new Date(Date.now() + effect.delayMs).toISOString()}`,
                  }
                : event.type === "workerLost"
                  ? { detail: { taskKey: taskKeyOf(this.instance.id, row) } } // same key across failover
                  : {},
            );
            if (waiting) timers.push({ id: next.id, delayMs: effect.delayMs });
            break;
          }
          case "killTask":
            kill = true;
            break;
          case "notify":
            events.push({
              workflowInstanceId: this.instance.id,
              taskInstanceId: row.id,
              taskCode: row.taskCode,
              kind: "alert",
              message: effect.event,
            });
            break;
          default: {
            const never: never = effect;
            throw new Error(`unhandled task effect ${JSON.stringify(never)}`);
          }
        }
      }
    });
    if (kill) {
      if (row.taskType === "sub_workflow") await this.stopChild(row);
      else await this.requestKill(row.id);
    }
    for (const t of timers) await this.timer("retry", t.id, t.delayMs);
    return applied;
  }

  private async requestKill(taskInstanceId: string): Promise<void> {
    await this.r.redis.set(this.r.names.killKey(taskInstanceId), "stop", "EX", 24 * 3600);
    await this.r.redis.publish(
      this.r.names.killChannel,
      JSON.stringify({ taskInstanceId, reason: "stop" }),
    );
  }

  /** Handles a command addressed to this instance; marks it consumed or rejected in the same commit. */
  onCommand(cmd: CommandRow, actor: string | null): Promise<void> {
    return this.run(async () => {
      const result: { rejection: string | null } = { rejection: null };
      await this.commit(async (tx, events, after) => {
        let rejection: string | null = null;
        const locked = await tx
          .select({ status: commandTable.status })
          .from(commandTable)
          .where(eq(commandTable.id, cmd.id))
          .for("update");
        if (locked[0]?.status !== "PENDING") return;
        const ctx = { tx, events, after };
        switch (cmd.type) {
          case "STOP":
            rejection = await this.applyWorkflow({ type: "stop" }, actor ?? undefined, ctx);
            break;
          case "PAUSE":
            rejection = await this.applyWorkflow({ type: "pause" }, actor ?? undefined, ctx);
            break;
          case "RECOVER_PAUSED":
            rejection = await this.applyWorkflow(
              { type: "recoverPaused" },
              actor ?? undefined,
              ctx,
            );
            break;
          case "RECOVER_FAILED":
            rejection = await this.applyWorkflow(
              { type: "recoverFailed" },
              actor ?? undefined,
              ctx,
            );
            break;
          case "RERUN":
            rejection = await this.applyWorkflow({ type: "rerun" }, actor ?? undefined, ctx);
            break;
          case "FORCE_SUCCESS": {
            const code = cmd.options.taskCode;
            const row = code ? this.latest.get(code) : undefined;
            if (!row) {
              rejection = `no attempt of task "${code ?? "?"}" in this instance`;
              break;
            }
            const res = await this.applyTask(tx, events, row, {
              type: "forceSucceeded",
              workflowFinished: !isWorkflowActive(this.instance.state),
            });
            rejection = res.ok
              ? await this.applyWorkflow({ type: "taskForced" }, actor ?? undefined, ctx)
              : `task "${row.taskName}" is ${row.state}: only a failed or killed task of a finished instance can be forced`;
            break;
          }
          default:
            rejection = `command ${cmd.type} does not apply to a running instance`;
        }
        events.push({
          workflowInstanceId: this.instance.id,
          kind: "command",
          message: rejection ? `${cmd.type} rejected: ${rejection}` : cmd.type,
          actor,
        });
        await tx
          .update(commandTable)
          .set({
            status: rejection ? "REJECTED" : "CONSUMED",
            error: rejection,
            consumedAt: sql`now()`,
            consumedBy: this.r.masterId,
          })
          .where(eq(commandTable.id, cmd.id));
        result.rejection = rejection;
      });
      if (result.rejection)
        this.r.log(`command ${cmd.type} on ${this.instance.id} rejected: ${result.rejection}`);
    });
  }

  // ---- HA: worker-group gate, worker failover and reconciliation (see failover.ts, reconciler.ts) ----

  /** Dispatch gate: a task whose worker group has no live worker waits, visibly, until one exists. */
  private async workerAvailable(
    tx: Tx,
    events: NewInstanceEvent[],
    row: TaskInstanceRow,
    group: string,
  ): Promise<boolean> {
    const groups = this.r.workerGroups;
    if (!groups || groups.isLiveCached(group)) return true;
    const reason = noWorkerReason(group);
    if (row.waitReason !== reason) {
      await tx.update(taskInstance).set({ waitReason: reason }).where(eq(taskInstance.id, row.id));
      this.latest.set(row.taskCode, { ...row, waitReason: reason });
      events.push({
        workflowInstanceId: this.instance.id,
        taskInstanceId: row.id,
        taskCode: row.taskCode,
        kind: "wait",
        message: reason,
      });
    }
    groups.waitFor(group, this.instance.id);
    return false;
  }

  /** The worker of an attempt is gone: NEED_FAILOVER, and a new attempt (re-run once per failure). */
  onWorkerLost(taskInstanceId: string, workerId: string): Promise<void> {
    return this.run(async () => {
      const row = [...this.latest.values()].find((r) => r.id === taskInstanceId);
      if (!row || (row.state !== "DISPATCHED" && row.state !== "RUNNING")) return;
      this.r.log(
        `worker ${workerId} lost task "${row.taskName}" of ${this.instance.id}: failing it over`,
      );
      await this.applyTaskEvent(
        row,
        { type: "workerLost" },
        { error: `worker ${workerId} was lost; failed over` },
      );
    });
  }

  /** Re-creates from Postgres what Redis lost for this instance (task jobs, durable timers), then moves on. */
  reconcile(): Promise<void> {
    return this.run(async () => {
      await this.rearmLogicChecks();
      const jobs: Array<{ group: string; job: TaskJob; priority: number }> = [];
      for (const row of [...this.latest.values()]) {
        const task = this.tasks.get(row.taskCode);
        if (!task) continue;
        if (row.state === "DISPATCHED") {
          if (await this.r.queues.queue(`tasks.${task.workerGroup}`).getJob(jobIds.task(row.id)))
            continue;
          const resolved = this.resolveParams(task);
          if (resolved.ok) {
            jobs.push({
              group: task.workerGroup,
              job: this.taskJob(row, task, resolved.value),
              priority: dispatchPriority(this.instance.priority, task.priority),
            });
          }
        } else if (
          row.state === "DELAY_EXECUTION" ||
          (row.state === "SUBMITTED" && row.waitReason?.startsWith("retry interval"))
        ) {
          const until = Date.parse(/until (\S+)$/.exec(row.waitReason ?? "")?.[1] ?? "");
          await this.timer(
            row.state === "DELAY_EXECUTION" ? "delay" : "retry",
            row.id,
            Number.isNaN(until) ? 0 : until - Date.now(),
          );
        } else if (row.state === "RUNNING" && task.timeout && row.startTime) {
          await this.timer(
            "timeout",
            row.id,
            task.timeout.seconds * 1000 - (Date.now() - row.startTime.getTime()),
          );
        }
      }
      if (jobs.length > 0)
        this.r.log(
          `reconcile ${this.instance.id}: re-enqueued ${jobs.length} dispatched attempt(s) missing from Redis`,
        );
      await this.enqueue(jobs);
      await this.advance();
    });
  }

  // ---- logic tasks (conditions, switch, sub_workflow, dependent): run here, never on a worker, never retried ----

  private runsInMaster(task: TaskDefinition): boolean {
    return getTaskType(task.type)?.runtime === "master";
  }

  /** Branch decisions recorded on finished switch/conditions attempts, as readiness options. */
  private branching(): { skipped: Set<string>; conditions: ReadonlySet<string> } {
    return {
      skipped: skippedTasks(this.dag, branchDecisions(this.latest.values())),
      conditions: this.conditionCodes,
    };
  }

  /**
   * Params as a task sees them, every value resolved (`${x}` and `$[time]`), with or without the
   * system params; errors name the task.
   */
  private resolvedVars(
    task: TaskDefinition,
    withSystem: boolean,
  ): { ok: true; value: Record<string, string> } | { ok: false; error: string } {
    const baseTime = this.instance.scheduleTime ?? this.instance.startTime ?? new Date();
    const system = systemParams(baseTime, this.r.timeZone);
    if (!system.ok) return { ok: false, error: `task "${task.name}": ${system.error.message}` };
    const upstream = [...upstreamClosure(this.dag, [task.code])]
      .map((code) => this.latest.get(code))
      .filter(
        (row): row is TaskInstanceRow =>
          !!row && isTaskSuccess(row.state) && !!row.outParams && row.taskCode !== task.code,
      )
      .sort((a, b) => (a.endTime?.getTime() ?? 0) - (b.endTime?.getTime() ?? 0))
      .flatMap((row) => Object.entries(row.outParams!).map(([name, value]) => ({ name, value })));
    const sources = {
      global: this.definition.globalParams,
      upstreamOut: upstream,
      local: task.localParams,
      startup: this.instance.options.paramOverrides ?? {},
    };
    const all = mergeParams({ system: system.value, ...sources });
    const own = withSystem
      ? all
      : Object.fromEntries(Object.keys(mergeParams(sources)).map((k) => [k, all[k] ?? ""]));
    const resolved = resolveTaskParams(own, {
      params: all,
      baseTime,
      timeZone: this.r.timeZone,
      rootPath: "params",
    });
    if (!resolved.ok) return { ok: false, error: `task "${task.name}": ${resolved.error.message}` };
    return { ok: true, value: resolved.value };
  }

  private async setDetail(
    tx: Tx,
    row: TaskInstanceRow,
    detail: Record<string, unknown>,
    extra: Partial<TaskInstanceRow> = {},
  ): Promise<TaskInstanceRow> {
    await tx
      .update(taskInstance)
      .set({ detail, ...extra })
      .where(eq(taskInstance.id, row.id));
    const next = { ...row, detail, ...extra };
    if (this.latest.get(row.taskCode)?.id === row.id) this.latest.set(row.taskCode, next);
    return next;
  }

  /** Ends a logic task inside a commit, recording its alert the way worker results do. */
  private async finishInTx(
    tx: Tx,
    events: NewInstanceEvent[],
    row: TaskInstanceRow,
    event: TaskEvent,
    patch: Partial<TaskInstanceRow>,
  ): Promise<void> {
    const res = await this.applyTask(tx, events, row, event, patch);
    for (const effect of res.effects) {
      if (effect.type === "notify") {
        events.push({
          workflowInstanceId: this.instance.id,
          taskInstanceId: row.id,
          taskCode: row.taskCode,
          kind: "alert",
          message: effect.event,
        });
      }
    }
  }

  /**
   * Starts a logic task inside the dispatch commit: SUBMITTED → DISPATCHED → RUNNING on this master,
   * then conditions and switch decide at once; sub_workflow and dependent stay RUNNING and are driven
   * by durable check timers. Returns true when the task already finished.
   */
  private async startLogicTask(
    tx: Tx,
    events: NewInstanceEvent[],
    row: TaskInstanceRow,
    task: TaskDefinition,
    after: AfterCommit[],
  ): Promise<boolean> {
    if (!(await this.applyTask(tx, events, row, { type: "dispatched" }, { waitReason: null })).ok)
      return false;
    await this.applyTask(
      tx,
      events,
      this.latest.get(row.taskCode)!,
      { type: "started", host: this.r.masterId },
      { host: this.r.masterId },
    );
    const running = this.latest.get(row.taskCode)!;
    const fail = async (error: string) => {
      await this.finishInTx(
        tx,
        events,
        running,
        { type: "failed", exitCode: null, reason: error },
        { error },
      );
      return true;
    };
    const label = `task "${task.name}"`;
    switch (task.type) {
      case "conditions": {
        const p = ConditionsParamsSchema.safeParse(task.params);
        if (!p.success)
          return fail(`${label}: invalid params: ${p.error.issues[0]?.message ?? "?"}`);
        const states = new Map<string, TaskInstanceState | undefined>(
          p.data.conditions.map((c) => [c.taskCode, this.latest.get(c.taskCode)?.state]),
        );
        const r = conditionsOutcome(p.data, states);
        await this.finishInTx(
          tx,
          events,
          running,
          { type: "succeeded" },
          { detail: { outcome: r.outcome, next: r.next, checks: r.checks } },
        );
        return true;
      }
      case "switch": {
        const p = SwitchParamsSchema.safeParse(task.params);
        if (!p.success)
          return fail(`${label}: invalid params: ${p.error.issues[0]?.message ?? "?"}`);
        const vars = this.resolvedVars(task, true);
        if (!vars.ok) return fail(vars.error);
        const r = chooseSwitchBranch(p.data, vars.value);
        if (!r.ok) return fail(`${label}: ${r.error}`);
        await this.finishInTx(
          tx,
          events,
          running,
          { type: "succeeded" },
          { detail: { branch: r.value.branch, next: [r.value.next] } },
        );
        return true;
      }
      case "sub_workflow": {
        const finished = await this.startSubWorkflow(tx, events, running, task, after, fail);
        // The task's own timeout (warn/fail) applies while it waits on its child.
        const timeout = task.timeout;
        if (!finished && timeout)
          after.push(() => this.timer("timeout", running.id, timeout.seconds * 1000));
        return finished;
      }
      case "dependent": {
        if (!DependentParamsSchema.safeParse(task.params).success)
          return fail(`${label}: invalid params`);
        await this.setDetail(tx, running, { seq: 0 }, { waitReason: "checking dependencies" });
        after.push(() => this.checkTimer(running.id, 0, 0));
        return false;
      }
      default:
        return fail(`${label}: task type "${task.type}" cannot run in the master`);
    }
  }

  /**
   * Starts the child instance through the outbox (a START command carrying the parent ids and this
   * instance's params), or continues the child of an earlier attempt that paused, stopped or failed.
   */
  private async startSubWorkflow(
    tx: Tx,
    events: NewInstanceEvent[],
    row: TaskInstanceRow,
    task: TaskDefinition,
    after: AfterCommit[],
    fail: (error: string) => Promise<boolean>,
  ): Promise<boolean> {
    const label = `task "${task.name}"`;
    const p = SubWorkflowParamsSchema.safeParse(task.params);
    if (!p.success) return fail(`${label}: invalid params: ${p.error.issues[0]?.message ?? "?"}`);
    const prev = await previousChild(tx, this.instance.id, task.code, this.instance.generation);
    if (prev && prev.state !== "SUCCESS") {
      const recover =
        prev.state === "FAILURE"
          ? "RECOVER_FAILED"
          : prev.state === "PAUSE" || prev.state === "STOP"
            ? "RECOVER_PAUSED"
            : null;
      const commandId = recover
        ? await insertCommand(tx, {
            type: recover,
            projectId: this.instance.projectId,
            instanceId: prev.id,
            createdBy: this.instance.createdBy,
          })
        : null;
      const detail: SubWorkflowDetail = {
        workflowId: p.data.workflowId,
        version: p.data.version ?? 0,
        childInstanceId: prev.id,
        seq: 0,
      };
      await this.setDetail(tx, row, { ...detail });
      after.push(async () => {
        if (commandId) await this.r.queues.enqueueCommand({ commandId });
        await this.checkTimer(row.id, 0, SUB_WORKFLOW_CHECK_MS);
      });
      return false;
    }
    const version = await subWorkflowVersion(tx, this.instance.projectId, p.data);
    if ("error" in version) return fail(`${label}: ${version.error}`);
    const vars = this.resolvedVars(task, false);
    if (!vars.ok) return fail(vars.error);
    const commandId = await insertCommand(tx, {
      type: "START",
      projectId: this.instance.projectId,
      workflowId: p.data.workflowId,
      workflowVersion: version.version,
      options: {
        paramOverrides: vars.value,
        parentInstanceId: this.instance.id,
        parentTaskInstanceId: row.id,
        ...(this.instance.scheduleTime
          ? { scheduleTime: this.instance.scheduleTime.toISOString() }
          : {}),
      },
      failureStrategy: this.instance.failureStrategy,
      priority: this.instance.priority,
      workerGroup: this.instance.workerGroup,
      createdBy: this.instance.createdBy,
    });
    const detail: SubWorkflowDetail = {
      workflowId: p.data.workflowId,
      version: version.version,
      commandId,
      seq: 0,
    };
    await this.setDetail(tx, row, { ...detail });
    after.push(async () => {
      await this.r.queues.enqueueCommand({ commandId });
      await this.checkTimer(row.id, 0, SUB_WORKFLOW_CHECK_MS);
    });
    return false;
  }

  /** Parent PAUSE/STOP reaching a running logic task: a dependent wait ends; a sub-workflow's child is told. */
  private async interruptLogicTask(
    tx: Tx,
    events: NewInstanceEvent[],
    row: TaskInstanceRow,
    how: "PAUSE" | "STOP",
    after: AfterCommit[],
  ): Promise<void> {
    if (row.taskType !== "sub_workflow") {
      await this.applyTask(
        tx,
        events,
        row,
        how === "STOP" ? { type: "killed" } : { type: "suspended" },
        { waitReason: null },
      );
      return;
    }
    const detail = (row.detail ?? {}) as unknown as SubWorkflowDetail;
    const child = await findChild(tx, detail);
    // No child yet: the next check passes the command on once the child exists.
    if (!child || isWorkflowFinal(child.state)) return;
    const commandId = await insertCommand(tx, {
      type: how,
      projectId: this.instance.projectId,
      instanceId: child.id,
      createdBy: this.instance.createdBy,
    });
    await this.setDetail(tx, row, {
      ...detail,
      childInstanceId: child.id,
      ...(how === "STOP" ? { stopSent: true } : { pauseSent: true }),
    });
    after.push(() => this.r.queues.enqueueCommand({ commandId }));
  }

  /** A sub_workflow attempt that timed out with strategy fail: its child is stopped. */
  private async stopChild(row: TaskInstanceRow): Promise<void> {
    const child = await findChild(this.r.db, (row.detail ?? {}) as unknown as SubWorkflowDetail);
    if (!child || isWorkflowFinal(child.state)) return;
    let commandId = "";
    await this.commit(async (tx) => {
      commandId = await insertCommand(tx, {
        type: "STOP",
        projectId: this.instance.projectId,
        instanceId: child.id,
        createdBy: this.instance.createdBy,
      });
    });
    await this.r.queues.enqueueCommand({ commandId });
  }

  /** A check timer numbered `seq` on this master's queue (numbered so duplicates and stale chains do nothing). */
  private async checkTimer(taskInstanceId: string, seq: number, delayMs: number): Promise<void> {
    await this.r.queues.toMaster(
      this.r.masterId,
      { kind: "timer", timer: "check", instanceId: this.instance.id, taskInstanceId, seq },
      { delay: Math.max(0, delayMs), jobId: jobIds.timer(taskInstanceId, `check-${seq}`) },
    );
  }

  /** After a rebuild: re-arm the check of every waiting logic task (a no-op when its timer is still queued). */
  private async rearmLogicChecks(): Promise<void> {
    for (const row of this.latest.values()) {
      if (
        row.state !== "RUNNING" ||
        (row.taskType !== "sub_workflow" && row.taskType !== "dependent")
      )
        continue;
      const seq = typeof row.detail?.seq === "number" ? row.detail.seq : 0;
      await this.checkTimer(row.id, seq, 0);
    }
  }

  private async checkLogicTask(row: TaskInstanceRow, seq: number): Promise<void> {
    if (row.state !== "RUNNING" || (row.detail?.seq ?? 0) !== seq) return; // finished, or a stale duplicate
    const task = this.tasks.get(row.taskCode)!;
    if (task.type === "sub_workflow") await this.syncSubWorkflow(row, task, seq);
    else if (task.type === "dependent") await this.checkDependentTask(row, task, seq);
  }

  /** A child instance finished: its parent task follows (sent by the child's runner, see notifyParent). */
  onChildFinished(childInstanceId: string): Promise<void> {
    return this.run(async () => {
      const [child] = await this.r.db
        .select({
          commandId: workflowInstance.commandId,
          parentTaskInstanceId: workflowInstance.parentTaskInstanceId,
        })
        .from(workflowInstance)
        .where(eq(workflowInstance.id, childInstanceId));
      if (!child) return;
      const row = [...this.latest.values()].find(
        (r) =>
          r.taskType === "sub_workflow" &&
          r.state === "RUNNING" &&
          (r.detail?.childInstanceId === childInstanceId ||
            r.detail?.commandId === child.commandId ||
            r.id === child.parentTaskInstanceId),
      );
      if (row) await this.syncSubWorkflow(row, this.tasks.get(row.taskCode)!, null);
    });
  }

  /** Tells the parent's owner that this child instance finished (the parent's check timer is the backstop). */
  private async notifyParent(): Promise<void> {
    const parentId = this.instance.parentInstanceId;
    if (!parentId) return;
    try {
      const [parent] = await this.r.db
        .select({ owner: workflowInstance.owner })
        .from(workflowInstance)
        .where(eq(workflowInstance.id, parentId));
      if (!parent?.owner) return;
      await this.r.queues.toMaster(
        parent.owner,
        { kind: "childFinished", instanceId: parentId, childInstanceId: this.instance.id },
        { jobId: `child-${this.instance.id}-${this.instance.state}-${Date.now()}` },
      );
    } catch (err) {
      this.r.log(
        `could not tell parent ${parentId} that ${this.instance.id} finished: ${(err as Error).message}`,
      );
    }
  }

  /**
   * Moves a sub_workflow task along with its child: SUCCESS (with the child's OUT params), FAILURE,
   * KILL (child stopped) or PAUSE (child paused); passes a parent STOP/PAUSE on to a child that did not
   * exist yet when it was issued; while the child runs, arms the next check (`seq` null: no new check).
   */
  private async syncSubWorkflow(
    row: TaskInstanceRow,
    task: TaskDefinition,
    seq: number | null,
  ): Promise<void> {
    const detail = (row.detail ?? {}) as unknown as SubWorkflowDetail;
    const child = await findChild(this.r.db, detail);
    const label = `task "${task.name}"`;
    if (!child) {
      const rejected = detail.commandId ? await rejectedStart(this.r.db, detail.commandId) : null;
      if (rejected) {
        const error = `${label}: sub-workflow ${detail.workflowId} could not start: ${rejected}`;
        await this.applyTaskEvent(
          row,
          { type: "failed", exitCode: null, reason: error },
          { error },
        );
        return;
      }
    } else if (isWorkflowFinal(child.state)) {
      const d = { ...detail, childInstanceId: child.id, childState: child.state };
      if (child.state === "SUCCESS") {
        await this.applyTaskEvent(
          row,
          { type: "succeeded" },
          { detail: d, outParams: await childOutParams(this.r.db, child.id) },
        );
      } else if (child.state === "PAUSE") {
        await this.applyTaskEvent(row, { type: "suspended" }, { detail: d });
      } else {
        const error = `${label}: sub-workflow instance "${child.name}" ended ${child.state}`;
        await this.applyTaskEvent(
          row,
          child.state === "STOP"
            ? { type: "killed" }
            : { type: "failed", exitCode: null, reason: error },
          { detail: d, error },
        );
      }
      return;
    }
    if (seq === null && (!child || detail.childInstanceId)) return;
    const pass =
      child && this.instance.state === "READY_STOP" && !detail.stopSent
        ? ("STOP" as const)
        : child && this.instance.state === "READY_PAUSE" && !detail.pauseSent && !detail.stopSent
          ? ("PAUSE" as const)
          : null;
    let commandId: string | null = null;
    const next = seq === null ? (detail.seq ?? 0) : seq + 1;
    await this.commit(async (tx) => {
      if (pass && child)
        commandId = await insertCommand(tx, {
          type: pass,
          projectId: this.instance.projectId,
          instanceId: child.id,
          createdBy: this.instance.createdBy,
        });
      await this.setDetail(tx, row, {
        ...detail,
        ...(child ? { childInstanceId: child.id } : {}),
        ...(pass === "STOP" ? { stopSent: true } : pass === "PAUSE" ? { pauseSent: true } : {}),
        seq: next,
      });
    });
    if (commandId) await this.r.queues.enqueueCommand({ commandId });
    if (seq !== null) await this.checkTimer(row.id, next, SUB_WORKFLOW_CHECK_MS);
  }

  /** One check of a dependent task: succeed, fail, or record why it waits and check again later. */
  private async checkDependentTask(
    row: TaskInstanceRow,
    task: TaskDefinition,
    seq: number,
  ): Promise<void> {
    const label = `task "${task.name}"`;
    const p = DependentParamsSchema.parse(task.params);
    const res = await checkDependent(this.r.db, {
      projectId: this.instance.projectId,
      selfInstanceId: this.instance.id,
      params: p,
      base: this.instance.scheduleTime ?? this.instance.startTime ?? new Date(),
      timeZone: this.r.timeZone,
    });
    if ("error" in res) {
      const error = `${label}: ${res.error}`;
      await this.applyTaskEvent(
        row,
        { type: "failed", exitCode: null, reason: error },
        { error, waitReason: null },
      );
      return;
    }
    const detail: Record<string, unknown> = {
      ...(row.detail ?? {}),
      result: res.status,
      items: res.items,
    };
    const status =
      res.status === "failed" && p.onDependencyFailure === "wait" ? "waiting" : res.status;
    if (status === "met") {
      await this.applyTaskEvent(row, { type: "succeeded" }, { detail, waitReason: null });
      return;
    }
    if (status === "failed") {
      const error = `${label}: ${res.reason}`;
      await this.applyTaskEvent(
        row,
        { type: "failed", exitCode: null, reason: error },
        { detail, error, waitReason: null },
      );
      return;
    }
    const waitedMs = Date.now() - (row.startTime?.getTime() ?? Date.now());
    const limitMs = p.timeoutSeconds === null ? null : p.timeoutSeconds * 1000;
    const timedOut = limitMs !== null && waitedMs >= limitMs;
    if (timedOut && p.onTimeout === "fail") {
      const error = `${label}: timed out after ${p.timeoutSeconds}s: ${res.reason}`;
      await this.applyTaskEvent(
        row,
        { type: "failed", exitCode: null, reason: error },
        { detail, error, waitReason: null },
      );
      return;
    }
    const warn = timedOut && !row.detail?.timeoutWarned;
    const next = seq + 1;
    await this.commit(async (tx, events) => {
      await this.setDetail(
        tx,
        row,
        { ...detail, seq: next, ...(timedOut ? { timeoutWarned: true } : {}) },
        { waitReason: res.reason },
      );
      if (warn)
        events.push({
          workflowInstanceId: this.instance.id,
          taskInstanceId: row.id,
          taskCode: row.taskCode,
          kind: "alert",
          message: "taskTimedOut",
        });
    });
    const interval = p.checkIntervalSeconds * 1000;
    const delay = limitMs !== null && !timedOut ? Math.min(interval, limitMs - waitedMs) : interval;
    await this.checkTimer(row.id, next, delay);
  }
}
