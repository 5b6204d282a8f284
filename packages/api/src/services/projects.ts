import { asc, eq, exists, sql } from "drizzle-orm";
import { project, projectMember, type Db } from "@shoal/db";
import { ConflictError, isUniqueViolation, NotFoundError } from "../errors";
import type { SessionUser } from "./auth";

const ACTIVE_STATES = sql`('SUBMITTED','RUNNING','READY_PAUSE','READY_STOP','SERIAL_WAIT')`;

const projectColumns = {
  id: project.id,
  name: project.name,
  description: project.description,
  createdAt: project.createdAt,
  // Raw SQL with explicit aliases: drizzle leaves columns unqualified in single-table selects, which
  // would bind to the subquery's own table.
  workflowCount: sql<number>`(select count(*)::int from workflow w where w.project_id = "project"."id")`,
  runningCount: sql<number>`(select count(*)::int from workflow_instance wi where wi.project_id = "project"."id" and wi.state in ${ACTIVE_STATES})`,
  failedLast24h: sql<number>`(select count(*)::int from workflow_instance wi where wi.project_id = "project"."id" and wi.state = 'FAILURE' and coalesce(wi.end_time, wi.updated_at) > now() - interval '24 hours')`,
};

function visibleTo(user: SessionUser) {
  if (user.role === "admin") return undefined;
  return exists(
    sql`(select 1 from project_member pm where pm.project_id = "project"."id" and pm.user_id = ${user.id})`,
  );
}

/** Projects the user can see (all of them for an admin), with workflow and instance counts. */
export async function listProjects(db: Db, user: SessionUser) {
  return db.select(projectColumns).from(project).where(visibleTo(user)).orderBy(asc(project.name));
}

export async function getProject(db: Db, projectId: string) {
  const [row] = await db.select(projectColumns).from(project).where(eq(project.id, projectId));
  if (!row) throw new NotFoundError(`project ${projectId}`);
  return row;
}

/** Creates a project; its creator becomes its owner. */
export async function createProject(db: Db, user: SessionUser, input: { name: string; description: string }) {
  try {
    const id = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(project)
        .values({ name: input.name, description: input.description, createdBy: user.id })
        .returning({ id: project.id });
      await tx.insert(projectMember).values({ projectId: row!.id, userId: user.id, role: "owner" });
      return row!.id;
    });
    return getProject(db, id);
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError(`a project named "${input.name}" already exists`);
    throw err;
  }
}
