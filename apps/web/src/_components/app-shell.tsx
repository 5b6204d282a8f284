"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useParams, usePathname, useRouter } from "next/navigation";
import { useEffect, type ReactNode } from "react";
import { trpcErrorCode, useTRPC } from "~/trpc/react";
import { cn } from "./cn";
import { shortId } from "./format";

function param(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Sidebar with the project's sections, a breadcrumb top bar, and the session check. */
export function AppShell({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const router = useRouter();
  const status = useQuery(trpc.auth.status.queryOptions());

  useEffect(() => {
    if (status.data && !status.data.user) router.replace("/login");
    if (status.error && trpcErrorCode(status.error) === "UNAUTHORIZED") router.replace("/login");
  }, [status.data, status.error, router]);

  return (
    <div className="flex h-full min-h-0">
      <Sidebar />
      <div className="flex min-w-0 flex-1 flex-col">
        <TopBar username={status.data?.user?.username} />
        <main className="min-h-0 flex-1 overflow-auto">{children}</main>
      </div>
    </div>
  );
}

function Sidebar() {
  const trpc = useTRPC();
  const params = useParams();
  const pathname = usePathname();
  const projectId = param(params.p);
  const project = useQuery({
    ...trpc.project.byId.queryOptions({ projectId: projectId ?? "" }),
    enabled: !!projectId,
  });

  const item = (href: string, label: string, icon: ReactNode) => {
    const active = pathname === href || pathname.startsWith(`${href}/`);
    return (
      <Link
        href={href}
        aria-current={active ? "page" : undefined}
        className={cn(
          "flex items-center gap-2 rounded-md px-2.5 py-1.5 text-sm",
          active
            ? "bg-slate-800 text-white"
            : "text-slate-300 hover:bg-slate-800/60 hover:text-white",
        )}
      >
        {icon}
        {label}
      </Link>
    );
  };

  return (
    <nav
      aria-label="Main"
      className="flex w-56 shrink-0 flex-col gap-6 bg-slate-900 px-3 py-4 text-slate-200"
    >
      <Link
        href="/projects"
        className="flex items-center gap-2 px-2 text-lg font-semibold tracking-tight text-white"
      >
        <svg viewBox="0 0 32 32" className="size-6 text-sky-400" aria-hidden>
          <circle cx="8" cy="16" r="4" fill="currentColor" />
          <circle cx="24" cy="8" r="4" fill="currentColor" opacity="0.7" />
          <circle cx="24" cy="24" r="4" fill="currentColor" opacity="0.7" />
          <path d="M11 14.5L21 9.5M11 17.5l10 5" stroke="currentColor" strokeWidth="2" />
        </svg>
        Shoal
      </Link>
      <div className="space-y-1">{item("/projects", "Projects", <IconGrid />)}</div>
      {projectId && (
        <div className="space-y-1">
          <p
            className="truncate px-2.5 text-xs font-medium uppercase tracking-wide text-slate-500"
            title={project.data?.name}
          >
            {project.data?.name ?? "Project"}
          </p>
          {item(`/projects/${projectId}/workflows`, "Workflows", <IconFlow />)}
          {item(`/projects/${projectId}/instances`, "Instances", <IconList />)}
          {item(`/projects/${projectId}/tasks`, "Task instances", <IconTasks />)}
          {item(`/projects/${projectId}/datasources`, "Data sources", <IconDatabase />)}
        </div>
      )}
    </nav>
  );
}

function TopBar({ username }: { username?: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSettled: () => {
        queryClient.clear();
        router.replace("/login");
        router.refresh();
      },
    }),
  );
  return (
    <header className="flex h-12 shrink-0 items-center justify-between gap-4 border-b border-slate-200 bg-white px-5">
      <Breadcrumbs />
      <div className="flex items-center gap-3 text-sm text-slate-600">
        {username && <span>{username}</span>}
        <button
          type="button"
          onClick={() => logout.mutate()}
          className="rounded-md px-2 py-1 text-slate-500 hover:bg-slate-100 hover:text-slate-800"
        >
          Sign out
        </button>
      </div>
    </header>
  );
}

