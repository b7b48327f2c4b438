CREATE TABLE "certificate_events" (
	"id" serial PRIMARY KEY NOT NULL,
	"register" text DEFAULT 'domestic' NOT NULL,
	"certificate_number" text NOT NULL,
	"event" text NOT NULL,
	"old_uprn" bigint,
	"new_uprn" bigint,
	"event_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "delta_checkpoint" (
	"register" text DEFAULT 'domestic' NOT NULL,
	"day" date NOT NULL,
	"events" integer DEFAULT 0 NOT NULL,
	"removed" integer DEFAULT 0 NOT NULL,
	"uprn_updated" integer DEFAULT 0 NOT NULL,
	"applied_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "delta_checkpoint_register_day_pk" PRIMARY KEY("register","day")
);
--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "document" jsonb;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "document_fetched_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "document_status" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "document_error" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "removed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sync_checkpoint" ADD COLUMN "documents_missing" integer;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "documents_fetched" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "certificate_events_number_idx" ON "certificate_events" USING btree ("certificate_number");--> statement-breakpoint
CREATE UNIQUE INDEX "certificate_events_once_idx" ON "certificate_events" USING btree ("certificate_number","event","event_at");--> statement-breakpoint
CREATE INDEX "certificates_documents_due_idx" ON "certificates" USING btree ("register","registration_date") WHERE document_status IS DISTINCT FROM 'fetched';