-- The register views: each register's certificates under its bulk file's column names, in the file's
-- order, typed, from whichever source brought them (generated from src/registers/ by
-- scripts/register-views.ts; test/db/register-views.test.ts holds the views to the declarations).
-- The domestic register's view is certificate_details.
--
-- The non-domestic and display scale has a band A+ (a rating below 0): epc_value_band reads it, as
-- the bulk parser (src/registers/values.ts) does.
CREATE OR REPLACE FUNCTION epc_value_band(v text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN upper(btrim(v)) ~ '^([A-G]|A\+)$' THEN upper(btrim(v)) END
$$;
--> statement-breakpoint
DROP VIEW IF EXISTS non_domestic_certificates;
--> statement-breakpoint
CREATE VIEW non_domestic_certificates AS
SELECT
  c.certificate_number,
  c.address_line1 AS address1,
  c.address_line2 AS address2,
  c.address_line3 AS address3,
  c.post_town AS posttown,
  c.postcode,
  coalesce(c.address, nullif(concat_ws(', ', c.address_line1, c.address_line2, c.address_line3), '')) AS address,
  c.constituency_code AS constituency,
  c.constituency AS constituency_label,
  c.local_authority_code AS local_authority,
  c.council AS local_authority_label,
  c.asset_rating,
  c.current_energy_efficiency_band AS asset_rating_band,
  c.property_type,
  c.inspection_date,
  c.registration_date AS lodgement_date,
  c.lodgement_datetime,
  coalesce(c.transaction_type, epc_code('transaction_type', c.document ->> 'transaction_type', c.schema_type, c.document ->> 'assessment_type'), c.document ->> 'transaction_type') AS transaction_type,
  c.new_build_benchmark,
  c.existing_stock_benchmark,
  c.building_level,
  c.main_heating_fuel,
  c.other_fuel_desc,
  c.special_energy_uses,
  c.renewable_sources,
  c.floor_area,
  c.standard_emissions,
  c.target_emissions,
  c.typical_emissions,
  c.building_emissions,
  c.aircon_present,
  c.aircon_kw_rating,
  c.estimated_aircon_kw_rating,
  c.ac_inspection_commissioned,
  c.building_environment,
  c.report_type,
  c.primary_energy_value,
  c.uprn,
  c.uprn_source,
  c.related_certificate_number,
  c.source,
  c.document_status,
  c.removed_at,
  c.missing_since
FROM certificates c
WHERE c.register = 'non-domestic';
--> statement-breakpoint
DROP VIEW IF EXISTS display_certificates;
--> statement-breakpoint
CREATE VIEW display_certificates AS
SELECT
  c.certificate_number,
  c.address_line1 AS address1,
  c.address_line2 AS address2,
  c.address_line3 AS address3,
  c.post_town AS posttown,
  c.postcode,
  coalesce(c.address, nullif(concat_ws(', ', c.address_line1, c.address_line2, c.address_line3), '')) AS address,
  c.constituency_code AS constituency,
  c.constituency AS constituency_label,
  c.local_authority_code AS local_authority,
  c.council AS local_authority_label,
  c.current_operational_rating,
  c.yr1_operational_rating,
  c.yr2_operational_rating,
  c.electric_co2,
  c.heating_co2,
  c.renewables_co2,
  c.property_type,
  c.inspection_date,
  c.registration_date AS lodgement_date,
  c.lodgement_datetime,
  c.main_benchmark,
  c.main_heating_fuel,
  c.special_energy_uses,
  c.renewable_sources,
  c.total_floor_area,
  c.annual_thermal_fuel_usage,
  c.typical_thermal_fuel_usage,
  c.typical_thermal_use,
  c.annual_electrical_fuel_usage,
  c.typical_electrical_fuel_usage,
  c.renewables_fuel_thermal,
  c.renewables_electrical,
  c.yr1_electricity_co2,
  c.yr2_electricity_co2,
  c.yr1_heating_co2,
  c.yr2_heating_co2,
  c.yr1_renewables_co2,
  c.yr2_renewables_co2,
  coalesce(c.aircon_present, CASE c.document #>> '{ac_questionnaire,ac_present}' WHEN 'Yes' THEN 'Y' WHEN 'No' THEN 'N' END) AS aircon_present,
  c.aircon_kw_rating,
  c.estimated_aircon_kw_rating,
  c.ac_inspection_commissioned,
  c.building_environment,
  c.building_category,
  c.current_energy_efficiency_band AS operational_rating_band,
  c.nominated_date,
  c.or_assessment_end_date,
  c.occupancy_level,
  c.report_type,
  c.other_fuel_desc AS other_fuel,
  c.country,
  c.uprn,
  c.uprn_source,
  c.related_certificate_number,
  c.source,
  c.document_status,
  c.removed_at,
  c.missing_since
FROM certificates c
WHERE c.register = 'display';
--> statement-breakpoint
-- A non-domestic day's certificates that search counts but never serves (`not_served`) are not a
-- shortfall the sync can close: the bulk file brings them. Same columns as 0001's views.
CREATE OR REPLACE VIEW "sync_missing_days" AS
WITH "bounds" AS (
  SELECT "register", min("day") AS "first_day" FROM "sync_checkpoint" GROUP BY "register"
), "calendar" AS (
  SELECT b."register", d::date AS "day"
  FROM "bounds" b,
       generate_series(b."first_day", ((now() AT TIME ZONE 'Europe/London')::date - 1), interval '1 day') AS d
)
SELECT c."register", c."day",
       coalesce(s."status", 'missing') AS "status",
       s."expected_count", s."stored_count",
       greatest(coalesce(s."expected_count", 0) - coalesce(s."stored_count", 0) - coalesce(s."rejected_count", 0) - coalesce(s."not_served", 0), 0) AS "shortfall",
       s."attempts", s."last_error", s."updated_at"
FROM "calendar" c
LEFT JOIN "sync_checkpoint" s ON s."register" = c."register" AND s."day" = c."day"
WHERE s."status" IS DISTINCT FROM 'done';
--> statement-breakpoint
CREATE OR REPLACE VIEW "sync_months" AS
SELECT "register",
       to_char("day", 'YYYY-MM') AS "month",
       count(*) FILTER (WHERE "status" = 'done')::int AS "done",
       count(*) FILTER (WHERE "status" = 'incomplete')::int AS "incomplete",
       count(*) FILTER (WHERE "status" = 'failed')::int AS "failed",
       count(*) FILTER (WHERE "status" IN ('pending', 'running'))::int AS "pending",
       coalesce(sum("stored_count"), 0)::bigint AS "rows",
       coalesce(sum("rejected_count"), 0)::bigint AS "rejected",
       coalesce(sum(greatest(coalesce("expected_count", 0) - coalesce("stored_count", 0) - "rejected_count" - coalesce("not_served", 0), 0))
                FILTER (WHERE "status" <> 'done'), 0)::bigint AS "shortfall"
FROM "sync_checkpoint"
GROUP BY "register", to_char("day", 'YYYY-MM');
