import { eq } from "drizzle-orm";
import { datasource } from "@shoal/db";
import { decryptSecret } from "@shoal/db/datasources";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addMember,
  adminCookie,
  createApiFixture,
  expectTRPCError,
  type ApiFixture,
} from "../test-helpers";

let fx: ApiFixture;
let admin: string;
let projectId: string;
/** The test Postgres itself, as a data source the web server can reach. */
let pg: {
  type: "postgresql";
  host: string;
  port: number;
  database: string;
  username: string;
};
/** The test server's password, for the calls that really connect (the throwaway Postgres of `npm test` checks it). */
let pgPassword: string | undefined;

beforeAll(async () => {
  fx = await createApiFixture("api_datasource");
  admin = await adminCookie(fx);
  projectId = (await fx.caller(admin).api.project.create({ name: "warehouse" })).id;
  const u = new URL(fx.tdb.url);
  pg = {
    type: "postgresql",
    host: u.hostname,
    port: Number(u.port || 5432),
    database: u.pathname.slice(1),
    username: decodeURIComponent(u.username),
  };
  pgPassword = decodeURIComponent(u.password) || undefined;
});
afterAll(async () => {
  await fx?.close();
});

const stored = async (id: string) =>
  (await fx.tdb.db.select().from(datasource).where(eq(datasource.id, id)))[0]!;

