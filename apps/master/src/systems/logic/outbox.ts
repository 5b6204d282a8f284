import { command, type DbOrTx, type RunOptions } from "@shoal/db";
import type { CommandType, FailureStrategy, Priority } from "@shoal/core";

/**
 * Writes a command row from inside the runner's transaction (the outbox); the caller enqueues its job
 * after the commit, and the sweeper re-enqueues it if that enqueue is lost.
 */
export async function insertCommand(
  tx: DbOrTx,
  values: {
    type: CommandType;
    projectId: string;
    workflowId?: string;
    workflowVersion?: number;
    instanceId?: string;
    options?: RunOptions;
    failureStrategy?: FailureStrategy;
    priority?: Priority;
    workerGroup?: string;
    createdBy?: string | null;
  },
): Promise<string> {
  const [row] = await tx
    .insert(command)
    .values({ ...values, options: values.options ?? {} })
    .returning({ id: command.id });
  return row!.id;
}
