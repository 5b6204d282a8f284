import type { Metadata } from "next";
import { InstanceList } from "./instance-list";

export const metadata: Metadata = { title: "Instances" };

export default async function InstancesPage({ params }: { params: Promise<{ p: string }> }) {
  const { p } = await params;
  return (
    <div className="mx-auto max-w-6xl px-6 py-8">
      <InstanceList projectId={p} />
    </div>
  );
}
