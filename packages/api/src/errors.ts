import type { ValidationIssue } from "@shoal/core";
import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";

/**
 * Domain errors thrown by services. Procedures never build TRPCErrors themselves: `toTRPCError` maps these
 * in one place, and anything else becomes an opaque INTERNAL_SERVER_ERROR.
 */
export class DomainError extends Error {
  override name = "DomainError";
  constructor(
    readonly kind: "NOT_FOUND" | "FORBIDDEN" | "UNAUTHORIZED" | "CONFLICT" | "BAD_REQUEST",
    message: string,
  ) {
    super(message);
  }
}

export class NotFoundError extends DomainError {
  override name = "NotFoundError";
  constructor(what: string) {
    super("NOT_FOUND", `${what} not found`);
  }
}

export class ForbiddenError extends DomainError {
  override name = "ForbiddenError";
  constructor(message: string) {
    super("FORBIDDEN", message);
  }
}

export class UnauthorizedError extends DomainError {
  override name = "UnauthorizedError";
  constructor(message = "sign in first") {
    super("UNAUTHORIZED", message);
  }
}

export class ConflictError extends DomainError {
  override name = "ConflictError";
  constructor(message: string) {
    super("CONFLICT", message);
  }
}

export class BadRequestError extends DomainError {
  override name = "BadRequestError";
  constructor(message: string) {
    super("BAD_REQUEST", message);
  }
}

/** A workflow definition failed `validateWorkflow`; `issues` reach the client as `data.issues`. */
export class InvalidWorkflowError extends DomainError {
  override name = "InvalidWorkflowError";
  constructor(readonly issues: ValidationIssue[]) {
    super("BAD_REQUEST", issues[0]?.message ?? "the workflow is invalid");
  }
}

/** Maps a thrown value to the TRPCError the client sees (keeping the domain error as `cause`). */
export function toTRPCError(err: unknown): TRPCError {
  if (err instanceof TRPCError) {
    if (err.cause instanceof DomainError) return toTRPCError(err.cause);
    return err;
  }
  if (err instanceof DomainError) {
    const code: TRPC_ERROR_CODE_KEY = err.kind;
    return new TRPCError({ code, message: err.message, cause: err });
  }
  return new TRPCError({
    code: "INTERNAL_SERVER_ERROR",
    message: "internal server error",
    cause: err instanceof Error ? err : undefined,
  });
}

/** True when `err` (or a cause of it, e.g. a DrizzleQueryError) is a Postgres unique violation. */
export function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === "23505") return true;
  }
  return false;
}
