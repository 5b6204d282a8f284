// Test-only fixtures for the api's integration tests (not exported from the package).
import bcrypt from "bcryptjs";
import { appUser, projectMember } from "@shoal/db";
import { generateSecretKey } from "@shoal/db/datasources";
import {
  createTestDatabase,
  testRedisUrl,
  uniquePrefix,
  type TestDatabase,
} from "@shoal/db/testing";
import { TRPCError } from "@trpc/server";
import { expect } from "vitest";
import { createApiDeps, type ApiDeps } from "./deps";
import { appRouter } from "./routers";
import { createCallerFactory, createContext } from "./trpc";

const createCaller = createCallerFactory(appRouter);

export interface ApiFixture {
  tdb: TestDatabase;
  deps: ApiDeps;
  /** A caller as the browser holding `cookie` (none: signed out). */
  caller(
    cookie?: string | null,
    opts?: { signal?: AbortSignal },
  ): { api: ReturnType<typeof createCaller>; resHeaders: Headers };
  /** Creates a plain user directly in the database and returns their session cookie. */
  userCookie(username: string, password?: string): Promise<string>;
  close(): Promise<void>;
}

/** `secretKey`: SHOAL_SECRET_KEY for data source passwords (default: a fresh one; null: none). */
export async function createApiFixture(
  label: string,
  opts: { secretKey?: string | null } = {},
): Promise<ApiFixture> {
  const tdb = await createTestDatabase(label);
  const deps = createApiDeps({
    databaseUrl: tdb.url,
    redisUrl: testRedisUrl(),
    redisPrefix: uniquePrefix(label),
    runWaitMs: 300,
    secretKey: opts.secretKey === null ? undefined : (opts.secretKey ?? generateSecretKey()),
    dbPoolSize: 5,
    warn: () => {},
  });
  const caller: ApiFixture["caller"] = (cookie, opts) => {
    const resHeaders = new Headers();
    const req = new Request("http://localhost/api/trpc", { headers: cookie ? { cookie } : {} });
    return { api: createCaller(createContext(deps, { req, resHeaders }), opts), resHeaders };
  };
  return {
    tdb,
    deps,
    caller,
    async userCookie(username, password = "user-password-1") {
      await tdb.db
        .insert(appUser)
        .values({ username, passwordHash: await bcrypt.hash(password, 4), role: "user" });
      const { api, resHeaders } = caller();
      await api.auth.login({ username, password });
      return cookieFrom(resHeaders);
    },
    async close() {
      await deps.close();
      await tdb.drop();
    },
  };
}

/** The `name=value` part of the session cookie a procedure set. */
export function cookieFrom(headers: Headers): string {
  const set = headers.get("set-cookie");
  if (!set) throw new Error("no Set-Cookie header");
  return set.split(";")[0]!;
}

/** Signs up the first user (admin) and returns their cookie. */
export async function adminCookie(
  fx: ApiFixture,
  username = "admin",
  password = "admin-password-1",
): Promise<string> {
  const { api, resHeaders } = fx.caller();
  await api.auth.setup({ username, password });
  return cookieFrom(resHeaders);
}

export async function addMember(
  fx: ApiFixture,
  projectId: string,
  userId: string,
  role: "owner" | "editor" | "viewer" = "editor",
) {
  await fx.tdb.db.insert(projectMember).values({ projectId, userId, role });
}

/** Asserts that `p` rejects with a TRPCError of `code`; returns it. */
export async function expectTRPCError(
  p: Promise<unknown>,
  code: TRPCError["code"],
): Promise<TRPCError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, `expected ${code}`).toBeInstanceOf(TRPCError);
  expect((err as TRPCError).code).toBe(code);
  return err as TRPCError;
}

export const shellTask = (code: string, name = code, script = `echo ${code}`) => ({
  code,
  name,
  type: "shell",
  params: { script },
});
