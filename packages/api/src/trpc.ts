import { and, eq } from "drizzle-orm";
import { projectMember, project } from "@shoal/db";
import { initTRPC, TRPCError } from "@trpc/server";
import { z } from "zod";
import type { ApiDeps } from "./deps";
import { DomainError, ForbiddenError, InvalidWorkflowError, NotFoundError, toTRPCError, UnauthorizedError } from "./errors";
import { SESSION_COOKIE, userForToken, type SessionUser } from "./services/auth";

export interface Context {
  deps: ApiDeps;
  req: Request;
  /** Response headers: auth procedures append `Set-Cookie` here. */
  resHeaders: Headers;
  /** The raw `shoal_session` cookie value, resolved to a user by the base middleware. */
  sessionToken: string | null;
}

function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(value) || null;
      } catch {
        return null;
      }
    }
  }
  return null;
}

/**
 * Per-request context. Cheap on purpose: the user is resolved by the middleware every procedure runs
 * through. Use with the fetch adapter: `createContext: (o) => createContext(deps, o)`.
 */
export function createContext(deps: ApiDeps, opts: { req: Request; resHeaders: Headers }): Context {
  return {
    deps,
    req: opts.req,
    resHeaders: opts.resHeaders,
    sessionToken: readCookie(opts.req.headers.get("cookie"), SESSION_COOKIE),
  };
}

const t = initTRPC.context<Context>().create({
  isDev: false,
  sse: { ping: { enabled: true, intervalMs: 15_000 }, client: { reconnectAfterInactivityMs: 30_000 } },
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const internal = error.code === "INTERNAL_SERVER_ERROR";
    return {
      code: shape.code,
      // Unexpected failures (SQL, Redis...) never leak their message or stack to the client.
      message: internal && !(cause instanceof DomainError) ? "internal server error" : shape.message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        zodError: cause instanceof z.ZodError ? z.flattenError(cause) : null,
        issues: cause instanceof InvalidWorkflowError ? cause.issues : null,
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** The one chain every procedure goes through: maps domain errors and resolves the session's user. */
const base = t.procedure.use(async ({ ctx, next }) => {
  const user = ctx.sessionToken ? await userForToken(ctx.deps.db, ctx.sessionToken) : null;
  const result = await next({ ctx: { user } });
  if (!result.ok && result.error.cause instanceof DomainError) throw toTRPCError(result.error.cause);
  return result;
});

export const publicProcedure = base;

export const protectedProcedure = base.use(({ ctx, next }) => {
  if (!ctx.user) throw toTRPCError(new UnauthorizedError());
  return next({ ctx: { user: ctx.user } });
});

export type MemberRole = "owner" | "editor" | "viewer" | "admin";

/** Resolves the caller's role in a project; admins see every project. */
async function projectRole(deps: ApiDeps, user: SessionUser, projectId: string): Promise<MemberRole> {
  if (user.role === "admin") {
    const [row] = await deps.db.select({ id: project.id }).from(project).where(eq(project.id, projectId));
    if (!row) throw new NotFoundError(`project ${projectId}`);
    return "admin";
  }
  const [m] = await deps.db
    .select({ role: projectMember.role })
    .from(projectMember)
    .where(and(eq(projectMember.projectId, projectId), eq(projectMember.userId, user.id)));
  // Non-members get FORBIDDEN whether or not the project exists: ids are not probed this way.
  if (!m) throw new ForbiddenError("you are not a member of this project");
  return m.role;
}

/** Input has `projectId`; the caller must be an admin or a member of that project. */
export const projectProcedure = protectedProcedure
  .input(z.object({ projectId: z.uuid() }))
  .use(async ({ ctx, input, next }) => {
    const role = await projectRole(ctx.deps, ctx.user, input.projectId).catch((e: unknown) => {
      throw toTRPCError(e);
    });
    return next({ ctx: { projectRole: role } });
  });

/** Like `projectProcedure`, but viewers are refused: saving, running and other changes. */
export const projectWriteProcedure = projectProcedure.use(({ ctx, next }) => {
  if (ctx.projectRole === "viewer") throw toTRPCError(new ForbiddenError("viewers cannot change this project"));
  return next();
});

/** Runs a service's async generator, mapping its domain errors like the middleware does for calls. */
export async function* mapErrors<T>(gen: AsyncGenerator<T, void, unknown>): AsyncGenerator<T, void, unknown> {
  try {
    yield* gen;
  } catch (err) {
    throw toTRPCError(err);
  }
}

export { TRPCError };
