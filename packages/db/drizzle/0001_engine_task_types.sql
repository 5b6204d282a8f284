ALTER TYPE "public"."run_type" ADD VALUE 'SUB_WORKFLOW';--> statement-breakpoint
CREATE TABLE "datasource" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"host" text NOT NULL,
	"port" integer NOT NULL,
	"database" text NOT NULL,
	"username" text NOT NULL,
	"password_encrypted" text DEFAULT '' NOT NULL,
	"options" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "datasource_projectId_name_unique" UNIQUE("project_id","name")
);
--> statement-breakpoint
CREATE TABLE "lease" (
	"name" text PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"epoch" integer DEFAULT 1 NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "task_instance" ADD COLUMN "detail" jsonb;--> statement-breakpoint
ALTER TABLE "workflow_instance" ADD COLUMN "parent_instance_id" uuid;--> statement-breakpoint
ALTER TABLE "workflow_instance" ADD COLUMN "parent_task_instance_id" uuid;--> statement-breakpoint
ALTER TABLE "datasource" ADD CONSTRAINT "datasource_project_id_project_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."project"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "datasource" ADD CONSTRAINT "datasource_created_by_app_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "datasource_project_id_index" ON "datasource" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "workflow_instance_parent_task_instance_id_index" ON "workflow_instance" USING btree ("parent_task_instance_id");