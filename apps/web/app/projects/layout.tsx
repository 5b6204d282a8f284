import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { AppShell } from "~/_components/app-shell";

/** Everything under /projects needs a session; the client shell re-checks it against the server. */
export default async function ProjectsLayout({ children }: { children: ReactNode }) {
  const jar = await cookies();
  if (!jar.get("shoal_session")?.value) redirect("/login");
  return <AppShell>{children}</AppShell>;
}
