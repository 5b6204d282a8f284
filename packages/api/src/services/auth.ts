import { createHash, randomBytes } from "node:crypto";
import bcrypt from "bcryptjs";
import { and, eq, gt, lte, sql } from "drizzle-orm";
import { appUser, session, type Db, type DbOrTx } from "@shoal/db";
import { ForbiddenError, UnauthorizedError } from "../errors";

export const SESSION_COOKIE = "shoal_session";
const SESSION_DAYS = 30;
const BCRYPT_COST = 10;
/** Compared against when the username is unknown, so both failures take the same time. */
const DUMMY_HASH = bcrypt.hashSync(randomBytes(16).toString("hex"), BCRYPT_COST);

export interface SessionUser {
  id: string;
  username: string;
  role: "admin" | "user";
}

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export async function userForToken(db: Db, token: string): Promise<SessionUser | null> {
  const [row] = await db
    .select({ id: appUser.id, username: appUser.username, role: appUser.role })
    .from(session)
    .innerJoin(appUser, eq(appUser.id, session.userId))
    .where(and(eq(session.tokenHash, hashToken(token)), gt(session.expiresAt, sql`now()`)));
  return row ?? null;
}

export async function hasAnyUser(db: DbOrTx): Promise<boolean> {
  const rows = await db.select({ id: appUser.id }).from(appUser).limit(1);
  return rows.length > 0;
}

export async function authStatus(db: Db, user: SessionUser | null) {
  return { needsSetup: !(await hasAnyUser(db)), user };
}

/** Creates the session row and returns the cookie to set. */
async function startSession(db: Db, userId: string, secure: boolean): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 24 * 3600 * 1000);
  await db.insert(session).values({ tokenHash: hashToken(token), userId, expiresAt });
  await db.delete(session).where(and(eq(session.userId, userId), lte(session.expiresAt, sql`now()`)));
  return serializeCookie(token, SESSION_DAYS * 24 * 3600, secure);
}

function serializeCookie(value: string, maxAge: number, secure: boolean): string {
  const expiresAt = new Date(maxAge > 0 ? Date.now() + maxAge * 1000 : 0);
  return [
    `${SESSION_COOKIE}=${value}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${maxAge}`,
    `Expires=${expiresAt.toUTCString()}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

export interface AuthResult {
  user: SessionUser;
  /** The `Set-Cookie` header value. */
  cookie: string;
}

/** Serialises first-user creation across concurrent setups (and the start script). */
const SETUP_LOCK = sql`select pg_advisory_xact_lock(hashtext('shoal:first-user'))`;

async function createFirstUser(db: Db, username: string, password: string): Promise<SessionUser | null> {
  const passwordHash = await bcrypt.hash(password, BCRYPT_COST);
  return db.transaction(async (tx) => {
    await tx.execute(SETUP_LOCK);
    if (await hasAnyUser(tx)) return null;
    const [user] = await tx
      .insert(appUser)
      .values({ username, passwordHash, role: "admin" })
      .returning({ id: appUser.id, username: appUser.username, role: appUser.role });
    return user!;
  });
}

/** First run only: creates the admin and logs them in. FORBIDDEN once any user exists. */
export async function setup(db: Db, input: { username: string; password: string }, secure: boolean): Promise<AuthResult> {
  const user = await createFirstUser(db, input.username, input.password);
  if (!user) throw new ForbiddenError("setup is already done: sign in instead");
  return { user, cookie: await startSession(db, user.id, secure) };
}

export async function login(db: Db, input: { username: string; password: string }, secure: boolean): Promise<AuthResult> {
  const [row] = await db
    .select({ id: appUser.id, username: appUser.username, role: appUser.role, passwordHash: appUser.passwordHash })
    .from(appUser)
    .where(eq(appUser.username, input.username));
  const ok = await bcrypt.compare(input.password, row?.passwordHash ?? DUMMY_HASH);
  if (!row || !ok) throw new UnauthorizedError("wrong username or password");
  const user = { id: row.id, username: row.username, role: row.role };
  return { user, cookie: await startSession(db, user.id, secure) };
}

/** Deletes the session (if any) and returns the cookie that clears it in the browser. */
export async function logout(db: Db, token: string | null, secure: boolean): Promise<string> {
  if (token) await db.delete(session).where(eq(session.tokenHash, hashToken(token)));
  return serializeCookie("", 0, secure);
}

/**
 * Creates user `admin` with `password` when no user exists yet (the start script calls it when
 * SHOAL_ADMIN_PASSWORD is set). Returns whether it created the user.
 */
export async function ensureAdminFromEnv(db: Db, password?: string): Promise<boolean> {
  if (!password) return false;
  return (await createFirstUser(db, "admin", password)) !== null;
}
