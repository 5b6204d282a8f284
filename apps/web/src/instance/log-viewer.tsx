"use client";

import { useQuery } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { decodeLogLine } from "@shoal/core";
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { cn } from "~/_components/cn";
import { AnsiText, SHOWN_CHARS, visibleText } from "~/logs/ansi-text";
import { LogToolbar, type LogOptions } from "~/logs/log-toolbar";
import { useLogSearch } from "~/logs/use-log-search";
import { useTaskLog } from "~/logs/use-task-log";
import { useTRPC } from "~/trpc/react";

const ROW_PX = 20;
const OVERSCAN = 30;

/** `2026-01-02T03:04:05.678Z` → `04:04:05.678` in the viewer's time zone. */
function clock(iso: string): string {
  const d = new Date(iso);
  return `${d.toLocaleTimeString(undefined, { hour12: false })}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

export interface LogViewerProps {
  projectId: string;
  taskInstanceId: string;
  /** Exit code of the attempt once it finished (from the instance's live snapshot). */
  exitCode: number | null;
  finished: boolean;
}

/**
 * Log of one task, latest attempt first; earlier attempts are one pick away. Mount it with
 * `key={taskInstanceId}` so a new attempt starts a fresh view.
 */
export function LogViewer({ projectId, taskInstanceId, exitCode, finished }: LogViewerProps) {
  const trpc = useTRPC();
  const [selected, setSelected] = useState(taskInstanceId);
  const attempts = useQuery(trpc.task.attempts.queryOptions({ projectId, taskInstanceId }));
  const [options, setOptions] = useState<LogOptions>({
    lineNumbers: true,
    timestamps: true,
    wrap: false,
  });
  const pick = attempts.data?.find((a) => a.id === selected);
  const latest = selected === taskInstanceId;
  return (
    <AttemptLog
      key={selected}
      projectId={projectId}
      taskInstanceId={selected}
      attempts={attempts.data ?? []}
      onPickAttempt={setSelected}
      options={options}
      onOptions={setOptions}
      exitCode={latest ? exitCode : (pick?.exitCode ?? null)}
      finished={latest ? finished : true}
    />
  );
}

interface AttemptLogProps {
  projectId: string;
  taskInstanceId: string;
  attempts: { id: string; attempt: number; state: string }[];
  onPickAttempt: (id: string) => void;
  options: LogOptions;
  onOptions: (o: LogOptions) => void;
  exitCode: number | null;
  finished: boolean;
}

function AttemptLog(props: AttemptLogProps) {
  const { projectId, taskInstanceId, options, exitCode, finished } = props;
  const { store, version, ensure, sub, pageError } = useTaskLog(projectId, taskInstanceId);
  const search = useLogSearch(projectId, taskInstanceId, !store.final);
  const [follow, setFollow] = useState(true);
  const [focusLine, setFocusLine] = useState<number | null>(null);
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const box = useRef<HTMLDivElement>(null);
  const total = store.total;

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => box.current,
    estimateSize: () => ROW_PX,
    overscan: OVERSCAN,
    // Fixed-height rows unless wrapping: nothing to measure, scrolling a million rows stays cheap.
    ...(options.wrap ? { measureElement: (el: Element) => el.getBoundingClientRect().height } : {}),
  });
  const rows = virtualizer.getVirtualItems();
  const first = rows[0]?.index ?? 0;
  const last = rows.at(-1)?.index ?? 0;

  useEffect(() => {
    if (total === 0) return;
    ensure(first, last + 1);
    store.touch(Math.floor(first / 1000), Math.floor(last / 1000));
  }, [ensure, store, first, last, total, version]);

  // Unwrapped rows all get the width of the widest drawn so far, so the sticky line numbers and the
  // row highlights stay in place when the view is scrolled sideways.
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = box.current;
    if (options.wrap || !el) return;
    let w = width;
    for (const row of el.querySelectorAll<HTMLElement>('[data-testid="log-line"]'))
      w = Math.max(w, row.scrollWidth);
    if (w > width) setWidth(w);
  });

  // Follow the tail: keep the last line in view as lines arrive.
  useLayoutEffect(() => {
    const el = box.current;
    if (follow && el && total > 0) el.scrollTop = el.scrollHeight;
  }, [follow, total, version]);

  const expand = useCallback((line: number) => setExpanded((s) => new Set(s).add(line)), []);

  const goTo = (line: number) => {
    setFollow(false);
    setFocusLine(line);
    virtualizer.scrollToIndex(line, { align: "center" });
  };
  // Jump only when the current match changes, not on every render.
  useEffect(() => {
    if (search.current !== null) goTo(search.current);
  }, [search.current, search.query]);

  const digits = String(Math.max(total, 1)).length;
  const ended = store.final || (finished && sub.status === "idle");

  return (
    <div
      className="flex min-h-0 flex-1 flex-col"
      data-testid="log-view"
      data-total={total}
      data-final={store.final}
    >
      <LogToolbar
        projectId={projectId}
        taskInstanceId={taskInstanceId}
        attempts={props.attempts}
        onPickAttempt={props.onPickAttempt}
        options={options}
        onOptions={props.onOptions}
        follow={follow}
        onFollow={(on) => {
          setFollow(on);
          if (on) setFocusLine(null);
        }}
        search={search}
        onJump={goTo}
      />
      <div
        ref={box}
        tabIndex={0}
        role="log"
        aria-label="Log lines"
        data-testid="log-lines"
        onScroll={(e) => {
          const el = e.currentTarget;
          const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < ROW_PX * 2;
          if (atBottom !== follow) setFollow(atBottom);
        }}
        className="relative min-h-0 flex-1 overflow-auto bg-slate-950 font-mono text-xs leading-5 text-slate-100 outline-none focus-visible:ring-2 focus-visible:ring-blue-500 focus-visible:ring-inset"
      >
        {total === 0 && (
          <p className="px-3 py-2 text-slate-500">
            {ended ? "(no output)" : sub.status === "error" ? "" : "Waiting for output…"}
          </p>
        )}
        <div
          style={{
            height: virtualizer.getTotalSize(),
            position: "relative",
            minWidth: "100%",
            width: options.wrap || width === 0 ? "100%" : width,
          }}
        >
          {rows.map((row) => (
            <LogRow
              key={row.key}
              index={row.index}
              start={row.start}
              raw={store.get(row.index)}
              digits={digits}
              options={options}
              query={search.query}
              focused={row.index === focusLine}
              current={row.index === search.current}
              expanded={expanded.has(row.index)}
              onExpand={expand}
              measure={options.wrap ? virtualizer.measureElement : undefined}
            />
          ))}
        </div>
      </div>
      <div className="flex items-center justify-between gap-3 border-t border-slate-200 bg-white px-4 py-2 text-xs">
        <span className="text-slate-500">
          <span data-testid="log-line-count">
            {total.toLocaleString()} line{total === 1 ? "" : "s"}
          </span>
          {sub.status === "error" && (
            <span className="ml-2 text-red-600">log stream error: {sub.error?.message}</span>
          )}
          {pageError && (
            <span className="ml-2 text-red-600">could not load lines: {pageError}</span>
          )}
          {!ended && sub.status === "connecting" && <span className="ml-2">connecting…</span>}
        </span>
        {finished && exitCode !== null ? (
          <span
            data-testid="log-exit-code"
            className={cn("font-medium", exitCode === 0 ? "text-emerald-700" : "text-red-700")}
          >
            Exit code {exitCode}
          </span>
        ) : ended ? (
          <span className="text-slate-500">Log complete</span>
        ) : (
          <span className="flex items-center gap-1.5 text-blue-700" data-testid="log-live">
            <span className="size-1.5 animate-pulse rounded-full bg-blue-600" /> live
          </span>
        )}
      </div>
    </div>
  );
}

interface LogRowProps {
  index: number;
  start: number;
  raw: string | undefined;
  digits: number;
  options: LogOptions;
  query: string;
  focused: boolean;
  current: boolean;
  expanded: boolean;
  onExpand: (line: number) => void;
  measure?: (el: Element | null) => void;
}

/** One line, parsed only while it is drawn. */
const LogRow = memo(function LogRow(p: LogRowProps) {
  const line = useMemo(() => (p.raw === undefined ? null : decodeLogLine(p.raw)), [p.raw]);
  const text = line ? visibleText(line.text) : "";
  const cut = !p.expanded && text.length > SHOWN_CHARS;
  return (
    <div
      ref={p.measure}
      data-index={p.index}
      data-testid="log-line"
      data-line={p.index + 1}
      className={cn(
        "absolute left-0 flex w-full border-l-2 border-transparent pr-3",
        line?.stderr && "border-red-500/60",
        line?.system && "text-slate-400 italic",
        p.current ? "bg-amber-500/25" : p.focused ? "bg-blue-500/25" : "hover:bg-white/5",
      )}
      style={{
        transform: `translateY(${p.start}px)`,
        ...(p.options.wrap ? {} : { height: ROW_PX }),
      }}
    >
      {p.options.lineNumbers && (
        <span
          className="sticky left-0 shrink-0 bg-slate-950 pr-3 pl-2 text-right text-slate-600 select-none"
          style={{ width: `${p.digits + 2}ch` }}
        >
          {p.index + 1}
        </span>
      )}
      {p.options.timestamps && (
        <span className="shrink-0 pr-3 whitespace-nowrap text-slate-500 select-none">
          {line?.time ? clock(line.time) : ""}
        </span>
      )}
      {line === null ? (
        <span className="text-slate-600">…</span>
      ) : (
        <span
          className={cn(
            p.options.wrap ? "min-w-0 break-all whitespace-pre-wrap" : "whitespace-pre",
            !p.options.lineNumbers && !p.options.timestamps && "pl-3",
          )}
        >
          <AnsiText text={cut ? text.slice(0, SHOWN_CHARS) : text} query={p.query} />
          {cut && (
            <button
              type="button"
              onClick={() => p.onExpand(p.index)}
              className="ml-1 rounded bg-slate-700 px-1 text-slate-200 hover:bg-slate-600"
            >
              … ({(text.length - SHOWN_CHARS).toLocaleString()} more chars)
            </button>
          )}
          {line.continued && (
            <span className="text-slate-500 select-none" title="continues on the next line">
              {" "}
              ↩
            </span>
          )}
        </span>
      )}
    </div>
  );
});
