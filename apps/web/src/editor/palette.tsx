"use client";

import { useReactFlow } from "@xyflow/react";
import { TASK_TYPES, type TaskTypeDefinition } from "@shoal/core";
import { useState, type DragEvent } from "react";
import { inputClass } from "~/_components/ui";
import { useEditorStore } from "./store";
import { TaskTypeIcon } from "./task-type-icon";
import { NODE_HEIGHT, NODE_WIDTH } from "./types";

export const DRAG_MIME = "application/x-shoal-task-type";

const CATEGORY_LABELS: Record<string, string> = {
  general: "General",
  logic: "Logic",
  data: "Data",
};

/** Task types from the core registry, grouped by category; drag one onto the canvas, or double-click it. */
export function Palette() {
  const addTask = useEditorStore((s) => s.addTask);
  const { screenToFlowPosition } = useReactFlow();
  const [query, setQuery] = useState("");
  const q = query.trim().toLowerCase();
  const groups = new Map<string, TaskTypeDefinition[]>();
  for (const t of Object.values(TASK_TYPES)) {
    const text = `${t.type} ${t.label} ${t.description} ${CATEGORY_LABELS[t.category] ?? ""}`;
    if (q && !text.toLowerCase().includes(q)) continue;
    groups.set(t.category, [...(groups.get(t.category) ?? []), t]);
  }

  const onDragStart = (e: DragEvent, type: string) => {
    e.dataTransfer.setData(DRAG_MIME, type);
    e.dataTransfer.setData("text/plain", type);
    e.dataTransfer.effectAllowed = "move";
  };
  const addAtCentre = (type: string) => {
    const pane = document.querySelector<HTMLElement>("[data-testid=canvas]");
    const r = pane?.getBoundingClientRect();
    const centre = r ? { x: r.left + r.width / 2, y: r.top + r.height / 2 } : { x: 400, y: 300 };
    const p = screenToFlowPosition(centre);
    // Nudge so repeated double-clicks don't stack nodes exactly on top of each other.
    const n = useEditorStore.getState().nodes.length % 6;
    addTask(type, { x: p.x - NODE_WIDTH / 2 + n * 16, y: p.y - NODE_HEIGHT / 2 + n * 16 });
  };

  return (
    <aside
      aria-label="Task types"
      className="flex w-48 shrink-0 flex-col gap-4 overflow-y-auto border-r border-slate-200 bg-white p-3"
    >
      <input
        type="search"
        aria-label="Search task types"
        placeholder="Search task types…"
        data-testid="palette-search"
        className={inputClass}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {groups.size === 0 && (
        <p className="px-1 text-sm text-slate-500">No task type matches “{query.trim()}”.</p>
      )}
      {[...groups.entries()].map(([category, types]) => (
        <section key={category} aria-label={CATEGORY_LABELS[category] ?? category}>
          <h2 className="mb-2 px-1 text-xs font-medium uppercase tracking-wide text-slate-500">
            {CATEGORY_LABELS[category] ?? category}
          </h2>
          <ul className="space-y-1.5">
            {types.map((t) => (
              <li key={t.type}>
                <div
                  role="button"
                  tabIndex={0}
                  draggable
                  data-testid={`palette-item-${t.type}`}
                  title={`${t.description}\nDrag onto the canvas, or double-click (Enter) to add.`}
                  onDragStart={(e) => onDragStart(e, t.type)}
                  onDoubleClick={() => addAtCentre(t.type)}
                  onKeyDown={(e) => {
                    if (e.key === "Enter" || e.key === " ") {
                      e.preventDefault();
                      addAtCentre(t.type);
                    }
                  }}
                  className="flex cursor-grab items-center gap-2 rounded-md border border-slate-200 bg-white px-2 py-1.5 text-sm shadow-xs select-none hover:border-sky-400 hover:bg-sky-50 focus-visible:outline-2 focus-visible:outline-sky-600 active:cursor-grabbing"
                >
                  <TaskTypeIcon type={t.type} className="size-6" />
                  <span className="font-medium text-slate-800">{t.label}</span>
                </div>
              </li>
            ))}
          </ul>
        </section>
      ))}
      <p className="mt-auto px-1 text-xs leading-relaxed text-slate-400">
        Connect tasks by dragging from the right handle of one to the left handle of another. Drag
        on empty canvas to box-select; scroll or Space-drag to pan. Press ? for every shortcut.
      </p>
    </aside>
  );
}
