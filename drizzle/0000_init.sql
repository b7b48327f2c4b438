CREATE TABLE "certificates" (
	"certificate_number" text PRIMARY KEY NOT NULL,
	"register" text DEFAULT 'domestic' NOT NULL,
	"address_line1" text,
	"address_line2" text,
	"address_line3" text,
	"address_line4" text,
	"postcode" text,
	"post_town" text,
	"council" text,
	"constituency" text,
	"current_energy_efficiency_band" text,
	"registration_date" date NOT NULL,
	"uprn" bigint,
	"schema_type" text,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rejected_rows" (
	"id" serial PRIMARY KEY NOT NULL,
	"register" text DEFAULT 'domestic' NOT NULL,
	"source" text NOT NULL,
	"day" date,
	"reason" text NOT NULL,
	"raw" text NOT NULL,
	"run_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_checkpoint" (
	"register" text DEFAULT 'domestic' NOT NULL,
	"day" date NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"source" text DEFAULT 'api' NOT NULL,
	"expected_count" integer,
	"stored_count" integer,
	"rejected_count" integer DEFAULT 0 NOT NULL,
	"pages" integer DEFAULT 0 NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"run_id" integer,
	"lease_owner" text,
	"lease_expires_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_checkpoint_register_day_pk" PRIMARY KEY("register","day"),
	CONSTRAINT "sync_checkpoint_status_check" CHECK ("sync_checkpoint"."status" in ('pending','running','done','incomplete','failed'))
);
--> statement-breakpoint
CREATE TABLE "sync_runs" (
	"id" serial PRIMARY KEY NOT NULL,
	"register" text DEFAULT 'domestic' NOT NULL,
	"kind" text NOT NULL,
	"outcome" text DEFAULT 'running' NOT NULL,
	"range_from" date,
	"range_to" date,
	"days_planned" integer DEFAULT 0 NOT NULL,
	"days_done" integer DEFAULT 0 NOT NULL,
	"days_incomplete" integer DEFAULT 0 NOT NULL,
	"days_failed" integer DEFAULT 0 NOT NULL,
	"rows_upserted" integer DEFAULT 0 NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"error" text,
	"host" text,
	"pid" integer,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "sync_runs_outcome_check" CHECK ("sync_runs"."outcome" in ('running','succeeded','incomplete','failed','interrupted'))
);
--> statement-breakpoint
CREATE INDEX "certificates_registration_date_idx" ON "certificates" USING btree ("register","registration_date");--> statement-breakpoint
CREATE INDEX "certificates_uprn_idx" ON "certificates" USING btree ("uprn");--> statement-breakpoint
CREATE INDEX "certificates_postcode_idx" ON "certificates" USING btree ("postcode");--> statement-breakpoint
CREATE INDEX "rejected_rows_day_idx" ON "rejected_rows" USING btree ("register","day");--> statement-breakpoint
CREATE UNIQUE INDEX "rejected_rows_raw_idx" ON "rejected_rows" USING btree ("register","source",md5("raw"));--> statement-breakpoint
CREATE INDEX "sync_checkpoint_status_idx" ON "sync_checkpoint" USING btree ("register","status");--> statement-breakpoint
CREATE INDEX "sync_runs_started_idx" ON "sync_runs" USING btree ("register","started_at");