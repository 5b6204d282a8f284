import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import type { ApiDeps } from "./deps";
import { appRouter } from "./routers";
import { rawTaskLogText } from "./services/task-logs";
import { createCallerFactory, createContext } from "./trpc";

const createCaller = createCallerFactory(appRouter);
const ParamsSchema = z.object({ projectId: z.uuid(), taskInstanceId: z.uuid() });

/** `etl step #2` → `etl_step_2`: the plain ASCII file name for old clients. */
function asciiName(name: string): string {
  return (
    name
      .replace(/[^A-Za-z0-9._-]+/g, "_")
      .replace(/^[._]+/, "")
      .slice(0, 100) || "task"
  );
}

/** The name as typed, minus what no file name may hold (controls, slashes, quotes). */
function unicodeName(name: string): string {
  return (
    name
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f/\\"]+/g, "_")
      .replace(/^[.\s]+/, "")
      .slice(0, 100) || "task"
  );
}

/**
 * `GET /api/logs/<taskInstanceId>?projectId=…`: the raw text the task wrote (no time stamps, no
 * Shoal lines), streamed. Access goes through the same session cookie and project membership check
 * as tRPC (the `task.logDownload` procedure), so the two can never disagree.
 */
export async function taskLogDownload(
  deps: ApiDeps,
  req: Request,
  taskInstanceId: string,
): Promise<Response> {
  const parsed = ParamsSchema.safeParse({
    projectId: new URL(req.url).searchParams.get("projectId"),
    taskInstanceId,
  });
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join(".")).join(", ");
    return new Response(`invalid ${fields}\n`, {
      status: 400,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  }
  let task: { id: string; taskName: string; attempt: number };
  try {
    const caller = createCaller(createContext(deps, { req, resHeaders: new Headers() }));
    task = await caller.task.logDownload(parsed.data);
  } catch (err) {
    if (!(err instanceof TRPCError)) throw err;
    const status = getHTTPStatusCodeFromError(err);
    const message = status >= 500 ? "internal server error" : err.message;
    return new Response(`${message}\n`, {
      status,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  }
  const pieces = rawTaskLogText(deps, task.id);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await pieces.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await pieces.return(undefined);
    },
  });
  const suffix = `-attempt-${task.attempt}.log`;
  return new Response(body, {
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "content-disposition": `attachment; filename="${asciiName(task.taskName)}${suffix}"; filename*=UTF-8''${encodeURIComponent(unicodeName(task.taskName) + suffix)}`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
