import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "./routers";

export { appRouter, type AppRouter } from "./routers";
export { createContext, createCallerFactory, type Context } from "./trpc";
export { createApiDeps, type ApiDeps, type ApiDepsOptions } from "./deps";
export { ensureAdminFromEnv, SESSION_COOKIE, type SessionUser } from "./services/auth";
export type { LogBatch } from "./services/task-logs";
export { taskLogDownload } from "./log-download";
export type { InstanceSnapshot } from "./services/instances";

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
