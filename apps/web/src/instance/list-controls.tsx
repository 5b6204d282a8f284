"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useState, type ReactNode } from "react";
import { cn } from "~/_components/cn";
import { Button, inputClass } from "~/_components/ui";

/**
 * Filters, sort and page held in the URL, so a link shows what the sender saw. `set` replaces the
 * given keys (empty values remove them) and, unless a page is given, goes back to page 1.
 */
export function useUrlParams() {
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const get = useCallback((key: string) => search.get(key) ?? "", [search]);
  const set = useCallback(
    (changes: Record<string, string | null | undefined>) => {
      const next = new URLSearchParams(search.toString());
      if (!("page" in changes)) next.delete("page");
      for (const [k, v] of Object.entries(changes)) {
        if (v) next.set(k, v);
        else next.delete(k);
      }
      const qs = next.toString();
      router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
    },
    [router, pathname, search],
  );
  return { get, set };
}

/** `yyyy-mm-dd` (local day) → the instant it starts; `endOfDay` gives the next day's start (exclusive). */
export function dayToDate(day: string, endOfDay = false): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const d = new Date(`${day}T00:00:00`);
  if (Number.isNaN(d.getTime())) return undefined;
  if (endOfDay) d.setDate(d.getDate() + 1);
  return d;
}

/** A text filter that writes to the URL after the user pauses typing. */
export function SearchInput({
  label,
  value,
  onChange,
  placeholder,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  placeholder?: string;
}) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text === value) return;
    const t = setTimeout(() => onChange(text.trim()), 300);
    return () => clearTimeout(t);
  }, [text, value, onChange]);
  return (
    <FilterField label={label}>
      <input
        type="search"
        aria-label={label}
        className={cn(inputClass, "w-44")}
        value={text}
        placeholder={placeholder}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter") onChange(text.trim());
        }}
      />
    </FilterField>
  );
}

export function FilterField({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="flex flex-col gap-1">
      <span className="text-xs font-medium text-slate-600">{label}</span>
      {children}
    </label>
  );
}

export function SelectFilter({
  label,
  value,
  onChange,
  options,
  allLabel,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: readonly { value: string; label: string }[];
  allLabel: string;
}) {
  return (
    <FilterField label={label}>
      <select
        aria-label={label}
        className={cn(inputClass, "w-44")}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      >
        <option value="">{allLabel}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FilterField>
  );
}

export function DateRange({
  from,
  to,
  onChange,
}: {
  from: string;
  to: string;
  onChange: (from: string, to: string) => void;
}) {
  return (
    <>
      <FilterField label="From">
        <input
          type="date"
          aria-label="From"
          className={cn(inputClass, "w-40")}
          value={from}
          max={to || undefined}
          onChange={(e) => onChange(e.target.value, to)}
        />
      </FilterField>
      <FilterField label="To">
        <input
          type="date"
          aria-label="To"
          className={cn(inputClass, "w-40")}
          value={to}
          min={from || undefined}
          onChange={(e) => onChange(from, e.target.value)}
        />
      </FilterField>
    </>
  );
}

/** "26–50 of 134" with previous/next; pages are 1-based. */
export function Pager({
  page,
  pageSize,
  total,
  onPage,
  fetching,
}: {
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
  fetching?: boolean;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  return (
    <nav
      aria-label="Pagination"
      className="flex items-center justify-between gap-3 border-t border-slate-100 px-4 py-2.5 text-sm text-slate-600"
    >
      <span data-testid="pager-status">
        {first}–{last} of {total}
        {fetching && <span className="ml-2 text-xs text-slate-400">updating…</span>}
      </span>
      <span className="flex items-center gap-2">
        <Button onClick={() => onPage(page - 1)} disabled={page <= 1} aria-label="Previous page">
          ‹ Previous
        </Button>
        <span className="text-xs text-slate-500">
          Page {page} of {pages}
        </span>
        <Button onClick={() => onPage(page + 1)} disabled={page >= pages} aria-label="Next page">
          Next ›
        </Button>
      </span>
    </nav>
  );
}

/** A column header that sorts the list on the server; `aria-sort` tells assistive tech the order. */
export function SortHeader({
  label,
  column,
  sort,
  dir,
  onSort,
}: {
  label: string;
  column: string;
  sort: string;
  dir: "asc" | "desc";
  onSort: (column: string, dir: "asc" | "desc") => void;
}) {
  const active = sort === column;
  return (
    <th
      className="px-4 py-2 font-medium"
      aria-sort={active ? (dir === "asc" ? "ascending" : "descending") : "none"}
    >
      <button
        type="button"
        className={cn(
          "inline-flex items-center gap-1 uppercase tracking-wide hover:text-slate-900",
          active && "text-slate-900",
        )}
        onClick={() => onSort(column, active && dir === "desc" ? "asc" : "desc")}
      >
        {label}
        <span aria-hidden className="text-[10px]">
          {active ? (dir === "asc" ? "▲" : "▼") : "↕"}
        </span>
      </button>
    </th>
  );
}

/** Re-renders every second while `active`, so running durations count up without refetching. */
export function useTicker(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    // Catch up at once: `now` froze while nothing ran, so a row that just started would read 0 ms.
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [active]);
  return now;
}
