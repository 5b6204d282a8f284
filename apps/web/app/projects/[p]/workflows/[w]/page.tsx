import type { RouterOutputs } from "@shoal/api";
import type { Metadata } from "next";
import { WorkflowEditor } from "~/editor/editor";
import { serverCaller } from "~/trpc/server-caller";

export const metadata: Metadata = { title: "Workflow editor" };

/** A positive integer from a search param, or undefined. */
function versionParam(v: string | string[] | undefined): number | undefined {
  const n = typeof v === "string" && /^\d{1,9}$/.test(v) ? Number(v) : NaN;
  return n >= 1 ? n : undefined;
}

/** `?version=N` opens version N read-only; `&diff=M` also highlights what changed since M. */
export default async function EditorPage({
  params,
  searchParams,
}: {
  params: Promise<{ p: string; w: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { p, w } = await params;
  const sp = await searchParams;
  const version = versionParam(sp.version);
  const diffAgainst = version !== undefined ? versionParam(sp.diff) : undefined;
  // Rendered with the page, so the canvas draws as soon as it hydrates instead of fetching first.
  // A failure (not found, no access, bad id) is left to the client's own fetch, which shows it.
  const initial = await serverCaller()
    .then((api) => api.workflow.byId({ projectId: p, workflowId: w, version }))
    // The shape the client gets over HTTP (dates as ISO strings), so both sources look alike.
    .then((wf) => JSON.parse(JSON.stringify(wf)) as RouterOutputs["workflow"]["byId"])
    .catch(() => undefined);
  return (
    <WorkflowEditor
      key={`${version ?? "current"}:${diffAgainst ?? ""}`}
      projectId={p}
      workflowId={w}
      version={version}
      diffAgainst={diffAgainst}
      initial={initial}
    />
  );
}
