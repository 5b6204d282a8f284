"use client";

import { useReactFlow } from "@xyflow/react";
import { memo, useId, useMemo, useState } from "react";
import { inputClass } from "~/_components/ui";
import { useCanvasSettings } from "./canvas-settings";
import { searchTasks } from "./search";
import { useEditorStore } from "./store";
import { TaskTypeIcon } from "./task-type-icon";
import { NODE_HEIGHT, NODE_WIDTH } from "./types";

/** Ctrl-K: find a task by name, code or type; Enter (or a click) selects it and centres the view on it. */
export const SearchBox = memo(function SearchBox() {
  const open = useCanvasSettings((s) => s.searchOpen);
  return open ? <SearchPanel /> : null;
});

function SearchPanel() {
  const setOpen = useCanvasSettings((s) => s.setSearchOpen);
  const selectTask = useEditorStore((s) => s.selectTask);
  const { setCenter, getZoom } = useReactFlow();
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const listId = useId();
  // Read the tasks when the query changes only: no subscription to every node while open.
  const hits = useMemo(() => searchTasks(useEditorStore.getState().nodes, query), [query]);

  const pick = (code: string) => {
    const node = useEditorStore.getState().nodes.find((n) => n.id === code);
    if (!node) return;
    selectTask(code);
    const w = node.measured?.width ?? NODE_WIDTH;
    const h = node.measured?.height ?? NODE_HEIGHT;
    void setCenter(node.position.x + w / 2, node.position.y + h / 2, {
      zoom: Math.max(getZoom(), 0.9),
      duration: 250,
    });
    setOpen(false);
  };

  return (
    <div
      role="dialog"
      aria-label="Find a task"
      data-testid="task-search"
      className="absolute top-12 left-1/2 z-20 w-96 -translate-x-1/2 rounded-lg border border-slate-200 bg-white p-2 shadow-xl"
    >
      <input
        autoFocus
        role="combobox"
        aria-expanded={hits.length > 0}
        aria-controls={listId}
        aria-label="Find a task by name, code or type"
        placeholder="Find a task by name, code or type…"
        data-testid="task-search-input"
        className={inputClass}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onBlur={(e) => {
          if (!e.currentTarget.parentElement?.contains(e.relatedTarget)) setOpen(false);
        }}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.preventDefault();
            setOpen(false);
          } else if (e.key === "ArrowDown") {
            e.preventDefault();
            setActive((a) => Math.min(a + 1, hits.length - 1));
          } else if (e.key === "ArrowUp") {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (e.key === "Enter" && hits[active]) {
            e.preventDefault();
            pick(hits[active].code);
          }
        }}
      />
      {query.trim() !== "" && (
        <ul id={listId} role="listbox" className="mt-1 max-h-72 overflow-y-auto text-sm">
          {hits.length === 0 && <li className="px-2 py-2 text-slate-500">No task matches.</li>}
          {hits.map((h, i) => (
            <li
              key={h.code}
              role="option"
              aria-selected={i === active}
              tabIndex={-1}
              data-testid={`search-hit-${h.name}`}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(h.code)}
              onMouseEnter={() => setActive(i)}
              className={`flex cursor-pointer items-center gap-2 rounded px-2 py-1.5 ${
                i === active ? "bg-sky-50" : ""
              }`}
            >
              <TaskTypeIcon type={h.type} className="size-5 text-[9px]" />
              <span className="truncate font-medium text-slate-800">{h.name}</span>
              <span className="ml-auto font-mono text-[11px] text-slate-400">{h.code}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
