import { useEffect } from "react";
import { interceptPopState } from "~/_components/popstate-first";
import { useEditorStore } from "./store";

const LEAVE_MESSAGE = "You have unsaved changes in this workflow. Leave without saving?";

/** Marks the history entry the guard pushes on top of the editor's own while there are unsaved edits. */
const SENTINEL = "__shoalUnsaved";

type HistoryState = Record<string, unknown> | null;

const isSentinel = (state: unknown): boolean => (state as HistoryState)?.[SENTINEL] === true;

interface Navigation {
  canGoBack: boolean;
  canGoForward: boolean;
  currentEntry: { index: number } | null;
}
// The Navigation API (where present) says whether a step exists; without it, assume Back does.
const nav = () => (window as { navigation?: Navigation }).navigation;
const canGoBack = () => nav()?.canGoBack ?? true;
const canGoForward = () => nav()?.canGoForward ?? false;
const entryIndex = () => nav()?.currentEntry?.index ?? -1;

/**
 * Leaving with unsaved changes asks first: reloads and closing the tab through `beforeunload`, in-app
 * links by catching their clicks (Next's client navigation has no cancellable event), Back and Forward
 * through {@link guardHistory}.
 */
export function useUnsavedChangesGuard() {
  useEffect(() => {
    const isDirty = () => useEditorStore.getState().dirty;
    const guard = guardHistory({ isDirty, confirmLeave: () => window.confirm(LEAVE_MESSAGE) });
    const unsubscribe = useEditorStore.subscribe((s, prev) => {
      if (s.dirty !== prev.dirty) guard.sync();
    });

    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (isDirty() && !guard.leaveConfirmed()) e.preventDefault();
    };
    const onClick = (e: MouseEvent) => {
      if (!isDirty() || e.defaultPrevented || e.button !== 0) return;
      if (e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return; // new tab/window: nothing is lost
      const a = (e.target as Element | null)?.closest?.("a[href]");
      if (!(a instanceof HTMLAnchorElement) || a.target === "_blank" || a.hasAttribute("download"))
        return;
      const url = new URL(a.href, location.href);
      if (url.origin !== location.origin) return; // beforeunload covers it
      if (url.pathname === location.pathname && url.search === location.search) return;
      if (window.confirm(LEAVE_MESSAGE)) {
        guard.confirmLeave();
      } else {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    document.addEventListener("click", onClick, true);
    return () => {
      unsubscribe();
      guard.dispose();
      window.removeEventListener("beforeunload", onBeforeUnload);
      document.removeEventListener("click", onClick, true);
    };
  }, []);
}

/**
 * Guards Back and Forward for the page that is current when called. History traversal cannot be
 * cancelled, so while `isDirty()` a sentinel entry (same URL, the editor's own Next router state plus
 * a marker) sits on top of the editor's entry: Back then only steps onto the editor's own entry, which
 * renders nothing new, and the guard asks. Declined, it pushes the sentinel again; accepted, it steps
 * back once more for real. When the edits are saved, it steps off the sentinel so Back leaves at once.
 *
 * Next's App Router renders whatever entry the browser reached from its own `popstate` listener; ours
 * runs first ({@link interceptPopState}), so it stops the event when Next has nothing to do (a step
 * between the editor's two entries) or must not act yet (a jump to another page awaiting the answer),
 * and hands the same event to Next afterwards if the user chooses to leave.
 */
function guardHistory({
  isDirty,
  confirmLeave,
}: {
  isDirty: () => boolean;
  confirmLeave: () => boolean;
}) {
  const editorUrl = location.pathname + location.search;
  const atEditor = () => location.pathname + location.search === editorUrl;
  // Next's state of the editor's entry, to push again after a declined jump to another page.
  let editorState = history.state as HistoryState;
  let onSentinel = isSentinel(history.state);
  // Where the sentinel sits in the history list (-1: unknown), to return to it after a declined jump.
  let sentinelIndex = onSentinel ? entryIndex() : -1;
  // A traversal the guard started: "within" stays on the editor's entries (nothing for Next to render);
  // "through" goes on to another entry, which Next renders.
  let pending: "within" | "through" | null = null;
  let leaving = false;
  let redispatching = false;

  const sentinelState = () => ({ ...editorState, [SENTINEL]: true });

  const push = () => {
    // The state carries Next's `__NA`, so Next's patched pushState passes it through untouched.
    history.pushState(sentinelState(), "", editorUrl);
    onSentinel = true;
    sentinelIndex = entryIndex();
  };

  /** Puts the sentinel on while dirty and takes it off once clean. */
  const sync = () => {
    if (pending || leaving || !atEditor()) return;
    if (isDirty() && !onSentinel) {
      // With nothing behind the editor in this app, Back leaves the document and beforeunload asks.
      if (!canGoBack()) return;
      editorState = history.state as HistoryState;
      push();
    } else if (!isDirty() && onSentinel && canGoBack()) {
      pending = "within";
      history.back();
    }
  };

  const onPopState = (e: PopStateEvent) => {
    if (redispatching) return;
    const wasOnSentinel = onSentinel;
    onSentinel = isSentinel(e.state);
    if (onSentinel) sentinelIndex = entryIndex();
    if (pending === "within") {
      pending = null;
      e.stopImmediatePropagation();
      sync(); // edited again while stepping off
      return;
    }
    if (pending === "through" || leaving) {
      pending = null;
      return;
    }

    if (atEditor()) {
      // A step between the editor's own entry and a sentinel: same page, nothing for Next to render.
      e.stopImmediatePropagation();
      if (onSentinel) {
        // Forward onto a leftover sentinel (left by a reload or a link followed while dirty): carry on.
        if (!isDirty() && canGoForward()) {
          pending = "through";
          history.forward();
        }
        return;
      }
      editorState = e.state as HistoryState;
      if (!wasOnSentinel) return;
      if (!isDirty()) {
        // Back off a leftover sentinel: the user means to leave the editor, so do.
        if (canGoBack()) {
          pending = "through";
          history.back();
        }
        return;
      }
      if (confirmLeave()) {
        leaving = true;
        if (canGoBack()) history.back();
      } else {
        push();
      }
      return;
    }

    // A jump straight to another page (the Back button's history list, or Forward).
    if (!isDirty()) return;
    e.stopImmediatePropagation();
    if (confirmLeave()) {
      leaving = true;
      redispatching = true;
      try {
        window.dispatchEvent(new PopStateEvent("popstate", { state: e.state as unknown }));
      } finally {
        redispatching = false;
      }
    } else if (sentinelIndex >= 0 && entryIndex() >= 0) {
      // Go back to the sentinel, keeping the entries jumped over; Next never saw the jump.
      pending = "within";
      history.go(sentinelIndex - entryIndex());
    } else {
      push();
    }
  };

  const stopIntercepting = interceptPopState(onPopState);
  // Arrived on a leftover sentinel (reload, or Back from a page a link led to): step off it. Not
  // armed here even if dirty: this mounts before the editor loads, so `dirty` may be the last editor's.
  if (!isDirty()) sync();

  return {
    sync,
    /** The user agreed to lose the edits (a link's confirm): the unload that follows must not ask. */
    confirmLeave: () => {
      leaving = true;
    },
    leaveConfirmed: () => leaving,
    dispose: stopIntercepting,
  };
}
