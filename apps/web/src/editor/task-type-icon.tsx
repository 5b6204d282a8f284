import { getTaskType } from "@shoal/core";
import { cn } from "~/_components/cn";

const GLYPHS: Record<string, string> = {
  shell: "$_",
  python: "Py",
  sql: "SQL",
  http: "⇄",
  sub_workflow: "⊂",
  conditions: "◇",
  switch: "⑂",
  dependent: "⧖",
};
const CATEGORY_COLOURS: Record<string, string> = {
  general: "bg-slate-800 text-white",
  logic: "bg-violet-600 text-white",
  data: "bg-teal-600 text-white",
};

/** A small square glyph per task type; unknown types get the first letters of their name. */
export function TaskTypeIcon({ type, className }: { type: string; className?: string }) {
  const def = getTaskType(type);
  const glyph = GLYPHS[type] ?? (def?.label ?? type).slice(0, 2);
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
      {glyph}
    </span>
  );
}
