/**
 * Every Redis key, channel and queue name Shoal uses, under one prefix so several installations (or
 * test runs) can share a Redis server.
 */
export function redisNames(prefix: string) {
  return {
    /** BullMQ's own key prefix. */
    bullPrefix: `${prefix}:bull`,
    /** Live log lines of one task attempt. */
    logStream: (taskInstanceId: string) => `${prefix}:log:${taskInstanceId}`,
    /** Pub/sub: "something changed in this instance" wake-ups for live pages. */
    instanceChannel: (instanceId: string) => `${prefix}:instance:${instanceId}`,
    /** Pub/sub: instance list changes within a project. */
    projectChannel: (projectId: string) => `${prefix}:project:${projectId}`,
    /** Pub/sub: kill requests for running task attempts (workers filter by what they run). */
    killChannel: `${prefix}:kill`,
    /** Set when an attempt must not run (stop raced with dispatch); workers check it before spawning. */
    killKey: (taskInstanceId: string) => `${prefix}:killed:${taskInstanceId}`,
  };
}
export type RedisNames = ReturnType<typeof redisNames>;

export const QUEUES = {
  /** START-like and instance commands; any master consumes. */
  commands: "commands",
  /** Events and forwarded commands for the instances one master owns. */
  master: (masterId: string) => `master.${masterId}`,
  /** Task attempts to run, one queue per worker group. */
  tasks: (workerGroup: string) => `tasks.${workerGroup}`,
} as const;

/** Job ids make enqueues idempotent: the same fact enqueued twice is one job. */
export const jobIds = {
  command: (commandId: string) => `cmd-${commandId}`,
  task: (taskInstanceId: string) => `task-${taskInstanceId}`,
  taskEvent: (taskInstanceId: string, type: string) => `ev-${taskInstanceId}-${type}`,
  timer: (taskInstanceId: string, kind: string) => `timer-${taskInstanceId}-${kind}`,
  workerLost: (taskInstanceId: string) => `lost-${taskInstanceId}`,
} as const;
