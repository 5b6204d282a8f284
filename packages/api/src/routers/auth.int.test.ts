import { eq } from "drizzle-orm";
import { appUser } from "@shoal/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureAdminFromEnv } from "../services/auth";
import { cookieFrom, createApiFixture, expectTRPCError, type ApiFixture } from "../test-helpers";
import { appRouter } from "./index";

let fx: ApiFixture;
beforeAll(async () => {
  fx = await createApiFixture("api_auth");
});
afterAll(async () => {
  await fx?.close();
});

const UUID = "00000000-0000-4000-8000-000000000000";

describe("auth", () => {
  it("needs setup before the first user, then only once", async () => {
    const anon = fx.caller().api;
    expect(await anon.auth.status()).toEqual({ needsSetup: true, user: null });

    const { api, resHeaders } = fx.caller();
    const { user } = await api.auth.setup({ username: "admin", password: "admin-password-1" });
    expect(user).toMatchObject({ username: "admin", role: "admin" });
    const setCookie = resHeaders.get("set-cookie")!;
    expect(setCookie).toMatch(/^shoal_session=[A-Za-z0-9_-]{43}; /);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Lax");
    expect(setCookie).toContain("Path=/");
    expect(setCookie).toContain("Max-Age=2592000");

    const cookie = cookieFrom(resHeaders);
    expect(await fx.caller(cookie).api.auth.status()).toEqual({ needsSetup: false, user });

    const again = fx.caller().api.auth.setup({ username: "other", password: "other-password-1" });
    await expectTRPCError(again, "FORBIDDEN");
    expect(await fx.tdb.db.select().from(appUser).where(eq(appUser.username, "other"))).toHaveLength(0);
    expect(await ensureAdminFromEnv(fx.deps.db, "whatever-password")).toBe(false);
  });

  it("stores only the SHA-256 of the session token", async () => {
    const { api, resHeaders } = fx.caller();
    await api.auth.login({ username: "admin", password: "admin-password-1" });
    const token = cookieFrom(resHeaders).split("=")[1]!;
    const rows = await fx.tdb.sql`select token_hash from session`;
    expect(rows.some((r) => r.token_hash === token)).toBe(false);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash as string))).toBe(true);
  });

  it("refuses a wrong password or unknown user with UNAUTHORIZED", async () => {
    const api = fx.caller().api;
    await expectTRPCError(api.auth.login({ username: "admin", password: "nope-nope" }), "UNAUTHORIZED");
    await expectTRPCError(api.auth.login({ username: "ghost", password: "nope-nope" }), "UNAUTHORIZED");
  });

  it("logout ends the session", async () => {
    const cookie = await (async () => {
      const { api, resHeaders } = fx.caller();
      await api.auth.login({ username: "admin", password: "admin-password-1" });
      return cookieFrom(resHeaders);
    })();
    const { api, resHeaders } = fx.caller(cookie);
    await api.auth.logout();
    expect(resHeaders.get("set-cookie")).toMatch(/^shoal_session=; .*Max-Age=0/);
    expect((await fx.caller(cookie).api.auth.status()).user).toBeNull();
    await expectTRPCError(fx.caller(cookie).api.project.list(), "UNAUTHORIZED");
  });

  it("every procedure except auth.status/setup/login rejects without a session", async () => {
    const open = new Set(["auth.status", "auth.setup", "auth.login"]);
    const paths = Object.keys(appRouter._def.procedures).filter((p) => !open.has(p));
    expect(paths.length).toBeGreaterThan(10);
    for (const cookie of [null, "shoal_session=forged-token"]) {
      const api = fx.caller(cookie).api as unknown as Record<string, Record<string, (input: unknown) => Promise<unknown>>>;
      for (const path of paths) {
        const [ns, name] = path.split(".") as [string, string];
        // Valid-looking input, so only the missing session can be the reason.
        const input = { projectId: UUID, workflowId: UUID, instanceId: UUID, taskInstanceId: UUID, name: "x", definition: {} };
        const err = await expectTRPCError(api[ns]![name]!(input), "UNAUTHORIZED").catch((e: unknown) => {
          throw new Error(`${path}: ${String(e)}`);
        });
        expect(err.code, path).toBe("UNAUTHORIZED");
      }
    }
  });

  it("ensureAdminFromEnv creates admin only on an empty database", async () => {
    const other = await createApiFixture("api_auth_env");
    try {
      expect(await ensureAdminFromEnv(other.deps.db, undefined)).toBe(false);
      expect(await ensureAdminFromEnv(other.deps.db, "env-password-1")).toBe(true);
      expect(await ensureAdminFromEnv(other.deps.db, "env-password-2")).toBe(false);
      const { api } = other.caller();
      expect((await api.auth.login({ username: "admin", password: "env-password-1" })).user.role).toBe("admin");
      expect((await api.auth.status()).needsSetup).toBe(false);
    } finally {
      await other.close();
    }
  });
});

