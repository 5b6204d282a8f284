import {
  COMMAND_TYPES,
  FAILURE_STRATEGIES,
  PRIORITIES,
  TASK_INSTANCE_STATES,
  WORKFLOW_INSTANCE_STATES,
} from "@shoal/core";
import { pgEnum } from "drizzle-orm/pg-core";

export const workflowInstanceState = pgEnum("workflow_instance_state", WORKFLOW_INSTANCE_STATES);
export const taskInstanceState = pgEnum("task_instance_state", TASK_INSTANCE_STATES);
export const commandType = pgEnum("command_type", COMMAND_TYPES);
export const commandStatus = pgEnum("command_status", ["PENDING", "CONSUMED", "REJECTED"]);
export const failureStrategy = pgEnum("failure_strategy", FAILURE_STRATEGIES);
export const priority = pgEnum("priority", PRIORITIES);
export const runType = pgEnum("run_type", [
  "MANUAL",
  "SCHEDULE",
  "BACKFILL",
  "RERUN",
  "SUB_WORKFLOW",
]);
export const userRole = pgEnum("user_role", ["admin", "user"]);
export const serverKind = pgEnum("server_kind", ["master", "worker"]);
