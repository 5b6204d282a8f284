import type { Metadata } from "next";
import { Suspense } from "react";
import { InstanceList } from "./instance-list";

export const metadata: Metadata = { title: "Instances" };

export default async function InstancesPage({ params }: { params: Promise<{ p: string }> }) {
  const { p } = await params;
  return (
    <div className="mx-auto max-w-7xl px-6 py-8">
      {/* useSearchParams (filters in the URL) needs a Suspense boundary. */}
      <Suspense>
        <InstanceList projectId={p} />
      </Suspense>
    </div>
  );
}
