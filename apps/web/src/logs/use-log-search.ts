"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTRPC } from "~/trpc/react";

const DEBOUNCE_MS = 250;

/**
 * Search in one attempt's log. The server finds the matching line numbers (Postgres narrows to the
 * chunks that can match), so a million-line log is searched without loading it into the tab; the
 * viewer marks matches in the rows it draws. `live` re-runs the search as the log grows.
 */
export function useLogSearch(projectId: string, taskInstanceId: string, live: boolean) {
  const trpc = useTRPC();
  const [input, setInput] = useState("");
  const [query, setQuery] = useState("");
  const [index, setIndex] = useState(0);

  useEffect(() => {
    const t = setTimeout(() => {
      setQuery(input);
      setIndex(0);
    }, DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [input]);

  const result = useQuery(
    trpc.task.logSearch.queryOptions(
      { projectId, taskInstanceId, terms: [query] },
      {
        enabled: query.length > 0,
        refetchInterval: live ? 2000 : false,
        placeholderData: (prev) => prev,
      },
    ),
  );
  const matches = query && result.data ? result.data.matches : [];
  const count = matches.length;
  const current = count > 0 ? matches[Math.min(index, count - 1)]! : null;

  return {
    input,
    setInput,
    query,
    matches,
    truncated: result.data?.truncated ?? false,
    searching: result.isFetching && query.length > 0 && !result.data,
    error: result.error?.message ?? null,
    /** 0-based position of the current match among `matches`. */
    index: Math.min(index, Math.max(count - 1, 0)),
    current,
    next: () => count && setIndex((i) => (Math.min(i, count - 1) + 1) % count),
    prev: () => count && setIndex((i) => (Math.min(i, count - 1) - 1 + count) % count),
  };
}

export type LogSearch = ReturnType<typeof useLogSearch>;
