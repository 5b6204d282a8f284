import type { ReactNode } from "react";
import { getTaskType } from "@shoal/core";
import { cn } from "~/_components/cn";

/** Text glyphs where letters say it best; drawn paths (16×16, stroked) where a symbol does, since
 *  symbol characters are missing from many fonts and render as empty boxes. */
const TEXT: Record<string, string> = { shell: "$_", python: "Py", sql: "SQL" };
const PATHS: Record<string, ReactNode> = {
  // two opposite arrows: a request and its response
  http: <path d="M3 5.5h9.5M10 3l2.5 2.5L10 8M13 10.5H3.5M6 8l-2.5 2.5L6 13" />,
  // a small workflow inside a frame
  sub_workflow: (
    <>
      <rect x="1.5" y="2.5" width="13" height="11" rx="2" />
      <path d="M4 7h2.5v2H4zM9.5 7H12v2H9.5zM6.5 8h3" />
    </>
  ),
  // a decision diamond
  conditions: <path d="M8 2l6 6-6 6-6-6z" />,
  // one line splitting into branches
  switch: <path d="M2 8h5M7 8l5-4.5M7 8l5 4.5M7 8h5" />,
  // an hourglass: waits for another workflow
  dependent: (
    <path d="M4 2h8M4 14h8M5 2c0 3.5 6 4.5 6 6s-6 2.5-6 6M11 2c0 3.5-6 4.5-6 6s6 2.5 6 6" />
  ),
};
const CATEGORY_COLOURS: Record<string, string> = {
  general: "bg-slate-800 text-white",
  logic: "bg-violet-600 text-white",
  data: "bg-teal-600 text-white",
};

/** A small square icon per task type; unknown types get the first letters of their name. */
export function TaskTypeIcon({ type, className }: { type: string; className?: string }) {
  const def = getTaskType(type);
  const path = PATHS[type];
  return (
    <span
      aria-hidden
      className={cn(
        "inline-flex size-7 shrink-0 items-center justify-center rounded-md font-mono text-[11px] font-semibold",
        def
          ? (CATEGORY_COLOURS[def.category] ?? CATEGORY_COLOURS.general)
          : "bg-red-100 text-red-700",
        className,
      )}
    >
      {path ? (
        <svg
          className="size-4"
          viewBox="0 0 16 16"
          fill="none"
          stroke="currentColor"
          strokeWidth={1.6}
          strokeLinecap="round"
          strokeLinejoin="round"
        >
          {path}
        </svg>
      ) : (
        (TEXT[type] ?? (def?.label ?? type).slice(0, 2))
      )}
    </span>
  );
}
