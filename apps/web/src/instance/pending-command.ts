/** A command the user sent that the engine has not visibly applied yet. */
export interface PendingCommand {
  /** Command type as the timeline records it (`STOP`, `FORCE_SUCCESS`, ...). */
  type: string;
  /** What the button shows meanwhile ("Stopping…"). */
  label: string;
  /** The newest timeline event id when it was sent: only later events can settle it. */
  sinceEventId: number;
  /** The state it was sent from: a different state means it took effect. */
  fromState: string;
  taskCode?: string;
}

/** The timeline's word on a pending command: applied, rejected (with the engine's reason), or not yet. */
export function settle(
  pending: PendingCommand,
  events: readonly { id: number; kind: string; message: string | null }[],
  currentState: string,
): { done: false } | { done: true; error: string | null } {
  for (const e of events) {
    if (e.id <= pending.sinceEventId || e.kind !== "command" || !e.message) continue;
    if (e.message.startsWith(`${pending.type} rejected:`)) {
      return { done: true, error: e.message.slice(`${pending.type} rejected:`.length).trim() };
    }
  }
  if (currentState !== pending.fromState) return { done: true, error: null };
  return { done: false };
}
