import type { TaskInstanceRow } from "@shoal/db";

/**
 * The attempt's idempotency key (SHOAL_TASK_KEY). A failover re-run carries the key of the attempt it
 * replaces in `detail.taskKey`, so the key is stable across failover of the same attempt; a retry
 * after a failure is a new attempt with a new key.
 */
export function taskKeyOf(
  instanceId: string,
  row: Pick<TaskInstanceRow, "taskCode" | "attempt" | "detail">,
): string {
  const inherited = row.detail?.taskKey;
  return typeof inherited === "string" ? inherited : `${instanceId}:${row.taskCode}:${row.attempt}`;
}
