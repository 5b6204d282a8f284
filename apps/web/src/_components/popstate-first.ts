/**
 * Lets a page see Back and Forward (`popstate`) before Next's App Router does, and stop it there.
 *
 * Next renders the entry the browser reached from its own `popstate` listener on window, and React
 * commits a popstate navigation synchronously, so by the time a listener the page adds itself runs,
 * the page is already gone. Listeners on window run in the order they were added (Chromium does not
 * put capture listeners first there), so the only way in front is to be added first: this module adds
 * its one listener when evaluated, and the root layout's client provider imports it, which evaluates
 * it while the first render hydrates, before Next's router adds its listener in an effect.
 */
type Handler = (event: PopStateEvent) => void;

interface Slot {
  handler: Handler | null;
}

// Kept on window so a module evaluated twice (dev Fast Refresh) still adds one listener.
const KEY = "__shoalPopStateFirst";

function slot(): Slot {
  const w = window as unknown as Record<string, Slot | undefined>;
  let s = w[KEY];
  if (!s) {
    const created: Slot = { handler: null };
    window.addEventListener("popstate", (e) => created.handler?.(e));
    w[KEY] = s = created;
  }
  return s;
}

if (typeof window !== "undefined") slot();

/**
 * Routes `popstate` to `handler` ahead of Next's router (one handler at a time: the page on screen);
 * `event.stopImmediatePropagation()` in it keeps Next from acting. Returns the unsubscribe.
 */
export function interceptPopState(handler: Handler): () => void {
  const s = slot();
  s.handler = handler;
  return () => {
    if (s.handler === handler) s.handler = null;
  };
}
