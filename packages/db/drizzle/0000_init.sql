CREATE TYPE "public"."command_status" AS ENUM('PENDING', 'CONSUMED', 'REJECTED');--> statement-breakpoint
CREATE TYPE "public"."command_type" AS ENUM('START', 'STOP', 'PAUSE', 'RECOVER_PAUSED', 'RECOVER_FAILED', 'RERUN', 'FORCE_SUCCESS', 'SCHEDULED', 'COMPLEMENT', 'FAILOVER');--> statement-breakpoint
CREATE TYPE "public"."failure_strategy" AS ENUM('END', 'CONTINUE');--> statement-breakpoint
CREATE TYPE "public"."priority" AS ENUM('HIGHEST', 'HIGH', 'MEDIUM', 'LOW', 'LOWEST');--> statement-breakpoint
CREATE TYPE "public"."run_type" AS ENUM('MANUAL', 'SCHEDULE', 'BACKFILL', 'RERUN');--> statement-breakpoint
CREATE TYPE "public"."server_kind" AS ENUM('master', 'worker');--> statement-breakpoint
CREATE TYPE "public"."task_instance_state" AS ENUM('SUBMITTED', 'DELAY_EXECUTION', 'DISPATCHED', 'RUNNING', 'SUCCESS', 'FAILURE', 'KILL', 'PAUSE', 'NEED_FAILOVER', 'FORCED_SUCCESS');--> statement-breakpoint
CREATE TYPE "public"."user_role" AS ENUM('admin', 'user');--> statement-breakpoint
CREATE TYPE "public"."workflow_instance_state" AS ENUM('SUBMITTED', 'RUNNING', 'READY_PAUSE', 'PAUSE', 'READY_STOP', 'STOP', 'SUCCESS', 'FAILURE', 'SERIAL_WAIT');--> statement-breakpoint
CREATE TABLE "app_user" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"username" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" "user_role" DEFAULT 'user' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "app_user_username_unique" UNIQUE("username")
);
--> statement-breakpoint
CREATE TABLE "session" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "project" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "project_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "project_member" (
	"project_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" text DEFAULT 'editor' NOT NULL,
	CONSTRAINT "project_member_project_id_user_id_pk" PRIMARY KEY("project_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "workflow" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"name" text NOT NULL,
	"current_version" integer DEFAULT 0 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workflow_projectId_name_unique" UNIQUE("project_id","name")
);
--> statement-breakpoint
CREATE TABLE "workflow_version" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workflow_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"definition" jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workflow_version_workflowId_version_unique" UNIQUE("workflow_id","version")
);
--> statement-breakpoint
CREATE TABLE "command" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"type" "command_type" NOT NULL,
	"project_id" uuid NOT NULL,
	"workflow_id" uuid,
	"workflow_version" integer,
	"instance_id" uuid,
	"options" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"failure_strategy" "failure_strategy" DEFAULT 'END' NOT NULL,
	"priority" "priority" DEFAULT 'MEDIUM' NOT NULL,
	"worker_group" text DEFAULT 'default' NOT NULL,
	"status" "command_status" DEFAULT 'PENDING' NOT NULL,
	"error" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"consumed_at" timestamp with time zone,
	"consumed_by" text
);
--> statement-breakpoint
CREATE TABLE "instance_event" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"workflow_instance_id" uuid NOT NULL,
	"task_instance_id" uuid,
	"task_code" text,
	"kind" text NOT NULL,
	"from_state" text,
	"to_state" text,
	"message" text,
	"actor" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "server" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" "server_kind" NOT NULL,
	"host" text NOT NULL,
	"pid" integer NOT NULL,
	"worker_group" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL,
	"stats" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "task_instance" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workflow_instance_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"generation" integer DEFAULT 1 NOT NULL,
	"task_code" text NOT NULL,
	"task_name" text NOT NULL,
	"task_type" text NOT NULL,
	"attempt" integer NOT NULL,
	"state" "task_instance_state" DEFAULT 'SUBMITTED' NOT NULL,
	"worker_group" text DEFAULT 'default' NOT NULL,
	"wait_reason" text,
	"host" text,
	"pid" integer,
	"exit_code" integer,
	"error" text,
	"out_params" jsonb,
	"submit_time" timestamp with time zone DEFAULT now() NOT NULL,
	"dispatch_time" timestamp with time zone,
	"start_time" timestamp with time zone,
	"end_time" timestamp with time zone,
	CONSTRAINT "task_instance_workflowInstanceId_taskCode_attempt_unique" UNIQUE("workflow_instance_id","task_code","attempt")
);
--> statement-breakpoint
CREATE TABLE "task_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"task_instance_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"first_line" integer NOT NULL,
	"line_count" integer NOT NULL,
	"content" text NOT NULL,
	CONSTRAINT "task_log_taskInstanceId_seq_unique" UNIQUE("task_instance_id","seq")
);
--> statement-breakpoint
CREATE TABLE "workflow_instance" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"workflow_id" uuid NOT NULL,
	"workflow_version" integer NOT NULL,
	"command_id" uuid NOT NULL,
	"name" text NOT NULL,
	"state" "workflow_instance_state" DEFAULT 'SUBMITTED' NOT NULL,
	"run_type" "run_type" DEFAULT 'MANUAL' NOT NULL,
	"failure_strategy" "failure_strategy" DEFAULT 'END' NOT NULL,
	"priority" "priority" DEFAULT 'MEDIUM' NOT NULL,
	"worker_group" text DEFAULT 'default' NOT NULL,
	"options" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"dry_run" boolean DEFAULT false NOT NULL,
	"generation" integer DEFAULT 1 NOT NULL,
	"owner" text,
	"epoch" integer DEFAULT 0 NOT NULL,
	"host" text,
	"schedule_time" timestamp with time zone,
	"start_time" timestamp with time zone,
	"end_time" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workflow_instance_commandId_unique" UNIQUE("command_id")
);
--> statement-breakpoint
ALTER TABLE "session" ADD CONSTRAINT "session_user_id_app_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."app_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project" ADD CONSTRAINT "project_created_by_app_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_member" ADD CONSTRAINT "project_member_project_id_project_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."project"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_member" ADD CONSTRAINT "project_member_user_id_app_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."app_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow" ADD CONSTRAINT "workflow_project_id_project_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."project"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow" ADD CONSTRAINT "workflow_created_by_app_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_version" ADD CONSTRAINT "workflow_version_workflow_id_workflow_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflow"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_version" ADD CONSTRAINT "workflow_version_created_by_app_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "command" ADD CONSTRAINT "command_project_id_project_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."project"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "command" ADD CONSTRAINT "command_workflow_id_workflow_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflow"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "command" ADD CONSTRAINT "command_created_by_app_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instance_event" ADD CONSTRAINT "instance_event_workflow_instance_id_workflow_instance_id_fk" FOREIGN KEY ("workflow_instance_id") REFERENCES "public"."workflow_instance"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_instance" ADD CONSTRAINT "task_instance_workflow_instance_id_workflow_instance_id_fk" FOREIGN KEY ("workflow_instance_id") REFERENCES "public"."workflow_instance"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_log" ADD CONSTRAINT "task_log_task_instance_id_task_instance_id_fk" FOREIGN KEY ("task_instance_id") REFERENCES "public"."task_instance"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_instance" ADD CONSTRAINT "workflow_instance_project_id_project_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."project"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_instance" ADD CONSTRAINT "workflow_instance_workflow_id_workflow_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflow"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_instance" ADD CONSTRAINT "workflow_instance_command_id_command_id_fk" FOREIGN KEY ("command_id") REFERENCES "public"."command"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_instance" ADD CONSTRAINT "workflow_instance_created_by_app_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "session_user_id_index" ON "session" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "command_status_created_at_index" ON "command" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "command_instance_id_index" ON "command" USING btree ("instance_id");--> statement-breakpoint
CREATE INDEX "instance_event_workflow_instance_id_id_index" ON "instance_event" USING btree ("workflow_instance_id","id");--> statement-breakpoint
CREATE INDEX "server_kind_heartbeat_at_index" ON "server" USING btree ("kind","heartbeat_at");--> statement-breakpoint
CREATE INDEX "task_instance_project_id_submit_time_index" ON "task_instance" USING btree ("project_id","submit_time" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "workflow_instance_project_id_created_at_index" ON "workflow_instance" USING btree ("project_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "workflow_instance_project_id_state_index" ON "workflow_instance" USING btree ("project_id","state");--> statement-breakpoint
CREATE INDEX "workflow_instance_workflow_id_created_at_index" ON "workflow_instance" USING btree ("workflow_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "workflow_instance_owner_index" ON "workflow_instance" USING btree ("owner") WHERE "workflow_instance"."state" in ('SUBMITTED','RUNNING','READY_PAUSE','READY_STOP','SERIAL_WAIT');