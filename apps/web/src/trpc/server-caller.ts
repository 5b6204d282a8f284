import { appRouter, createCallerFactory, createContext } from "@shoal/api";
import { headers } from "next/headers";
import { apiDeps } from "./server-deps";

const createCaller = createCallerFactory(appRouter);

/**
 * The API called in-process from a server component, as the user whose request is being rendered
 * (their session cookie goes through the same procedures, checks and zod inputs as over HTTP).
 */
export async function serverCaller() {
  const req = new Request("http://shoal.internal/rsc", { headers: await headers() });
  return createCaller(createContext(apiDeps(), { req, resHeaders: new Headers() }));
}
