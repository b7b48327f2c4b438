CREATE INDEX "certificates_documents_retry_idx" ON "certificates" USING btree ("register","registration_date") WHERE document_status IS NOT NULL AND (document_status <> 'fetched' OR document_fetched_at < last_changed_at);--> statement-breakpoint
-- Certificates the API walk stored without a document yet are owed one ('due'); those the bulk file
-- seeded stay NULL (their details came with the file).
UPDATE "certificates" SET "document_status" = 'due' WHERE "document_status" IS NULL AND "source" = 'api';
