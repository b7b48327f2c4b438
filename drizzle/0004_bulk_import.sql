CREATE TABLE "bulk_imports" (
	"id" serial PRIMARY KEY NOT NULL,
	"register" text DEFAULT 'domestic' NOT NULL,
	"file_name" text NOT NULL,
	"last_updated" text,
	"sha256" text NOT NULL,
	"bytes" bigint NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"rows_read" integer DEFAULT 0 NOT NULL,
	"rows_imported" integer DEFAULT 0 NOT NULL,
	"rows_rejected" integer DEFAULT 0 NOT NULL,
	"cutoff_day" date,
	"rows_per_second" integer,
	"error" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "source" text DEFAULT 'api' NOT NULL;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "bulk_row" jsonb;--> statement-breakpoint
CREATE INDEX "bulk_imports_sha_idx" ON "bulk_imports" USING btree ("register","sha256");