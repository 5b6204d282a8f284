import type { Metadata } from "next";
import { Suspense } from "react";
import { InstanceView } from "~/instance/instance-view";

export const metadata: Metadata = { title: "Instance" };

export default async function InstancePage({
  params,
}: {
  params: Promise<{ p: string; i: string }>;
}) {
  const { p, i } = await params;
  return (
    <Suspense>
      <InstanceView projectId={p} instanceId={i} />
    </Suspense>
  );
}
