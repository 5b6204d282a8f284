import { and, desc, eq, sql } from "drizzle-orm";
import {
  findSubWorkflowLoop,
  subWorkflowRefs,
  validateWorkflow,
  type SubWorkflowRef,
  type ValidationIssue,
  type WorkflowDefinition,
} from "@shoal/core";
import { appUser, workflow, workflowVersion, type Db, type DbOrTx } from "@shoal/db";
import { ConflictError, InvalidWorkflowError, isUniqueViolation, NotFoundError } from "../errors";
import type { SessionUser } from "./auth";

/** What the editor opens for a workflow that was never saved (version 0). */
export function emptyDefinition(name: string): WorkflowDefinition {
  return { name, description: "", globalParams: [], tasks: [], edges: [] };
}

const workflowColumns = {
  id: workflow.id,
  projectId: workflow.projectId,
  name: workflow.name,
  currentVersion: workflow.currentVersion,
  createdAt: workflow.createdAt,
  updatedAt: workflow.updatedAt,
};

/** Workflows of a project, with the current version's description and the latest instance's state. */
export async function listWorkflows(db: Db, projectId: string) {
  return db
    .select({
      ...workflowColumns,
      description: sql<string>`coalesce((select wv.definition->>'description' from workflow_version wv where wv.workflow_id = "workflow"."id" and wv.version = "workflow"."current_version"), '')`,
      lastInstance: sql<{
        id: string;
        state: string;
        createdAt: string;
      } | null>`(select json_build_object('id', wi.id, 'state', wi.state, 'createdAt', wi.created_at) from workflow_instance wi where wi.workflow_id = "workflow"."id" order by wi.created_at desc limit 1)`,
    })
    .from(workflow)
    .where(eq(workflow.projectId, projectId))
    .orderBy(workflow.name);
}

async function loadWorkflow(db: Db, projectId: string, workflowId: string) {
  const [row] = await db
    .select(workflowColumns)
    .from(workflow)
    .where(and(eq(workflow.id, workflowId), eq(workflow.projectId, projectId)));
  if (!row) throw new NotFoundError(`workflow ${workflowId}`);
  return row;
}

/** Creates a workflow at version 0 (no definition yet: the editor opens an empty canvas). */
export async function createWorkflow(
  db: Db,
  user: SessionUser,
  input: { projectId: string; name: string },
) {
  try {
    const [row] = await db
      .insert(workflow)
      .values({ projectId: input.projectId, name: input.name, createdBy: user.id })
      .returning(workflowColumns);
    return row!;
  } catch (err) {
    if (isUniqueViolation(err))
      throw new ConflictError(`a workflow named "${input.name}" already exists in this project`);
    throw err;
  }
}

/** A workflow with one version's definition (the current one by default; version 0 is the empty canvas). */
export async function getWorkflow(
  db: Db,
  input: { projectId: string; workflowId: string; version?: number },
) {
  const wf = await loadWorkflow(db, input.projectId, input.workflowId);
  const version = input.version ?? wf.currentVersion;
  if (version === 0) return { workflow: wf, version: 0, definition: emptyDefinition(wf.name) };
  const [row] = await db
    .select({ definition: workflowVersion.definition })
    .from(workflowVersion)
    .where(and(eq(workflowVersion.workflowId, wf.id), eq(workflowVersion.version, version)));
  if (!row) throw new NotFoundError(`version ${version} of workflow "${wf.name}"`);
  return { workflow: wf, version, definition: row.definition };
}

/**
 * Validates and saves a new version (max + 1) and makes it current, in one transaction. The workflow
 * takes the definition's name. Nothing is written when validation fails.
 */
