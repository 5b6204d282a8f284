import type { Metadata } from "next";
import { ProjectList } from "./project-list";

export const metadata: Metadata = { title: "Projects" };

export default function ProjectsPage() {
  return (
    <div className="mx-auto max-w-6xl px-6 py-8">
      <ProjectList />
    </div>
  );
}
