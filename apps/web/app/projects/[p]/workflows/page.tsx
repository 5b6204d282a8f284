import type { Metadata } from "next";
import { WorkflowList } from "./workflow-list";

export const metadata: Metadata = { title: "Workflows" };

export default async function WorkflowsPage({ params }: { params: Promise<{ p: string }> }) {
  const { p } = await params;
  return (
    <div className="mx-auto max-w-6xl px-6 py-8">
      <WorkflowList projectId={p} />
    </div>
  );
}
