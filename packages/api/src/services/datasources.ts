import { and, asc, eq } from "drizzle-orm";
import { datasource, findDatasource, type Db } from "@shoal/db";
import {
  decryptSecret,
  encryptSecret,
  testDatasourceConnection,
  type DatasourceConfig,
} from "@shoal/db/datasources";
import { BadRequestError, ConflictError, isUniqueViolation, NotFoundError } from "../errors";
import type { SessionUser } from "./auth";

/** Everything but the password, which is write-only: `hasPassword` says whether one is stored. */
const columns = {
  id: datasource.id,
  projectId: datasource.projectId,
  name: datasource.name,
  type: datasource.type,
  host: datasource.host,
  port: datasource.port,
  database: datasource.database,
  username: datasource.username,
  options: datasource.options,
  description: datasource.description,
  createdAt: datasource.createdAt,
  updatedAt: datasource.updatedAt,
};

export interface DatasourceFields {
  name: string;
  type: DatasourceConfig["type"];
  host: string;
  port: number;
  database: string;
  username: string;
  options: Record<string, string>;
  description: string;
}

const noKey = () =>
  new BadRequestError(
    "the server has no SHOAL_SECRET_KEY, so it cannot store or use data source passwords (set it for the web app and the workers)",
  );

function encrypt(password: string, key: Buffer | null): string {
  if (password === "") return "";
  if (!key) throw noKey();
  return encryptSecret(password, key);
}

function decrypt(stored: string, key: Buffer | null): string {
  if (stored === "") return "";
  if (!key) throw noKey();
  try {
    return decryptSecret(stored, key);
  } catch (err) {
    throw new BadRequestError((err as Error).message);
  }
}

const withHasPassword = <T extends { passwordEncrypted: string }>({
  passwordEncrypted,
  ...row
}: T) => ({ ...row, hasPassword: passwordEncrypted !== "" });

export async function listDatasources(db: Db, projectId: string) {
  const rows = await db
    .select({ ...columns, passwordEncrypted: datasource.passwordEncrypted })
    .from(datasource)
    .where(eq(datasource.projectId, projectId))
    .orderBy(asc(datasource.name));
  return rows.map(withHasPassword);
}

async function getDatasource(db: Db, projectId: string, datasourceId: string) {
  const [row] = await db
    .select({ ...columns, passwordEncrypted: datasource.passwordEncrypted })
    .from(datasource)
    .where(and(eq(datasource.id, datasourceId), eq(datasource.projectId, projectId)));
  if (!row) throw new NotFoundError(`data source ${datasourceId}`);
  return row;
}

export async function createDatasource(
  db: Db,
  key: Buffer | null,
  user: SessionUser,
  input: DatasourceFields & { projectId: string; password: string },
) {
  const { password, ...fields } = input;
  try {
    const [row] = await db
      .insert(datasource)
      .values({ ...fields, passwordEncrypted: encrypt(password, key), createdBy: user.id })
      .returning({ id: datasource.id });
    return withHasPassword(await getDatasource(db, input.projectId, row!.id));
  } catch (err) {
    if (isUniqueViolation(err))
      throw new ConflictError(`a data source named "${input.name}" already exists in this project`);
    throw err;
  }
}

/** Updates the fields given; `password` undefined keeps the stored one, "" removes it. */
export async function updateDatasource(
  db: Db,
  key: Buffer | null,
  input: Partial<DatasourceFields> & { projectId: string; datasourceId: string; password?: string },
) {
  const { projectId, datasourceId, password, ...fields } = input;
  await getDatasource(db, projectId, datasourceId);
  try {
    await db
      .update(datasource)
      .set({
        ...fields,
        ...(password === undefined ? {} : { passwordEncrypted: encrypt(password, key) }),
        updatedAt: new Date(),
      })
      .where(and(eq(datasource.id, datasourceId), eq(datasource.projectId, projectId)));
  } catch (err) {
    if (isUniqueViolation(err))
      throw new ConflictError(
        `a data source named "${fields.name}" already exists in this project`,
      );
    throw err;
  }
  return withHasPassword(await getDatasource(db, projectId, datasourceId));
}

export async function deleteDatasource(db: Db, projectId: string, datasourceId: string) {
  const rows = await db
    .delete(datasource)
    .where(and(eq(datasource.id, datasourceId), eq(datasource.projectId, projectId)))
    .returning({ id: datasource.id });
  if (rows.length === 0) throw new NotFoundError(`data source ${datasourceId}`);
  return { ok: true as const };
}

/**
 * Connects with the given settings (a dialog's unsaved values). With `datasourceId` and no `password`,
 * the stored password is used, so editing other fields does not require retyping it.
 */
export async function testDatasource(
  db: Db,
  key: Buffer | null,
  input: Omit<DatasourceFields, "name" | "description"> & {
    projectId: string;
    datasourceId?: string;
    password?: string;
  },
) {
  let password = input.password ?? "";
  if (input.password === undefined && input.datasourceId) {
    const row = await findDatasource(db, input.projectId, input.datasourceId);
    if (!row || row.id !== input.datasourceId)
      throw new NotFoundError(`data source ${input.datasourceId}`);
    password = decrypt(row.passwordEncrypted, key);
  }
  const { type, host, port, database, username, options } = input;
  return testDatasourceConnection({ type, host, port, database, username, password, options });
}