export async function saveWorkflow(
  db: Db,
  user: SessionUser,
  input: { projectId: string; workflowId: string; definition: unknown; baseVersion?: number },
): Promise<{ version: number }> {
  const result = validateWorkflow(input.definition);
  if (!result.ok) throw new InvalidWorkflowError(result.error);
  const definition = result.value;
  try {
    return await db.transaction(async (tx) => {
      const [wf] = await tx
        .select({ id: workflow.id, currentVersion: workflow.currentVersion })
        .from(workflow)
        .where(and(eq(workflow.id, input.workflowId), eq(workflow.projectId, input.projectId)))
        .for("update");
      if (!wf) throw new NotFoundError(`workflow ${input.workflowId}`);
      const loops = await subWorkflowLoops(tx, input.projectId, wf.id, definition);
      if (loops.length > 0) throw new InvalidWorkflowError(loops);
      if (input.baseVersion !== undefined && input.baseVersion !== wf.currentVersion) {
        throw new ConflictError(
          `the workflow was saved meanwhile (now version ${wf.currentVersion}, you edited version ${input.baseVersion}): reload it first`,
        );
      }
      const [max] = await tx
        .select({ v: sql<number>`coalesce(max(${workflowVersion.version}), 0)::int` })
        .from(workflowVersion)
        .where(eq(workflowVersion.workflowId, wf.id));
      const version = (max?.v ?? 0) + 1;
      await tx
        .insert(workflowVersion)
        .values({ workflowId: wf.id, version, definition, createdBy: user.id });
      await tx
        .update(workflow)
        .set({ currentVersion: version, name: definition.name, updatedAt: sql`now()` })
        .where(eq(workflow.id, wf.id));
      return { version };
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new ConflictError(
        `another workflow in this project is already named "${definition.name}"`,
      );
    }
    throw err;
  }
}

/**
 * A sub_workflow task that leads back to the workflow being saved (directly or through other
 * workflows) would start instances forever: one issue per such task, naming the chain.
 */
async function subWorkflowLoops(
  tx: DbOrTx,
  projectId: string,
  selfId: string,
  definition: WorkflowDefinition,
): Promise<ValidationIssue[]> {
  const names = new Map<string, string>();
  const refsOf = async (workflowId: string, version: number | null): Promise<SubWorkflowRef[]> => {
    if (workflowId === selfId) return subWorkflowRefs(definition.tasks);
    const [row] = await tx
      .select({ name: workflow.name, definition: workflowVersion.definition })
      .from(workflow)
      .innerJoin(workflowVersion, eq(workflowVersion.workflowId, workflow.id))
      .where(
        and(
          eq(workflow.id, workflowId),
          eq(workflow.projectId, projectId),
          version === null
            ? eq(workflowVersion.version, workflow.currentVersion)
            : eq(workflowVersion.version, version),
        ),
      );
    if (!row) return [];
    names.set(workflowId, row.name);
    return subWorkflowRefs(row.definition.tasks);
  };
  const issues: ValidationIssue[] = [];
  for (const ref of subWorkflowRefs(definition.tasks)) {
    const loop = await findSubWorkflowLoop(selfId, ref.workflowId, refsOf, ref.version);
    if (!loop) continue;
    const chain = [
      definition.name,
      ...loop.map((id) => (id === selfId ? definition.name : (names.get(id) ?? id))),
    ];
    issues.push({
      code: "sub_workflow_cycle",
      taskCode: ref.taskCode,
      taskName: ref.taskName,
      field: "params.workflowId",
      message: `task "${ref.taskName}": the sub-workflow includes this workflow again (${chain.join(" → ")})`,
    });
  }
  return issues;
}

export async function listVersions(db: Db, input: { projectId: string; workflowId: string }) {
  const wf = await loadWorkflow(db, input.projectId, input.workflowId);
  const rows = await db
    .select({
      version: workflowVersion.version,
      createdAt: workflowVersion.createdAt,
      createdBy: appUser.username,
      taskCount: sql<number>`jsonb_array_length(${workflowVersion.definition}->'tasks')`,
    })
    .from(workflowVersion)
    .leftJoin(appUser, eq(appUser.id, workflowVersion.createdBy))
    .where(eq(workflowVersion.workflowId, wf.id))
    .orderBy(desc(workflowVersion.version));
  return rows.map((r) => ({ ...r, current: r.version === wf.currentVersion }));
}

/**
 * Makes an existing version current, as DolphinScheduler's "switch version" does: the pointer moves, no
 * version is written, and the next save becomes max + 1. The workflow takes that version's name.
 */
export async function makeVersionCurrent(
  db: Db,
  input: { projectId: string; workflowId: string; version: number },
): Promise<{ version: number }> {
  try {
    return await db.transaction(async (tx) => {
      const [wf] = await tx
        .select({ id: workflow.id, name: workflow.name })
        .from(workflow)
        .where(and(eq(workflow.id, input.workflowId), eq(workflow.projectId, input.projectId)))
        .for("update");
      if (!wf) throw new NotFoundError(`workflow ${input.workflowId}`);
      const [row] = await tx
        .select({ name: sql<string>`${workflowVersion.definition}->>'name'` })
        .from(workflowVersion)
        .where(
          and(eq(workflowVersion.workflowId, wf.id), eq(workflowVersion.version, input.version)),
        );
      if (!row) throw new NotFoundError(`version ${input.version} of workflow "${wf.name}"`);
      await tx
        .update(workflow)
        .set({ currentVersion: input.version, name: row.name, updatedAt: sql`now()` })
        .where(eq(workflow.id, wf.id));
      return { version: input.version };
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new ConflictError(
        `version ${input.version}'s name is taken by another workflow in this project`,
      );
    }
    throw err;
  }
}
