ALTER TABLE "certificates" ADD COLUMN "missing_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sync_checkpoint" ADD COLUMN "verified_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "certificates_missing_idx" ON "certificates" USING btree ("certificate_number") WHERE missing_since IS NOT NULL;--> statement-breakpoint
-- Days already done were verified by the walk that finished them: the re-verification starts with
-- those finished longest ago instead of treating the whole history as never verified.
UPDATE "sync_checkpoint" SET "verified_at" = "finished_at" WHERE "status" = 'done' AND "verified_at" IS NULL;
