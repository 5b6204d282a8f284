import { redirect } from "next/navigation";

export default async function ProjectPage({ params }: { params: Promise<{ p: string }> }) {
  const { p } = await params;
  redirect(`/projects/${p}/workflows`);
}
