/** Lines per page: the unit of fetching and of eviction. */
export const PAGE = 1000;
/** Pages kept in memory (~300 000 lines); the least recently used beyond that are dropped and refetched. */
const MAX_PAGES = 300;

/**
 * The lines of one task log the viewer knows, by number: a sparse set of fixed-size pages of raw
 * stored strings (parsed only when a row is drawn). Lines come from the live tail and from fetched
 * pages in any order; as each has its number, none is shown twice or skipped. Subscribe with
 * `useSyncExternalStore(store.subscribe, store.snapshot)`.
 */
export class LogStore {
  private pages = new Map<number, (string | undefined)[]>();
  private filled = new Map<number, number>();
  total = 0;
  /** The log will not grow any more. */
  final = false;
  private version = 0;
  private listeners = new Set<() => void>();
  private scheduled = false;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  snapshot = (): number => this.version;

  /** Notifies at most once per animation frame, however many batches arrive. */
  private changed(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      this.version++;
      for (const fn of this.listeners) fn();
    };
    if (
      typeof requestAnimationFrame === "function" &&
      typeof document !== "undefined" &&
      !document.hidden
    )
      requestAnimationFrame(run);
    else setTimeout(run, 0);
  }

  /** Asks subscribers to draw again (e.g. to retry fetching what is still missing). */
  redraw(): void {
    this.changed();
  }

  get(i: number): string | undefined {
    const page = this.pages.get(Math.floor(i / PAGE));
    return page?.[i % PAGE];
  }

  /** Places lines `from…`; the total grows to cover them. */
  put(from: number, lines: readonly string[]): void {
    if (lines.length === 0) return;
    for (let k = 0; k < lines.length;) {
      const n = from + k;
      const p = Math.floor(n / PAGE);
      let page = this.pages.get(p);
      if (!page) {
        page = new Array<string | undefined>(PAGE);
        this.pages.set(p, page);
        this.filled.set(p, 0);
      } else {
        // Most recently used last (Map keeps insertion order).
        this.pages.delete(p);
        this.pages.set(p, page);
      }
      let filled = this.filled.get(p) ?? 0;
      for (let j = n % PAGE; j < PAGE && k < lines.length; j++, k++) {
        if (page[j] === undefined) filled++;
        page[j] = lines[k];
      }
      this.filled.set(p, filled);
    }
    this.total = Math.max(this.total, from + lines.length);
    this.evict();
    this.changed();
  }

  setTotal(total: number, final = this.final): void {
    if (total === this.total && final === this.final) return;
    this.total = Math.max(this.total, total);
    this.final = final;
    this.changed();
  }

  /** Marks pages as recently used (the visible ones), so eviction spares them. */
  touch(fromPage: number, toPage: number): void {
    for (let p = fromPage; p <= toPage; p++) {
      const page = this.pages.get(p);
      if (page) {
        this.pages.delete(p);
        this.pages.set(p, page);
      }
    }
  }

  /** Pages in `[from, to)` lines with a line missing. */
  missingPages(from: number, to: number): number[] {
    const out: number[] = [];
    const end = Math.min(to, this.total);
    for (let p = Math.floor(from / PAGE); p * PAGE < end; p++) {
      const want = Math.min(PAGE, this.total - p * PAGE);
      if ((this.filled.get(p) ?? 0) < want) out.push(p);
    }
    return out;
  }

  private evict(): void {
    while (this.pages.size > MAX_PAGES) {
      const oldest = this.pages.keys().next().value as number;
      this.pages.delete(oldest);
      this.filled.delete(oldest);
    }
  }
}
