-- The fields users ask for most, out of the certificate document, without JSON gymnastics. The keys
-- are the same across the RdSAP and SAP schema families the API serves; a value of the wrong JSON type
-- reads as NULL instead of failing the query. Coded values (transaction_type, property_type,
-- built_form, main_fuel) are the API's codes: /api/codes/info decodes them.
CREATE VIEW "certificate_details" AS
SELECT c."register",
       c."certificate_number",
       c."registration_date",
       c."postcode",
       c."uprn",
       c."current_energy_efficiency_band",
       c."schema_type",
       CASE WHEN jsonb_typeof(c."document"->'total_floor_area') = 'number' THEN (c."document"->>'total_floor_area')::numeric END AS "total_floor_area",
       c."document"->>'transaction_type' AS "transaction_type",
       CASE WHEN jsonb_typeof(c."document"->'energy_rating_current') = 'number' THEN (c."document"->>'energy_rating_current')::numeric::int END AS "energy_rating_current",
       CASE WHEN jsonb_typeof(c."document"->'energy_rating_potential') = 'number' THEN (c."document"->>'energy_rating_potential')::numeric::int END AS "energy_rating_potential",
       c."document"->>'current_energy_efficiency_band' AS "current_band",
       c."document"->>'potential_energy_efficiency_band' AS "potential_band",
       c."document"->>'property_type' AS "property_type",
       c."document"->>'built_form' AS "built_form",
       c."document"#>>'{sap_heating,main_heating_details,0,main_fuel_type}' AS "main_fuel",
       CASE WHEN c."document"->>'inspection_date' ~ '^\d{4}-\d{2}-\d{2}$' THEN (c."document"->>'inspection_date')::date END AS "inspection_date",
       c."document_status",
       c."document_fetched_at",
       c."removed_at"
FROM "certificates" c;
--> statement-breakpoint

-- Document coverage by month, as `epc-sync status` prints it.
CREATE VIEW "document_coverage" AS
SELECT "register",
       to_char("registration_date", 'YYYY-MM') AS "month",
       count(*)::int AS "certificates",
       count(*) FILTER (WHERE "document_status" = 'fetched')::int AS "with_document",
       count(*) FILTER (WHERE "document_status" IS DISTINCT FROM 'fetched')::int AS "without_document",
       count(*) FILTER (WHERE "removed_at" IS NOT NULL)::int AS "removed"
FROM "certificates"
GROUP BY "register", to_char("registration_date", 'YYYY-MM');
