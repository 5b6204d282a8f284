"use client";

import { useSubscription } from "@trpc/tanstack-react-query";
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { useTRPC, useTRPCClient } from "~/trpc/react";
import { LogStore, PAGE } from "./log-store";

/** A page that came back short (lines not written or persisted yet) is asked again after this. */
const RETRY_MS = 1000;

/**
 * One attempt's log: the live tail (`task.onLog`, resumed from the last event id by the SSE link
 * after a reconnect) and pages fetched on demand (`task.logPage`) for the rows in view. Both place
 * lines by number in a {@link LogStore}, so the hand-over from the Redis tail to the persisted log
 * is invisible. Mount with `key={taskInstanceId}`.
 */
export function useTaskLog(projectId: string, taskInstanceId: string) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const [store] = useState(() => new LogStore());
  const version = useSyncExternalStore(store.subscribe, store.snapshot, store.snapshot);
  const [pageError, setPageError] = useState<string | null>(null);
  const inFlight = useRef(new Set<number>());
  const tried = useRef(new Map<number, number>());

  const sub = useSubscription(
    trpc.task.onLog.subscriptionOptions(
      { projectId, taskInstanceId },
      {
        onData: ({ data }) => {
          store.put(data.fromLine, data.lines);
          store.setTotal(data.total, data.done === true);
        },
      },
    ),
  );

  // The last page at once, beside the subscription: the first screen (the tail) needs one round trip.
  useEffect(() => {
    client.task.logPage
      .query({ projectId, taskInstanceId, count: PAGE })
      .then((res) => {
        store.put(res.fromLine, res.lines);
        store.setTotal(res.total, res.final || store.final);
      })
      .catch(() => {}); // the pages in view are fetched (and their errors shown) by `ensure`
  }, [client, projectId, taskInstanceId, store]);

  /** Fetches the pages of lines `[from, to)` that are not all here yet. */
  const ensure = useCallback(
    (from: number, to: number) => {
      const now = Date.now();
      for (const p of store.missingPages(from, to)) {
        if (inFlight.current.has(p) || now - (tried.current.get(p) ?? 0) < RETRY_MS) continue;
        inFlight.current.add(p);
        tried.current.set(p, now);
        client.task.logPage
          .query({ projectId, taskInstanceId, fromLine: p * PAGE, count: PAGE })
          .then((res) => {
            store.put(res.fromLine, res.lines);
            store.setTotal(res.total, res.final || store.final);
            setPageError(null);
            // Came back short (not written or persisted yet): draw again after the back-off to retry.
            if (res.lines.length < Math.min(PAGE, res.total - p * PAGE))
              setTimeout(() => store.redraw(), RETRY_MS);
          })
          .catch((err: Error) => {
            setPageError(err.message);
            setTimeout(() => store.redraw(), RETRY_MS);
          })
          .finally(() => inFlight.current.delete(p));
      }
    },
    [client, projectId, taskInstanceId, store],
  );

  return { store, version, ensure, sub, pageError };
}
