import { and, eq, or } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { datasource } from "../schema";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A project's data source by name, or by id when `ref` is one (a name match wins); null when none. */
export async function findDatasource(db: DbOrTx, projectId: string, ref: string) {
  const match = UUID.test(ref)
    ? or(eq(datasource.name, ref), eq(datasource.id, ref))
    : eq(datasource.name, ref);
  const rows = await db
    .select({
      id: datasource.id,
      name: datasource.name,
      type: datasource.type,
      host: datasource.host,
      port: datasource.port,
      database: datasource.database,
      username: datasource.username,
      passwordEncrypted: datasource.passwordEncrypted,
      options: datasource.options,
    })
    .from(datasource)
    .where(and(eq(datasource.projectId, projectId), match));
  return rows.find((r) => r.name === ref) ?? rows[0] ?? null;
}
