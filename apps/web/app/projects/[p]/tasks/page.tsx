import type { Metadata } from "next";
import { Suspense } from "react";
import { TaskList } from "./task-list";

export const metadata: Metadata = { title: "Task instances" };

export default async function TasksPage({ params }: { params: Promise<{ p: string }> }) {
  const { p } = await params;
  return (
    <div className="mx-auto max-w-7xl px-6 py-8">
      {/* useSearchParams (filters in the URL) needs a Suspense boundary. */}
      <Suspense>
        <TaskList projectId={p} />
      </Suspense>
    </div>
  );
}
