"use client";

import { useState, type ReactNode } from "react";
import { cn } from "~/_components/cn";
import { useTRPCClient } from "~/trpc/react";
import type { LogSearch } from "./use-log-search";

export interface LogOptions {
  lineNumbers: boolean;
  timestamps: boolean;
  wrap: boolean;
}

const ERROR_TERMS_KEY = "shoal.logs.errorTerms";
const DEFAULT_ERROR_TERMS = ["error", "exception", "traceback", "failed"];

function loadErrorTerms(): string[] {
  if (typeof localStorage === "undefined") return DEFAULT_ERROR_TERMS;
  const saved = localStorage.getItem(ERROR_TERMS_KEY);
  const terms = saved ? parseTerms(saved) : [];
  return terms.length ? terms : DEFAULT_ERROR_TERMS;
}

const parseTerms = (s: string) =>
  s
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean)
    .slice(0, 20);

function Toggle({
  on,
  onChange,
  label,
  children,
}: {
  on: boolean;
  onChange: (on: boolean) => void;
  label: string;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      aria-pressed={on}
      aria-label={label}
      title={label}
      onClick={() => onChange(!on)}
      className={cn(
        "rounded border px-1.5 py-0.5 text-xs",
        on
          ? "border-blue-300 bg-blue-50 text-blue-800"
          : "border-slate-200 bg-white text-slate-500 hover:bg-slate-50",
      )}
    >
      {children}
    </button>
  );
}

const button =
  "rounded border border-slate-200 bg-white px-1.5 py-0.5 text-xs text-slate-700 hover:bg-slate-50 disabled:opacity-40";

export function LogToolbar(props: {
  projectId: string;
  taskInstanceId: string;
  attempts: { id: string; attempt: number; state: string }[];
  onPickAttempt: (id: string) => void;
  options: LogOptions;
  onOptions: (o: LogOptions) => void;
  follow: boolean;
  onFollow: (on: boolean) => void;
  search: LogSearch;
  onJump: (line: number) => void;
}) {
  const { options, onOptions, search } = props;
  const client = useTRPCClient();
  const [errorTerms, setErrorTerms] = useState(loadErrorTerms);
  const [errorNote, setErrorNote] = useState<string | null>(null);
  const count = search.matches.length;

  const firstError = async () => {
    setErrorNote("searching…");
    try {
      const res = await client.task.logSearch.query({
        projectId: props.projectId,
        taskInstanceId: props.taskInstanceId,
        terms: errorTerms,
        limit: 1,
      });
      const line = res.matches[0];
      if (line === undefined) setErrorNote(`no line with ${errorTerms.join(", ")}`);
      else {
        setErrorNote(null);
        props.onJump(line);
      }
    } catch (err) {
      setErrorNote((err as Error).message);
    }
  };

  return (
    <div className="flex flex-col gap-1.5 border-b border-slate-200 bg-slate-50 px-3 py-2">
      <div className="flex items-center gap-1.5">
        {props.attempts.length > 1 && (
          <select
            aria-label="Attempt"
            value={props.taskInstanceId}
            onChange={(e) => props.onPickAttempt(e.target.value)}
            className="rounded border border-slate-200 bg-white px-1 py-0.5 text-xs"
          >
            {props.attempts.map((a) => (
              <option key={a.id} value={a.id}>
                Attempt {a.attempt} · {a.state}
              </option>
            ))}
          </select>
        )}
        <input
          type="search"
          aria-label="Search log"
          placeholder="Search log"
          value={search.input}
          onChange={(e) => search.setInput(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              if (e.shiftKey) search.prev();
              else search.next();
            }
          }}
          className="min-w-0 flex-1 rounded border border-slate-200 bg-white px-2 py-0.5 text-xs"
        />
        <span
          className="min-w-16 text-right text-xs whitespace-nowrap text-slate-500"
          data-testid="log-search-count"
          aria-live="polite"
        >
          {search.error
            ? "search failed"
            : search.query
              ? search.searching
                ? "…"
                : count === 0
                  ? "no matches"
                  : `${search.index + 1} / ${count.toLocaleString()}${search.truncated ? "+" : ""}`
              : ""}
        </span>
        <button
          type="button"
          className={button}
          aria-label="Previous match"
          title="Previous match (Shift+Enter)"
          disabled={count === 0}
          onClick={search.prev}
        >
          ↑
        </button>
        <button
          type="button"
          className={button}
          aria-label="Next match"
          title="Next match (Enter)"
          disabled={count === 0}
          onClick={search.next}
        >
          ↓
        </button>
      </div>
      <div className="flex flex-wrap items-center gap-1.5">
        <Toggle on={props.follow} onChange={props.onFollow} label="Follow tail">
          Follow
        </Toggle>
        <Toggle
          on={options.wrap}
          onChange={(wrap) => onOptions({ ...options, wrap })}
          label="Wrap long lines"
        >
          Wrap
        </Toggle>
        <Toggle
          on={options.lineNumbers}
          onChange={(lineNumbers) => onOptions({ ...options, lineNumbers })}
          label="Line numbers"
        >
          #
        </Toggle>
        <Toggle
          on={options.timestamps}
          onChange={(timestamps) => onOptions({ ...options, timestamps })}
          label="Timestamps"
        >
          Time
        </Toggle>
        <span className="mx-1 h-4 w-px bg-slate-200" />
        <button
          type="button"
          className={button}
          onClick={() => void firstError()}
          title={`First line with ${errorTerms.join(", ")}`}
        >
          First error
        </button>
        <details className="relative">
          <summary
            className="cursor-pointer list-none rounded px-1 text-xs text-slate-500 hover:bg-slate-100"
            aria-label="Error words"
            title="Error words"
          >
            ⚙
          </summary>
          <label className="absolute z-10 mt-1 flex w-64 flex-col gap-1 rounded border border-slate-200 bg-white p-2 text-xs shadow">
            Words that mark an error line (comma separated, any case)
            <input
              aria-label="Error words"
              defaultValue={errorTerms.join(", ")}
              onBlur={(e) => {
                const terms = parseTerms(e.target.value);
                const next = terms.length ? terms : DEFAULT_ERROR_TERMS;
                setErrorTerms(next);
                localStorage.setItem(ERROR_TERMS_KEY, next.join(", "));
              }}
              className="rounded border border-slate-200 px-1.5 py-0.5"
            />
          </label>
        </details>
        {errorNote && (
          <span className="text-xs text-slate-500" data-testid="log-error-note">
            {errorNote}
          </span>
        )}
        <a
          href={`/api/logs/${props.taskInstanceId}?projectId=${props.projectId}`}
          download
          className={cn(button, "ml-auto")}
          data-testid="log-download"
        >
          Download
        </a>
      </div>
    </div>
  );
}
