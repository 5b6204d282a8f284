import type { Metadata } from "next";
import { WorkflowEditor } from "~/editor/editor";

export const metadata: Metadata = { title: "Workflow editor" };

export default async function EditorPage({
  params,
}: {
  params: Promise<{ p: string; w: string }>;
}) {
  const { p, w } = await params;
  return <WorkflowEditor projectId={p} workflowId={w} />;
}
