import type { Metadata } from "next";
import { DatasourceList } from "./datasource-list";

export const metadata: Metadata = { title: "Data sources" };

export default async function DatasourcesPage({ params }: { params: Promise<{ p: string }> }) {
  const { p } = await params;
  return (
    <div className="mx-auto max-w-6xl px-6 py-8">
      <DatasourceList projectId={p} />
    </div>
  );
}
