CREATE TABLE "deliveries" (
	"tenant" text COLLATE "C" NOT NULL,
	"platform" text COLLATE "C" NOT NULL,
	"id" text COLLATE "C" NOT NULL,
	"received_at" text COLLATE "C" NOT NULL,
	CONSTRAINT "deliveries_tenant_platform_id_pk" PRIMARY KEY("tenant","platform","id")
);
--> statement-breakpoint
CREATE TABLE "incidents" (
	"tenant" text COLLATE "C" NOT NULL,
	"id" text COLLATE "C" NOT NULL,
	"workspace" text COLLATE "C" NOT NULL,
	"platform" text COLLATE "C" NOT NULL,
	"channel" text COLLATE "C" NOT NULL,
	"thread_ref" text COLLATE "C",
	"thread_key" text COLLATE "C",
	"playbook_id" text COLLATE "C" NOT NULL,
	"title" text COLLATE "C" NOT NULL,
	"level" text COLLATE "C" NOT NULL,
	"phase" text COLLATE "C" NOT NULL,
	"drill" boolean NOT NULL,
	"opened_at" text COLLATE "C" NOT NULL,
	"aware_at" text COLLATE "C" NOT NULL,
	"closed_at" text COLLATE "C",
	"declared_by" text COLLATE "C" NOT NULL,
	"snapshot" json NOT NULL,
	"last_hash" text COLLATE "C" NOT NULL,
	"last_seq" integer NOT NULL,
	"version" integer NOT NULL,
	CONSTRAINT "incidents_tenant_id_pk" PRIMARY KEY("tenant","id")
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "outbox_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tenant" text COLLATE "C" NOT NULL,
	"key" text COLLATE "C" NOT NULL,
	"incident_id" text COLLATE "C",
	"lane" text COLLATE "C" NOT NULL,
	"platform" text COLLATE "C" NOT NULL,
	"channel" text COLLATE "C" NOT NULL,
	"message" json NOT NULL,
	"status" text COLLATE "C" NOT NULL,
	"attempts" integer NOT NULL,
	"next_attempt_at" text COLLATE "C" NOT NULL,
	"last_error" text COLLATE "C",
	"ref" text COLLATE "C",
	"created_at" text COLLATE "C" NOT NULL,
	"sent_at" text COLLATE "C",
	"claimed_by" text COLLATE "C",
	"claimed_until" text COLLATE "C"
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"tenant" text COLLATE "C" NOT NULL,
	"incident_id" text COLLATE "C" NOT NULL,
	"task_id" text COLLATE "C" NOT NULL,
	"nr" integer NOT NULL,
	"phase" text COLLATE "C" NOT NULL,
	"role" text COLLATE "C" NOT NULL,
	"critical" boolean NOT NULL,
	"state" text COLLATE "C" NOT NULL,
	"by" text COLLATE "C",
	"at" text COLLATE "C",
	"reason" text COLLATE "C",
	CONSTRAINT "tasks_tenant_incident_id_task_id_pk" PRIMARY KEY("tenant","incident_id","task_id")
);
--> statement-breakpoint
CREATE TABLE "timeline" (
	"tenant" text COLLATE "C" NOT NULL,
	"incident_id" text COLLATE "C" NOT NULL,
	"seq" integer NOT NULL,
	"at" text COLLATE "C" NOT NULL,
	"actor_id" text COLLATE "C" NOT NULL,
	"actor_name" text COLLATE "C" NOT NULL,
	"platform" text COLLATE "C" NOT NULL,
	"kind" text COLLATE "C" NOT NULL,
	"text" text COLLATE "C" NOT NULL,
	"data" json,
	"prev_hash" text COLLATE "C" NOT NULL,
	"hash" text COLLATE "C" NOT NULL,
	CONSTRAINT "timeline_tenant_incident_id_seq_pk" PRIMARY KEY("tenant","incident_id","seq")
);
--> statement-breakpoint
CREATE TABLE "timers" (
	"tenant" text COLLATE "C" NOT NULL,
	"id" text COLLATE "C" NOT NULL,
	"incident_id" text COLLATE "C" NOT NULL,
	"kind" text COLLATE "C" NOT NULL,
	"due_at" text COLLATE "C" NOT NULL,
	"payload" json,
	"fired_at" text COLLATE "C",
	"cancelled_at" text COLLATE "C",
	"claimed_by" text COLLATE "C",
	"claimed_until" text COLLATE "C",
	CONSTRAINT "timers_tenant_id_pk" PRIMARY KEY("tenant","id")
);
--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_incident_fk" FOREIGN KEY ("tenant","incident_id") REFERENCES "public"."incidents"("tenant","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "timeline" ADD CONSTRAINT "timeline_incident_fk" FOREIGN KEY ("tenant","incident_id") REFERENCES "public"."incidents"("tenant","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "timers" ADD CONSTRAINT "timers_incident_fk" FOREIGN KEY ("tenant","incident_id") REFERENCES "public"."incidents"("tenant","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "incidents_channel_closed_idx" ON "incidents" USING btree ("tenant","channel","closed_at");--> statement-breakpoint
CREATE INDEX "incidents_channel_thread_ref_idx" ON "incidents" USING btree ("tenant","channel","thread_ref");--> statement-breakpoint
CREATE INDEX "incidents_thread_key_idx" ON "incidents" USING btree ("tenant","thread_key");--> statement-breakpoint
CREATE INDEX "outbox_pending_next_idx" ON "outbox" USING btree ("next_attempt_at") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "outbox_pending_lane_idx" ON "outbox" USING btree ("tenant","lane","id") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "outbox_ref_idx" ON "outbox" USING btree ("ref");--> statement-breakpoint
CREATE INDEX "outbox_key_idx" ON "outbox" USING btree ("tenant","key");--> statement-breakpoint
CREATE INDEX "timers_pending_due_idx" ON "timers" USING btree ("due_at") WHERE fired_at IS NULL AND cancelled_at IS NULL;--> statement-breakpoint
CREATE INDEX "timers_incident_idx" ON "timers" USING btree ("tenant","incident_id");