describe("datasource", () => {
  it("creates a data source with its password encrypted at rest and never returned", async () => {
    const api = fx.caller(admin).api;
    const ds = await api.datasource.create({
      projectId,
      name: "dwh",
      ...pg,
      password: "hunter2-secret",
      options: { ssl: "disable" },
      description: "main",
    });
    expect(ds).toMatchObject({
      name: "dwh",
      type: "postgresql",
      host: pg.host,
      hasPassword: true,
      options: { ssl: "disable" },
      description: "main",
    });
    expect(JSON.stringify(ds)).not.toContain("hunter2");
    expect(ds).not.toHaveProperty("passwordEncrypted");
    const row = await stored(ds.id);
    expect(row.passwordEncrypted).toMatch(/^v1:/);
    expect(row.passwordEncrypted).not.toContain("hunter2");
    expect(decryptSecret(row.passwordEncrypted, fx.deps.secretKey!)).toBe("hunter2-secret");

    const list = await api.datasource.list({ projectId });
    expect(list.map((d) => [d.name, d.hasPassword])).toEqual([["dwh", true]]);
    expect(JSON.stringify(list)).not.toContain("v1:");
  });

  it("refuses a duplicate name in the project and bad input naming the field", async () => {
    const api = fx.caller(admin).api;
    const err = await expectTRPCError(
      api.datasource.create({ projectId, name: "dwh", ...pg }),
      "CONFLICT",
    );
    expect(err.message).toBe('a data source named "dwh" already exists in this project');
    const bad = await expectTRPCError(
      api.datasource.create({ projectId, name: "x", ...pg, port: 70000, host: "http://db" }),
      "BAD_REQUEST",
    );
    expect(bad.message).toMatch(/host is a name or an IP address/);
    expect(bad.message).toMatch(/port must be 1–65535/);
    // The same name in another project is fine.
    const other = (await api.project.create({ name: "other" })).id;
    await api.datasource.create({ projectId: other, name: "dwh", ...pg });
  });

  it("updates fields, keeps the password when none is given, replaces or removes it when one is", async () => {
    const api = fx.caller(admin).api;
    const ds = await api.datasource.create({
      projectId,
      name: "edit-me",
      ...pg,
      password: "first",
    });
    const before = (await stored(ds.id)).passwordEncrypted;
    const renamed = await api.datasource.update({
      projectId,
      datasourceId: ds.id,
      name: "edited",
      port: 5433,
    });
    expect(renamed).toMatchObject({
      name: "edited",
      port: 5433,
      host: pg.host,
      hasPassword: true,
      description: "",
    });
    expect((await stored(ds.id)).passwordEncrypted).toBe(before);
    await api.datasource.update({ projectId, datasourceId: ds.id, password: "second" });
    expect(decryptSecret((await stored(ds.id)).passwordEncrypted, fx.deps.secretKey!)).toBe(
      "second",
    );
    expect(
      (await api.datasource.update({ projectId, datasourceId: ds.id, password: "" })).hasPassword,
    ).toBe(false);
    await expectTRPCError(
      api.datasource.update({ projectId, datasourceId: ds.id, name: "dwh" }),
      "CONFLICT",
    );
  });

  it("tests a connection: the server version on success, the driver's message on failure", async () => {
    const api = fx.caller(admin).api;
    const ok = await api.datasource.test({ projectId, ...pg, password: pgPassword });
    expect(ok).toMatchObject({
      ok: true,
      serverVersion: expect.stringMatching(/^PostgreSQL \d+/) as unknown,
    });
    const refused = await api.datasource.test({ projectId, ...pg, password: pgPassword, port: 1 });
    expect(refused).toEqual({ ok: false, error: expect.stringMatching(/ECONNREFUSED/) as unknown });
    const noRole = await api.datasource.test({
      projectId,
      ...pg,
      password: pgPassword,
      username: "shoal_nobody",
    });
    // Trust auth reports the missing role; password auth does not tell a missing role from a wrong password.
    expect(noRole).toEqual({
      ok: false,
      error: expect.stringMatching(
        /^(role "shoal_nobody" does not exist|password authentication failed for user "shoal_nobody")$/,
      ) as unknown,
    });
    const mysqlUrl = new URL(
      process.env.SHOAL_TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test",
    );
    const mysql = await api.datasource.test({
      projectId,
      type: "mysql",
      host: mysqlUrl.hostname,
      port: Number(mysqlUrl.port || 3306),
      database: mysqlUrl.pathname.slice(1) || "test",
      username: decodeURIComponent(mysqlUrl.username) || "root",
      password: decodeURIComponent(mysqlUrl.password) || undefined,
    });
    expect(mysql).toMatchObject({
      ok: true,
      serverVersion: expect.stringMatching(/MariaDB|^\d/) as unknown,
    });
    // A saved data source is tested with its stored password when none is typed.
    const saved = await api.datasource.create({
      projectId,
      name: "stored-password",
      ...pg,
      password: pgPassword ?? "any",
    });
    expect(await api.datasource.test({ projectId, datasourceId: saved.id, ...pg })).toMatchObject({
      ok: true,
    });
  });

  it("deletes with NOT_FOUND for an unknown id or one from another project", async () => {
    const api = fx.caller(admin).api;
    const ds = await api.datasource.create({ projectId, name: "delete-me", ...pg });
    const other = (await api.project.create({ name: "elsewhere" })).id;
    await expectTRPCError(
      api.datasource.delete({ projectId: other, datasourceId: ds.id }),
      "NOT_FOUND",
    );
    await expectTRPCError(
      api.datasource.update({ projectId: other, datasourceId: ds.id, name: "stolen" }),
      "NOT_FOUND",
    );
    await expectTRPCError(
      api.datasource.test({ projectId: other, datasourceId: ds.id, ...pg }),
      "NOT_FOUND",
    );
    expect(await api.datasource.delete({ projectId, datasourceId: ds.id })).toEqual({ ok: true });
    await expectTRPCError(api.datasource.delete({ projectId, datasourceId: ds.id }), "NOT_FOUND");
    expect((await api.datasource.list({ projectId })).map((d) => d.name)).not.toContain(
      "delete-me",
    );
  });

  it("lets viewers list but not change or test; keeps non-members out", async () => {
    const viewer = await fx.userCookie("vera");
    const stranger = await fx.userCookie("stan");
    const vUser = (await fx.caller(viewer).api.auth.status()).user!;
    await addMember(fx, projectId, vUser.id, "viewer");
    const v = fx.caller(viewer).api;
    expect((await v.datasource.list({ projectId })).length).toBeGreaterThan(0);
    await expectTRPCError(v.datasource.create({ projectId, name: "nope", ...pg }), "FORBIDDEN");
    await expectTRPCError(v.datasource.test({ projectId, ...pg }), "FORBIDDEN");
    await expectTRPCError(fx.caller(stranger).api.datasource.list({ projectId }), "FORBIDDEN");
  });
});

describe("datasource without SHOAL_SECRET_KEY", () => {
  let bare: ApiFixture;
  beforeAll(async () => {
    bare = await createApiFixture("api_datasource_nokey", { secretKey: null });
  });
  afterAll(async () => {
    await bare?.close();
  });

  it("stores data sources without a password and refuses a password with a message saying why", async () => {
    const cookie = await adminCookie(bare);
    const api = bare.caller(cookie).api;
    const p = (await api.project.create({ name: "p" })).id;
    expect(await api.datasource.create({ projectId: p, name: "open", ...pg })).toMatchObject({
      hasPassword: false,
    });
    const err = await expectTRPCError(
      api.datasource.create({ projectId: p, name: "locked", ...pg, password: "pw" }),
      "BAD_REQUEST",
    );
    expect(err.message).toMatch(/no SHOAL_SECRET_KEY/);
  });
});