function Breadcrumbs() {
  const trpc = useTRPC();
  const params = useParams();
  const pathname = usePathname();
  const projectId = param(params.p);
  const workflowId = param(params.w);
  const instanceId = param(params.i);
  const project = useQuery({
    ...trpc.project.byId.queryOptions({ projectId: projectId ?? "" }),
    enabled: !!projectId,
  });
  const workflow = useQuery({
    ...trpc.workflow.byId.queryOptions({
      projectId: projectId ?? "",
      workflowId: workflowId ?? "",
    }),
    enabled: !!projectId && !!workflowId,
  });

  const crumbs: Array<{ href?: string; label: string }> = [
    { href: "/projects", label: "Projects" },
  ];
  if (projectId) {
    crumbs.push({ href: `/projects/${projectId}/workflows`, label: project.data?.name ?? "…" });
    if (pathname.includes("/workflows")) {
      crumbs.push({ href: `/projects/${projectId}/workflows`, label: "Workflows" });
      if (workflowId) crumbs.push({ label: workflow.data?.workflow.name ?? "…" });
    } else if (pathname.includes("/instances")) {
      crumbs.push({ href: `/projects/${projectId}/instances`, label: "Instances" });
      if (instanceId) crumbs.push({ label: `#${shortId(instanceId)}` });
    } else if (pathname.endsWith("/tasks")) {
      crumbs.push({ label: "Task instances" });
    } else if (pathname.endsWith("/datasources")) {
      crumbs.push({ label: "Data sources" });
    }
  }
  return (
    <nav aria-label="Breadcrumb" className="min-w-0">
      <ol className="flex items-center gap-1.5 truncate text-sm">
        {crumbs.map((c, i) => {
          const last = i === crumbs.length - 1;
          return (
            <li key={i} className="flex min-w-0 items-center gap-1.5">
              {i > 0 && <span className="text-slate-300">/</span>}
              {c.href && !last ? (
                <Link href={c.href} className="truncate text-slate-500 hover:text-slate-900">
                  {c.label}
                </Link>
              ) : (
                <span
                  aria-current={last ? "page" : undefined}
                  className="truncate font-medium text-slate-900"
                >
                  {c.label}
                </span>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

const iconProps = {
  viewBox: "0 0 16 16",
  className: "size-4",
  fill: "none",
  stroke: "currentColor",
  strokeWidth: 1.5,
  "aria-hidden": true,
} as const;
const IconGrid = () => (
  <svg {...iconProps}>
    <rect x="2" y="2" width="5" height="5" rx="1" />
    <rect x="9" y="2" width="5" height="5" rx="1" />
    <rect x="2" y="9" width="5" height="5" rx="1" />
    <rect x="9" y="9" width="5" height="5" rx="1" />
  </svg>
);
const IconFlow = () => (
  <svg {...iconProps}>
    <rect x="1.5" y="6" width="4" height="4" rx="1" />
    <rect x="10.5" y="2" width="4" height="4" rx="1" />
    <rect x="10.5" y="10" width="4" height="4" rx="1" />
    <path d="M5.5 8h2.5V4h2.5M8 8v4h2.5" />
  </svg>
);
const IconTasks = () => (
  <svg {...iconProps}>
    <rect x="2" y="2.5" width="12" height="3" rx="1" />
    <rect x="2" y="10.5" width="8" height="3" rx="1" />
    <path d="M5 5.5v5" />
  </svg>
);
const IconList = () => (
  <svg {...iconProps}>
    <path d="M5 4h9M5 8h9M5 12h9M2 4h.01M2 8h.01M2 12h.01" strokeLinecap="round" />
  </svg>
);
const IconDatabase = () => (
  <svg {...iconProps}>
    <ellipse cx="8" cy="3.5" rx="5.5" ry="2" />
    <path d="M2.5 3.5v9c0 1.1 2.5 2 5.5 2s5.5-.9 5.5-2v-9M2.5 8c0 1.1 2.5 2 5.5 2s5.5-.9 5.5-2" />
  </svg>
);
