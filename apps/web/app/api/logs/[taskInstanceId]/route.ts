import { taskLogDownload } from "@shoal/api";
import { apiDeps } from "~/trpc/server-deps";

export const dynamic = "force-dynamic";

/** The raw text a task attempt wrote, streamed (`?projectId=` required; same session and access as tRPC). */
export async function GET(req: Request, ctx: { params: Promise<{ taskInstanceId: string }> }) {
  const { taskInstanceId } = await ctx.params;
  return taskLogDownload(apiDeps(), req, taskInstanceId);
}
