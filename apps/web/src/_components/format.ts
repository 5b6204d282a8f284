type When = string | Date | null | undefined;

const toDate = (v: When): Date | null => (v == null ? null : v instanceof Date ? v : new Date(v));

/** "14:03:07" today, "Nov 21 14:03" otherwise. */
export function formatTime(v: When): string {
  const d = toDate(v);
  if (!d || Number.isNaN(d.getTime())) return "—";
  const now = new Date();
  const sameDay = d.toDateString() === now.toDateString();
  return sameDay
    ? d.toLocaleTimeString(undefined, { hour12: false })
    : d.toLocaleString(undefined, {
        month: "short",
        day: "numeric",
        hour: "2-digit",
        minute: "2-digit",
        hour12: false,
      });
}

/** "850 ms", "12.3 s", "4m 05s", "2h 03m". `end` defaults to now for running things. */
export function formatDuration(start: When, end: When, now = Date.now()): string {
  const s = toDate(start);
  if (!s) return "—";
  const e = toDate(end)?.getTime() ?? now;
  const ms = Math.max(0, e - s.getTime());
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const sec = Math.floor(ms / 1000);
  if (sec < 3600) return `${Math.floor(sec / 60)}m ${String(sec % 60).padStart(2, "0")}s`;
  return `${Math.floor(sec / 3600)}h ${String(Math.floor((sec % 3600) / 60)).padStart(2, "0")}m`;
}

export function shortId(id: string): string {
  return id.slice(0, 8);
}
