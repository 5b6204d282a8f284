/** A DISPATCHED/RUNNING attempt recorded on a worker (its `host`). */
export interface HostedAttempt {
  id: string;
  host: string;
  /** When the worker started it (its own clock), else when it was dispatched. */
  since: Date;
}

/** A live worker's last heartbeat: when, and the attempts it said it was running (null: not reported). */
export interface WorkerReport {
  heartbeatAt: Date;
  running: readonly string[] | null;
}

export interface UnreportedDecision {
  /** Attempts missing from their live worker's reports for the whole grace: report them lost. */
  lost: string[];
  /** Attempt → when it was first seen missing (carry into the next pass). */
  missingSince: Map<string, number>;
}

/**
 * Finds attempts that a live worker no longer runs (its "finished" event was lost with Redis): an
 * attempt is missing when its worker's heartbeat, taken at least `graceMs` after the attempt started,
 * does not list it; it is lost once it has stayed missing for `graceMs` across passes. The second
 * condition lets a finished event that is merely still queued for the master arrive first.
 */
export function unreportedAttempts(
  attempts: readonly HostedAttempt[],
  workers: ReadonlyMap<string, WorkerReport>,
  previous: ReadonlyMap<string, number>,
  now: number,
  graceMs: number,
): UnreportedDecision {
  const lost: string[] = [];
  const missingSince = new Map<string, number>();
  for (const a of attempts) {
    const w = workers.get(a.host);
    if (!w?.running) continue; // not a live worker (failover's case), or one that reports no ids
    if (w.heartbeatAt.getTime() < a.since.getTime() + graceMs) continue; // too new to be listed
    if (w.running.includes(a.id)) continue;
    const first = previous.get(a.id) ?? now;
    missingSince.set(a.id, first);
    if (now - first >= graceMs) lost.push(a.id);
  }
  return { lost, missingSince };
}
