import type { Metadata } from "next";
import { VersionsView } from "~/editor/versions-view";

export const metadata: Metadata = { title: "Workflow versions" };

export default async function VersionsPage({
  params,
}: {
  params: Promise<{ p: string; w: string }>;
}) {
  const { p, w } = await params;
  return (
    <div className="mx-auto max-w-6xl px-6 py-8">
      <VersionsView projectId={p} workflowId={w} />
    </div>
  );
}
