import {
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import type { WorkflowDefinition } from "@shoal/core";
import { appUser } from "./auth";

export const project = pgTable("project", {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull().unique(),
  description: text().notNull().default(""),
  createdBy: uuid().references(() => appUser.id, { onDelete: "set null" }),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const projectMember = pgTable(
  "project_member",
  {
    projectId: uuid()
      .notNull()
      .references(() => project.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => appUser.id, { onDelete: "cascade" }),
    role: text({ enum: ["owner", "editor", "viewer"] })
      .notNull()
      .default("editor"),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.userId] })],
);

export const workflow = pgTable(
  "workflow",
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => project.id, { onDelete: "cascade" }),
    name: text().notNull(),
    /** The version new runs use; 0 before the first save. */
    currentVersion: integer().notNull().default(0),
    createdBy: uuid().references(() => appUser.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique().on(t.projectId, t.name)],
);

/** Every save is a new immutable version; instances pin the version they ran. */
export const workflowVersion = pgTable(
  "workflow_version",
  {
    id: uuid().primaryKey().defaultRandom(),
    workflowId: uuid()
      .notNull()
      .references(() => workflow.id, { onDelete: "cascade" }),
    version: integer().notNull(),
    definition: jsonb().$type<WorkflowDefinition>().notNull(),
    createdBy: uuid().references(() => appUser.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique().on(t.workflowId, t.version)],
);

/** A database tasks of type sql connect to; the password is stored encrypted (AES-256-GCM, see datasource-crypto). */
export const datasource = pgTable(
  "datasource",
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => project.id, { onDelete: "cascade" }),
    name: text().notNull(),
    type: text({ enum: ["postgresql", "mysql"] }).notNull(),
    host: text().notNull(),
    port: integer().notNull(),
    database: text().notNull(),
    username: text().notNull(),
    /** `v1:<iv>:<tag>:<ciphertext>` (base64); never returned by the API. */
    passwordEncrypted: text().notNull().default(""),
    /** Extra connection options (e.g. { ssl: "require" }). */
    options: jsonb().$type<Record<string, string>>().notNull().default({}),
    description: text().notNull().default(""),
    createdBy: uuid().references(() => appUser.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique().on(t.projectId, t.name), index().on(t.projectId)],
);
