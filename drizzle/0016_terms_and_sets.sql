-- The texts the register repeats (descriptions, ratings, labels, improvement texts) stored once, in
-- epc_terms, and referred to by id: ~57 columns of certificates go from ~20-40 bytes each to 4. A text
-- may appear under two ids (two parse workers met it at once); both decode alike, so the value's
-- index is a hash index, not a unique one (no length limit either).
CREATE SEQUENCE "epc_terms_id_seq" AS integer;
--> statement-breakpoint
CREATE TABLE "epc_terms" (
  "id" integer PRIMARY KEY NOT NULL,
  "value" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "epc_terms_value_idx" ON "epc_terms" USING hash ("value");
--> statement-breakpoint
-- The id of a text, added when new: how SQL writers (the document path, this upgrade) store a term.
-- A bulk import's parse workers give ids themselves, from a range reserved under a lock on the table
-- (src/db/terms.ts); the insert here waits for that lock, so it never takes an id of the range.
CREATE FUNCTION epc_term_id(v text) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  found integer;
BEGIN
  IF v IS NULL THEN RETURN NULL; END IF;
  SELECT min(id) INTO found FROM epc_terms WHERE value = v;
  IF found IS NULL THEN
    INSERT INTO epc_terms (id, value) VALUES (nextval('epc_terms_id_seq'), v) RETURNING id INTO found;
  END IF;
  RETURN found;
END
$$;
--> statement-breakpoint
DROP VIEW IF EXISTS "certificate_details";
--> statement-breakpoint
DROP VIEW IF EXISTS "latest_certificates";
--> statement-breakpoint
DROP VIEW IF EXISTS "non_domestic_certificates";
--> statement-breakpoint
DROP VIEW IF EXISTS "display_certificates";
--> statement-breakpoint
-- latest_certificates' two indexes cost ~130 bytes a certificate and an expression per insert; a
-- property's certificates are found through certificates_uprn_idx (a filter on uprn), and a whole
-- register's latest certificates are one sort.
DROP INDEX IF EXISTS "certificates_latest_uprn_idx";
--> statement-breakpoint
DROP INDEX IF EXISTS "certificates_latest_address_idx";
--> statement-breakpoint
-- The texts a mirror holds already, numbered in one pass; the columns then take their ids.
INSERT INTO "epc_terms" ("id", "value")
SELECT nextval('epc_terms_id_seq'), v FROM (
  SELECT DISTINCT v FROM (
    SELECT unnest(ARRAY[c."constituency_code", c."local_authority_code", c."built_form", c."construction_age_band", c."energy_tariff", c."flat_top_storey", c."floor_description", c."floor_energy_eff", c."floor_level", c."glazed_area", c."glazed_type", c."heat_loss_corridor", c."hot_water_energy_eff", c."hot_water_env_eff", c."hotwater_description", c."lighting_description", c."lighting_energy_eff", c."lighting_env_eff", c."main_fuel", c."mainheat_description", c."mainheat_energy_eff", c."mainheat_env_eff", c."mainheatc_energy_eff", c."mainheatc_env_eff", c."mainheatcont_description", c."main_heating_controls", c."mains_gas_flag", c."mechanical_ventilation", c."property_type", c."report_type", c."roof_description", c."roof_energy_eff", c."roof_env_eff", c."secondheat_description", c."sheating_energy_eff", c."sheating_env_eff", c."solar_water_heating_flag", c."tenure", c."transaction_type", c."walls_description", c."walls_energy_eff", c."walls_env_eff", c."windows_description", c."windows_energy_eff", c."windows_env_eff", c."floor_env_eff", c."region", c."country", c."uprn_source", c."main_heating_fuel", c."aircon_present", c."estimated_aircon_kw_rating", c."ac_inspection_commissioned", c."building_environment", c."main_benchmark", c."building_category", c."occupancy_level"]) AS v FROM "certificates" c
    UNION ALL
    SELECT unnest(ARRAY[r."improvement_id", r."summary", r."description", r."indicative_cost", r."payback_type", r."recommendation_code"]) FROM "recommendations" r
  ) texts WHERE v IS NOT NULL
) distinct_texts;
--> statement-breakpoint
-- Collation "C" for the key: digits and dashes sort the same, and byte order is cheaper to index.
ALTER TABLE "certificates"
  ALTER COLUMN "certificate_number" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "constituency_code" SET DATA TYPE integer USING epc_term_id("constituency_code"),
  ALTER COLUMN "local_authority_code" SET DATA TYPE integer USING epc_term_id("local_authority_code"),
  ALTER COLUMN "built_form" SET DATA TYPE integer USING epc_term_id("built_form"),
  ALTER COLUMN "construction_age_band" SET DATA TYPE integer USING epc_term_id("construction_age_band"),
  ALTER COLUMN "energy_tariff" SET DATA TYPE integer USING epc_term_id("energy_tariff"),
  ALTER COLUMN "flat_top_storey" SET DATA TYPE integer USING epc_term_id("flat_top_storey"),
  ALTER COLUMN "floor_description" SET DATA TYPE integer USING epc_term_id("floor_description"),
  ALTER COLUMN "floor_energy_eff" SET DATA TYPE integer USING epc_term_id("floor_energy_eff"),
  ALTER COLUMN "floor_level" SET DATA TYPE integer USING epc_term_id("floor_level"),
  ALTER COLUMN "glazed_area" SET DATA TYPE integer USING epc_term_id("glazed_area"),
  ALTER COLUMN "glazed_type" SET DATA TYPE integer USING epc_term_id("glazed_type"),
  ALTER COLUMN "heat_loss_corridor" SET DATA TYPE integer USING epc_term_id("heat_loss_corridor"),
  ALTER COLUMN "hot_water_energy_eff" SET DATA TYPE integer USING epc_term_id("hot_water_energy_eff"),
  ALTER COLUMN "hot_water_env_eff" SET DATA TYPE integer USING epc_term_id("hot_water_env_eff"),
  ALTER COLUMN "hotwater_description" SET DATA TYPE integer USING epc_term_id("hotwater_description"),
  ALTER COLUMN "lighting_description" SET DATA TYPE integer USING epc_term_id("lighting_description"),
  ALTER COLUMN "lighting_energy_eff" SET DATA TYPE integer USING epc_term_id("lighting_energy_eff"),
  ALTER COLUMN "lighting_env_eff" SET DATA TYPE integer USING epc_term_id("lighting_env_eff"),
  ALTER COLUMN "main_fuel" SET DATA TYPE integer USING epc_term_id("main_fuel"),
  ALTER COLUMN "mainheat_description" SET DATA TYPE integer USING epc_term_id("mainheat_description"),
  ALTER COLUMN "mainheat_energy_eff" SET DATA TYPE integer USING epc_term_id("mainheat_energy_eff"),
  ALTER COLUMN "mainheat_env_eff" SET DATA TYPE integer USING epc_term_id("mainheat_env_eff"),
  ALTER COLUMN "mainheatc_energy_eff" SET DATA TYPE integer USING epc_term_id("mainheatc_energy_eff"),
  ALTER COLUMN "mainheatc_env_eff" SET DATA TYPE integer USING epc_term_id("mainheatc_env_eff"),
  ALTER COLUMN "mainheatcont_description" SET DATA TYPE integer USING epc_term_id("mainheatcont_description"),
  ALTER COLUMN "main_heating_controls" SET DATA TYPE integer USING epc_term_id("main_heating_controls"),
  ALTER COLUMN "mains_gas_flag" SET DATA TYPE integer USING epc_term_id("mains_gas_flag"),
  ALTER COLUMN "mechanical_ventilation" SET DATA TYPE integer USING epc_term_id("mechanical_ventilation"),
  ALTER COLUMN "property_type" SET DATA TYPE integer USING epc_term_id("property_type"),
  ALTER COLUMN "report_type" SET DATA TYPE integer USING epc_term_id("report_type"),
  ALTER COLUMN "roof_description" SET DATA TYPE integer USING epc_term_id("roof_description"),
  ALTER COLUMN "roof_energy_eff" SET DATA TYPE integer USING epc_term_id("roof_energy_eff"),
  ALTER COLUMN "roof_env_eff" SET DATA TYPE integer USING epc_term_id("roof_env_eff"),
  ALTER COLUMN "secondheat_description" SET DATA TYPE integer USING epc_term_id("secondheat_description"),
  ALTER COLUMN "sheating_energy_eff" SET DATA TYPE integer USING epc_term_id("sheating_energy_eff"),
  ALTER COLUMN "sheating_env_eff" SET DATA TYPE integer USING epc_term_id("sheating_env_eff"),
  ALTER COLUMN "solar_water_heating_flag" SET DATA TYPE integer USING epc_term_id("solar_water_heating_flag"),
  ALTER COLUMN "tenure" SET DATA TYPE integer USING epc_term_id("tenure"),
  ALTER COLUMN "transaction_type" SET DATA TYPE integer USING epc_term_id("transaction_type"),
  ALTER COLUMN "walls_description" SET DATA TYPE integer USING epc_term_id("walls_description"),
  ALTER COLUMN "walls_energy_eff" SET DATA TYPE integer USING epc_term_id("walls_energy_eff"),
  ALTER COLUMN "walls_env_eff" SET DATA TYPE integer USING epc_term_id("walls_env_eff"),
  ALTER COLUMN "windows_description" SET DATA TYPE integer USING epc_term_id("windows_description"),
  ALTER COLUMN "windows_energy_eff" SET DATA TYPE integer USING epc_term_id("windows_energy_eff"),
  ALTER COLUMN "windows_env_eff" SET DATA TYPE integer USING epc_term_id("windows_env_eff"),
  ALTER COLUMN "floor_env_eff" SET DATA TYPE integer USING epc_term_id("floor_env_eff"),
  ALTER COLUMN "region" SET DATA TYPE integer USING epc_term_id("region"),
  ALTER COLUMN "country" SET DATA TYPE integer USING epc_term_id("country"),
  ALTER COLUMN "uprn_source" SET DATA TYPE integer USING epc_term_id("uprn_source"),
  ALTER COLUMN "main_heating_fuel" SET DATA TYPE integer USING epc_term_id("main_heating_fuel"),
  ALTER COLUMN "aircon_present" SET DATA TYPE integer USING epc_term_id("aircon_present"),
  ALTER COLUMN "estimated_aircon_kw_rating" SET DATA TYPE integer USING epc_term_id("estimated_aircon_kw_rating"),
  ALTER COLUMN "ac_inspection_commissioned" SET DATA TYPE integer USING epc_term_id("ac_inspection_commissioned"),
  ALTER COLUMN "building_environment" SET DATA TYPE integer USING epc_term_id("building_environment"),
  ALTER COLUMN "main_benchmark" SET DATA TYPE integer USING epc_term_id("main_benchmark"),
  ALTER COLUMN "building_category" SET DATA TYPE integer USING epc_term_id("building_category"),
  ALTER COLUMN "occupancy_level" SET DATA TYPE integer USING epc_term_id("occupancy_level");
--> statement-breakpoint
-- A certificate's recommendations as one row: its items and each value as parallel arrays.
CREATE TABLE "recommendation_sets" (
  "certificate_number" text COLLATE "C" PRIMARY KEY NOT NULL,
  "register" text DEFAULT 'domestic' NOT NULL,
  "source" text NOT NULL,
  "import_id" integer,
  "items" smallint[] NOT NULL,
  "improvement_id" integer[],
  "summary" integer[],
  "description" integer[],
  "indicative_cost" integer[],
  "related_certificate_number" text[],
  "payback_type" integer[],
  "recommendation_code" integer[]
);
--> statement-breakpoint
INSERT INTO "recommendation_sets" ("certificate_number", "register", "source", "import_id", "items", "improvement_id", "summary",
  "description", "indicative_cost", "related_certificate_number", "payback_type", "recommendation_code")
SELECT r."certificate_number", min(r."register"), min(r."source"), max(r."import_id"), array_agg(r."item"::smallint ORDER BY r."item"),
       array_agg(epc_term_id(r."improvement_id") ORDER BY r."item"), array_agg(epc_term_id(r."summary") ORDER BY r."item"), array_agg(epc_term_id(r."description") ORDER BY r."item"), array_agg(epc_term_id(r."indicative_cost") ORDER BY r."item"),
       array_agg(r."related_certificate_number" ORDER BY r."item"), array_agg(epc_term_id(r."payback_type") ORDER BY r."item"), array_agg(epc_term_id(r."recommendation_code") ORDER BY r."item")
FROM "recommendations" r
GROUP BY r."certificate_number";
--> statement-breakpoint
DROP TABLE "recommendations";
--> statement-breakpoint
-- A row per recommendation, as the table of that name was: the set's arrays side by side (unnest
-- pads a register's arrays it does not fill with NULLs), each term decoded.
CREATE VIEW "recommendations" AS
SELECT s."certificate_number",
       u."item"::integer AS "item",
       s."register",
       s."source",
       "t_improvement_id".value AS "improvement_id",
       "t_summary".value AS "summary",
       "t_description".value AS "description",
       "t_indicative_cost".value AS "indicative_cost",
       u."related_certificate_number",
       "t_payback_type".value AS "payback_type",
       "t_recommendation_code".value AS "recommendation_code",
       s."import_id"
FROM "recommendation_sets" s
CROSS JOIN LATERAL unnest(s."items", s."improvement_id", s."summary", s."description", s."indicative_cost",
                          s."related_certificate_number", s."payback_type", s."recommendation_code")
  AS u("item", "improvement_id", "summary", "description", "indicative_cost", "related_certificate_number", "payback_type", "recommendation_code")
LEFT JOIN "epc_terms" "t_improvement_id" ON "t_improvement_id".id = u."improvement_id"
LEFT JOIN "epc_terms" "t_summary" ON "t_summary".id = u."summary"
LEFT JOIN "epc_terms" "t_description" ON "t_description".id = u."description"
LEFT JOIN "epc_terms" "t_indicative_cost" ON "t_indicative_cost".id = u."indicative_cost"
LEFT JOIN "epc_terms" "t_payback_type" ON "t_payback_type".id = u."payback_type"
LEFT JOIN "epc_terms" "t_recommendation_code" ON "t_recommendation_code".id = u."recommendation_code";
--> statement-breakpoint
DROP VIEW IF EXISTS certificates_decoded;
--> statement-breakpoint
CREATE VIEW certificates_decoded AS
SELECT
  c."certificate_number",
  c."register",
  c."address_line1",
  c."address_line2",
  c."address_line3",
  c."address_line4",
  c."postcode",
  c."post_town",
  c."council",
  c."constituency",
  c."current_energy_efficiency_band",
  c."registration_date",
  c."uprn",
  c."schema_type",
  c."related_certificate_number",
  c."first_seen_at",
  c."last_changed_at",
  c."last_seen_at",
  c."document",
  c."document_fetched_at",
  c."document_status",
  c."document_error",
  c."removed_at",
  c."missing_since",
  c."source",
  c."bulk_extra",
  c."address",
  "t_constituency_code".value AS "constituency_code",
  "t_local_authority_code".value AS "local_authority_code",
  "t_built_form".value AS "built_form",
  c."co2_emiss_curr_per_floor_area",
  c."co2_emissions_current",
  c."co2_emissions_potential",
  "t_construction_age_band".value AS "construction_age_band",
  c."current_energy_efficiency",
  c."energy_consumption_current",
  c."energy_consumption_potential",
  "t_energy_tariff".value AS "energy_tariff",
  c."environment_impact_current",
  c."environment_impact_potential",
  c."extension_count",
  c."fixed_lighting_outlets_count",
  c."flat_storey_count",
  "t_flat_top_storey".value AS "flat_top_storey",
  "t_floor_description".value AS "floor_description",
  "t_floor_energy_eff".value AS "floor_energy_eff",
  c."floor_height",
  "t_floor_level".value AS "floor_level",
  "t_glazed_area".value AS "glazed_area",
  "t_glazed_type".value AS "glazed_type",
  "t_heat_loss_corridor".value AS "heat_loss_corridor",
  c."heating_cost_current",
  c."heating_cost_potential",
  c."hot_water_cost_current",
  c."hot_water_cost_potential",
  "t_hot_water_energy_eff".value AS "hot_water_energy_eff",
  "t_hot_water_env_eff".value AS "hot_water_env_eff",
  "t_hotwater_description".value AS "hotwater_description",
  c."inspection_date",
  c."lighting_cost_current",
  c."lighting_cost_potential",
  "t_lighting_description".value AS "lighting_description",
  "t_lighting_energy_eff".value AS "lighting_energy_eff",
  "t_lighting_env_eff".value AS "lighting_env_eff",
  c."lodgement_datetime",
  c."low_energy_lighting",
  c."low_energy_fixed_lighting_outlets_count",
  "t_main_fuel".value AS "main_fuel",
  "t_mainheat_description".value AS "mainheat_description",
  "t_mainheat_energy_eff".value AS "mainheat_energy_eff",
  "t_mainheat_env_eff".value AS "mainheat_env_eff",
  "t_mainheatc_energy_eff".value AS "mainheatc_energy_eff",
  "t_mainheatc_env_eff".value AS "mainheatc_env_eff",
  "t_mainheatcont_description".value AS "mainheatcont_description",
  "t_main_heating_controls".value AS "main_heating_controls",
  "t_mains_gas_flag".value AS "mains_gas_flag",
  "t_mechanical_ventilation".value AS "mechanical_ventilation",
  c."multi_glaze_proportion",
  c."number_habitable_rooms",
  c."number_heated_rooms",
  c."number_open_fireplaces",
  c."photo_supply",
  c."potential_energy_efficiency",
  c."potential_energy_rating",
  "t_property_type".value AS "property_type",
  "t_report_type".value AS "report_type",
  "t_roof_description".value AS "roof_description",
  "t_roof_energy_eff".value AS "roof_energy_eff",
  "t_roof_env_eff".value AS "roof_env_eff",
  "t_secondheat_description".value AS "secondheat_description",
  "t_sheating_energy_eff".value AS "sheating_energy_eff",
  "t_sheating_env_eff".value AS "sheating_env_eff",
  "t_solar_water_heating_flag".value AS "solar_water_heating_flag",
  "t_tenure".value AS "tenure",
  c."total_floor_area",
  "t_transaction_type".value AS "transaction_type",
  c."unheated_corridor_length",
  "t_walls_description".value AS "walls_description",
  "t_walls_energy_eff".value AS "walls_energy_eff",
  "t_walls_env_eff".value AS "walls_env_eff",
  c."wind_turbine_count",
  "t_windows_description".value AS "windows_description",
  "t_windows_energy_eff".value AS "windows_energy_eff",
  "t_windows_env_eff".value AS "windows_env_eff",
  "t_floor_env_eff".value AS "floor_env_eff",
  "t_region".value AS "region",
  "t_country".value AS "country",
  "t_uprn_source".value AS "uprn_source",
  c."asset_rating",
  c."new_build_benchmark",
  c."existing_stock_benchmark",
  c."building_level",
  "t_main_heating_fuel".value AS "main_heating_fuel",
  c."other_fuel_desc",
  c."special_energy_uses",
  c."renewable_sources",
  c."floor_area",
  c."standard_emissions",
  c."target_emissions",
  c."typical_emissions",
  c."building_emissions",
  "t_aircon_present".value AS "aircon_present",
  c."aircon_kw_rating",
  "t_estimated_aircon_kw_rating".value AS "estimated_aircon_kw_rating",
  "t_ac_inspection_commissioned".value AS "ac_inspection_commissioned",
  "t_building_environment".value AS "building_environment",
  c."primary_energy_value",
  c."current_operational_rating",
  c."yr1_operational_rating",
  c."yr2_operational_rating",
  c."electric_co2",
  c."heating_co2",
  c."renewables_co2",
  "t_main_benchmark".value AS "main_benchmark",
  c."annual_thermal_fuel_usage",
  c."typical_thermal_fuel_usage",
  c."typical_thermal_use",
  c."annual_electrical_fuel_usage",
  c."typical_electrical_fuel_usage",
  c."renewables_fuel_thermal",
  c."renewables_electrical",
  c."yr1_electricity_co2",
  c."yr2_electricity_co2",
  c."yr1_heating_co2",
  c."yr2_heating_co2",
  c."yr1_renewables_co2",
  c."yr2_renewables_co2",
  "t_building_category".value AS "building_category",
  c."nominated_date",
  c."or_assessment_end_date",
  "t_occupancy_level".value AS "occupancy_level"
FROM certificates c
LEFT JOIN epc_terms "t_constituency_code" ON "t_constituency_code".id = c."constituency_code"
LEFT JOIN epc_terms "t_local_authority_code" ON "t_local_authority_code".id = c."local_authority_code"
LEFT JOIN epc_terms "t_built_form" ON "t_built_form".id = c."built_form"
LEFT JOIN epc_terms "t_construction_age_band" ON "t_construction_age_band".id = c."construction_age_band"
LEFT JOIN epc_terms "t_energy_tariff" ON "t_energy_tariff".id = c."energy_tariff"
LEFT JOIN epc_terms "t_flat_top_storey" ON "t_flat_top_storey".id = c."flat_top_storey"
LEFT JOIN epc_terms "t_floor_description" ON "t_floor_description".id = c."floor_description"
LEFT JOIN epc_terms "t_floor_energy_eff" ON "t_floor_energy_eff".id = c."floor_energy_eff"
LEFT JOIN epc_terms "t_floor_level" ON "t_floor_level".id = c."floor_level"
LEFT JOIN epc_terms "t_glazed_area" ON "t_glazed_area".id = c."glazed_area"
LEFT JOIN epc_terms "t_glazed_type" ON "t_glazed_type".id = c."glazed_type"
LEFT JOIN epc_terms "t_heat_loss_corridor" ON "t_heat_loss_corridor".id = c."heat_loss_corridor"
LEFT JOIN epc_terms "t_hot_water_energy_eff" ON "t_hot_water_energy_eff".id = c."hot_water_energy_eff"
LEFT JOIN epc_terms "t_hot_water_env_eff" ON "t_hot_water_env_eff".id = c."hot_water_env_eff"
LEFT JOIN epc_terms "t_hotwater_description" ON "t_hotwater_description".id = c."hotwater_description"
LEFT JOIN epc_terms "t_lighting_description" ON "t_lighting_description".id = c."lighting_description"
LEFT JOIN epc_terms "t_lighting_energy_eff" ON "t_lighting_energy_eff".id = c."lighting_energy_eff"
LEFT JOIN epc_terms "t_lighting_env_eff" ON "t_lighting_env_eff".id = c."lighting_env_eff"
LEFT JOIN epc_terms "t_main_fuel" ON "t_main_fuel".id = c."main_fuel"
LEFT JOIN epc_terms "t_mainheat_description" ON "t_mainheat_description".id = c."mainheat_description"
LEFT JOIN epc_terms "t_mainheat_energy_eff" ON "t_mainheat_energy_eff".id = c."mainheat_energy_eff"
LEFT JOIN epc_terms "t_mainheat_env_eff" ON "t_mainheat_env_eff".id = c."mainheat_env_eff"
LEFT JOIN epc_terms "t_mainheatc_energy_eff" ON "t_mainheatc_energy_eff".id = c."mainheatc_energy_eff"
LEFT JOIN epc_terms "t_mainheatc_env_eff" ON "t_mainheatc_env_eff".id = c."mainheatc_env_eff"
LEFT JOIN epc_terms "t_mainheatcont_description" ON "t_mainheatcont_description".id = c."mainheatcont_description"
LEFT JOIN epc_terms "t_main_heating_controls" ON "t_main_heating_controls".id = c."main_heating_controls"
LEFT JOIN epc_terms "t_mains_gas_flag" ON "t_mains_gas_flag".id = c."mains_gas_flag"
LEFT JOIN epc_terms "t_mechanical_ventilation" ON "t_mechanical_ventilation".id = c."mechanical_ventilation"
LEFT JOIN epc_terms "t_property_type" ON "t_property_type".id = c."property_type"
LEFT JOIN epc_terms "t_report_type" ON "t_report_type".id = c."report_type"
LEFT JOIN epc_terms "t_roof_description" ON "t_roof_description".id = c."roof_description"
LEFT JOIN epc_terms "t_roof_energy_eff" ON "t_roof_energy_eff".id = c."roof_energy_eff"
LEFT JOIN epc_terms "t_roof_env_eff" ON "t_roof_env_eff".id = c."roof_env_eff"
LEFT JOIN epc_terms "t_secondheat_description" ON "t_secondheat_description".id = c."secondheat_description"
LEFT JOIN epc_terms "t_sheating_energy_eff" ON "t_sheating_energy_eff".id = c."sheating_energy_eff"
LEFT JOIN epc_terms "t_sheating_env_eff" ON "t_sheating_env_eff".id = c."sheating_env_eff"
LEFT JOIN epc_terms "t_solar_water_heating_flag" ON "t_solar_water_heating_flag".id = c."solar_water_heating_flag"
LEFT JOIN epc_terms "t_tenure" ON "t_tenure".id = c."tenure"
LEFT JOIN epc_terms "t_transaction_type" ON "t_transaction_type".id = c."transaction_type"
LEFT JOIN epc_terms "t_walls_description" ON "t_walls_description".id = c."walls_description"
LEFT JOIN epc_terms "t_walls_energy_eff" ON "t_walls_energy_eff".id = c."walls_energy_eff"
LEFT JOIN epc_terms "t_walls_env_eff" ON "t_walls_env_eff".id = c."walls_env_eff"
LEFT JOIN epc_terms "t_windows_description" ON "t_windows_description".id = c."windows_description"
LEFT JOIN epc_terms "t_windows_energy_eff" ON "t_windows_energy_eff".id = c."windows_energy_eff"
LEFT JOIN epc_terms "t_windows_env_eff" ON "t_windows_env_eff".id = c."windows_env_eff"
LEFT JOIN epc_terms "t_floor_env_eff" ON "t_floor_env_eff".id = c."floor_env_eff"
LEFT JOIN epc_terms "t_region" ON "t_region".id = c."region"
LEFT JOIN epc_terms "t_country" ON "t_country".id = c."country"
LEFT JOIN epc_terms "t_uprn_source" ON "t_uprn_source".id = c."uprn_source"
LEFT JOIN epc_terms "t_main_heating_fuel" ON "t_main_heating_fuel".id = c."main_heating_fuel"
LEFT JOIN epc_terms "t_aircon_present" ON "t_aircon_present".id = c."aircon_present"
LEFT JOIN epc_terms "t_estimated_aircon_kw_rating" ON "t_estimated_aircon_kw_rating".id = c."estimated_aircon_kw_rating"
LEFT JOIN epc_terms "t_ac_inspection_commissioned" ON "t_ac_inspection_commissioned".id = c."ac_inspection_commissioned"
LEFT JOIN epc_terms "t_building_environment" ON "t_building_environment".id = c."building_environment"
LEFT JOIN epc_terms "t_main_benchmark" ON "t_main_benchmark".id = c."main_benchmark"
LEFT JOIN epc_terms "t_building_category" ON "t_building_category".id = c."building_category"
LEFT JOIN epc_terms "t_occupancy_level" ON "t_occupancy_level".id = c."occupancy_level";
--> statement-breakpoint
DROP VIEW IF EXISTS domestic_certificates;
--> statement-breakpoint
CREATE VIEW domestic_certificates AS
SELECT
  c.certificate_number,
  c.address_line1 AS address1,
  c.address_line2 AS address2,
  c.address_line3 AS address3,
  c.postcode,
  c.post_town AS posttown,
  coalesce(c.address, nullif(concat_ws(', ', c.address_line1, c.address_line2, c.address_line3), '')) AS address,
  c.constituency_code AS constituency,
  c.constituency AS constituency_label,
  c.local_authority_code AS local_authority,
  c.council AS local_authority_label,
  c.built_form,
  c.co2_emiss_curr_per_floor_area,
  c.co2_emissions_current,
  c.co2_emissions_potential,
  c.construction_age_band,
  c.current_energy_efficiency,
  c.current_energy_efficiency_band AS current_energy_rating,
  c.energy_consumption_current,
  c.energy_consumption_potential,
  c.energy_tariff,
  c.environment_impact_current,
  c.environment_impact_potential,
  c.extension_count,
  c.fixed_lighting_outlets_count,
  c.flat_storey_count,
  c.flat_top_storey,
  c.floor_description,
  c.floor_energy_eff,
  c.floor_height,
  c.floor_level,
  c.glazed_area,
  c.glazed_type,
  c.heat_loss_corridor,
  c.heating_cost_current,
  c.heating_cost_potential,
  c.hot_water_cost_current,
  c.hot_water_cost_potential,
  c.hot_water_energy_eff,
  c.hot_water_env_eff,
  c.hotwater_description,
  c.inspection_date,
  c.lighting_cost_current,
  c.lighting_cost_potential,
  c.lighting_description,
  c.lighting_energy_eff,
  c.lighting_env_eff,
  c.registration_date AS lodgement_date,
  c.lodgement_datetime,
  c.low_energy_lighting,
  c.low_energy_fixed_lighting_outlets_count,
  c.main_fuel,
  c.mainheat_description,
  c.mainheat_energy_eff,
  c.mainheat_env_eff,
  c.mainheatc_energy_eff,
  c.mainheatc_env_eff,
  c.mainheatcont_description,
  c.main_heating_controls,
  c.mains_gas_flag,
  c.mechanical_ventilation,
  c.multi_glaze_proportion,
  c.number_habitable_rooms,
  c.number_heated_rooms,
  c.number_open_fireplaces,
  c.photo_supply,
  c.potential_energy_efficiency,
  c.potential_energy_rating,
  c.property_type,
  c.report_type,
  c.roof_description,
  c.roof_energy_eff,
  c.roof_env_eff,
  c.secondheat_description,
  c.sheating_energy_eff,
  c.sheating_env_eff,
  c.solar_water_heating_flag,
  c.tenure,
  c.total_floor_area,
  c.transaction_type,
  c.unheated_corridor_length,
  c.walls_description,
  c.walls_energy_eff,
  c.walls_env_eff,
  c.wind_turbine_count,
  c.windows_description,
  c.windows_energy_eff,
  c.windows_env_eff,
  c.floor_env_eff,
  c.region,
  c.country,
  c.uprn,
  c.uprn_source,
  c.related_certificate_number,
  c.source,
  c.document_status,
  c.removed_at,
  c.missing_since
FROM certificates_decoded c
WHERE c.register = 'domestic';
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
FROM certificates_decoded c
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
FROM certificates_decoded c
WHERE c.register = 'display';
--> statement-breakpoint
CREATE VIEW "certificate_details" AS
SELECT c."register",
       c."certificate_number",
       c."registration_date",
       c."lodgement_datetime",
       c."inspection_date",
       c."uprn",
       c."uprn_source",
       c."address",
       c."address_line1",
       c."address_line2",
       c."address_line3",
       c."post_town",
       c."postcode",
       c."council",
       c."local_authority_code",
       c."constituency",
       c."constituency_code",
       c."current_energy_efficiency_band" AS "current_energy_rating",
       c."current_energy_efficiency",
       c."potential_energy_rating",
       c."potential_energy_efficiency",
       c."environment_impact_current",
       c."environment_impact_potential",
       c."total_floor_area",
       coalesce(c."property_type", CASE WHEN d."property_type" IS NOT NULL THEN epc_code('property_type', d."property_type", c."schema_type", d."assessment_type") END, d."property_type") AS "property_type",
       coalesce(c."built_form", CASE WHEN d."built_form" IS NOT NULL THEN epc_code('built_form', d."built_form", c."schema_type", d."assessment_type") END, d."built_form") AS "built_form",
       coalesce(c."construction_age_band", CASE WHEN d."construction_age_band" IS NOT NULL THEN epc_code('construction_age_band', d."construction_age_band", c."schema_type", d."assessment_type") END, d."construction_age_band") AS "construction_age_band",
       coalesce(c."main_fuel", CASE WHEN d."main_fuel" IS NOT NULL THEN epc_code('main_fuel', d."main_fuel", c."schema_type", d."assessment_type") END, d."main_fuel") AS "main_fuel",
       c."mainheat_description",
       c."mainheatcont_description",
       c."hotwater_description",
       c."secondheat_description",
       c."walls_description",
       c."roof_description",
       c."floor_description",
       c."windows_description",
       c."lighting_description",
       c."co2_emissions_current",
       c."co2_emissions_potential",
       c."co2_emiss_curr_per_floor_area",
       c."energy_consumption_current",
       c."energy_consumption_potential",
       c."heating_cost_current",
       c."heating_cost_potential",
       c."hot_water_cost_current",
       c."hot_water_cost_potential",
       c."lighting_cost_current",
       c."lighting_cost_potential",
       coalesce(c."tenure", CASE WHEN d."tenure" IS NOT NULL THEN epc_code('tenure', d."tenure", c."schema_type", d."assessment_type") END, d."tenure") AS "tenure",
       coalesce(c."transaction_type", CASE WHEN d."transaction_type" IS NOT NULL THEN epc_code('transaction_type', d."transaction_type", c."schema_type", d."assessment_type") END, d."transaction_type") AS "transaction_type",
       c."schema_type",
       c."source",
       c."document_status",
       c."document_fetched_at",
       c."removed_at",
       coalesce(c."energy_tariff", CASE WHEN d."energy_tariff" IS NOT NULL THEN epc_code('energy_tariff', d."energy_tariff", c."schema_type", d."assessment_type") END, d."energy_tariff") AS "energy_tariff",
       coalesce(c."glazed_area", CASE WHEN d."glazed_area" IS NOT NULL THEN epc_code('glazed_area', d."glazed_area", c."schema_type", d."assessment_type") END, d."glazed_area") AS "glazed_area",
       coalesce(c."glazed_type", CASE WHEN d."glazed_type" IS NOT NULL THEN epc_code('glazed_type', d."glazed_type", c."schema_type", d."assessment_type") END, d."glazed_type") AS "glazed_type",
       coalesce(c."mechanical_ventilation", CASE WHEN d."mechanical_ventilation" IS NOT NULL THEN epc_code('mechanical_ventilation', d."mechanical_ventilation", c."schema_type", d."assessment_type") END, d."mechanical_ventilation") AS "mechanical_ventilation",
       coalesce(c."heat_loss_corridor", CASE WHEN d."heat_loss_corridor" IS NOT NULL THEN epc_code('heat_loss_corridor', d."heat_loss_corridor", c."schema_type", d."assessment_type") END, d."heat_loss_corridor") AS "heat_loss_corridor"
FROM "certificates_decoded" c
-- The document's codes, read once per row (NULL for every certificate the bulk file brought, so the
-- lookup is never consulted for them).
CROSS JOIN LATERAL (
  SELECT c."document"->>'assessment_type' AS "assessment_type",
         c."document"->>'property_type' AS "property_type",
         c."document"->>'built_form' AS "built_form",
         c."document"#>>'{sap_building_parts,0,construction_age_band}' AS "construction_age_band",
         c."document"#>>'{sap_heating,main_heating_details,0,main_fuel_type}' AS "main_fuel",
         c."document"->>'tenure' AS "tenure",
         c."document"->>'transaction_type' AS "transaction_type",
         -- RdSAP records the electricity meter, SAP the tariff.
         CASE WHEN c."document"->>'assessment_type' = 'RdSAP' THEN c."document"#>>'{sap_energy_source,meter_type}'
              ELSE c."document"#>>'{sap_energy_source,electricity_tariff}' END AS "energy_tariff",
         c."document"->>'glazed_area' AS "glazed_area",
         c."document"->>'multiple_glazing_type' AS "glazed_type",
         c."document"->>'mechanical_ventilation' AS "mechanical_ventilation",
         c."document"#>>'{sap_flat_details,heat_loss_corridor}' AS "heat_loss_corridor"
) d;
--> statement-breakpoint
CREATE VIEW "latest_certificates" AS
SELECT l."property_key",
       l."register",
       l."certificate_number",
       l."registration_date",
       l."lodgement_datetime",
       l."current_energy_efficiency_band" AS "band",
       coalesce(l."current_energy_efficiency", l."asset_rating", l."current_operational_rating") AS "rating",
       l."uprn",
       concat_ws(', ', l."address_line1", l."address_line2", l."address_line3", l."address_line4") AS "address",
       l."post_town",
       l."postcode",
       l."council",
       l."constituency",
       coalesce(l."property_type",
                CASE WHEN l."document"->>'property_type' IS NOT NULL THEN epc_code('property_type', l."document"->>'property_type', l."schema_type", l."document"->>'assessment_type') END,
                l."document"->>'property_type') AS "property_type",
       coalesce(l."built_form",
                CASE WHEN l."document"->>'built_form' IS NOT NULL THEN epc_code('built_form', l."document"->>'built_form', l."schema_type", l."document"->>'assessment_type') END,
                l."document"->>'built_form') AS "built_form",
       coalesce(l."total_floor_area", l."floor_area") AS "total_floor_area",
       coalesce(l."main_fuel",
                CASE WHEN l."document"#>>'{sap_heating,main_heating_details,0,main_fuel_type}' IS NOT NULL
                     THEN epc_code('main_fuel', l."document"#>>'{sap_heating,main_heating_details,0,main_fuel_type}', l."schema_type", l."document"->>'assessment_type') END,
                l."main_heating_fuel",
                l."document"#>>'{sap_heating,main_heating_details,0,main_fuel_type}') AS "main_fuel",
       l."inspection_date",
       l."schema_type",
       l."source"
FROM (
  (SELECT DISTINCT ON (c."register", c."uprn")
          'uprn:' || c."uprn" AS "property_key",
          c."register", c."uprn", c."certificate_number", c."registration_date", c."lodgement_datetime",
          c."current_energy_efficiency_band", c."current_energy_efficiency", c."asset_rating", c."current_operational_rating",
          c."address_line1", c."address_line2", c."address_line3", c."address_line4", c."post_town", c."postcode",
          c."council", c."constituency", c."property_type", c."built_form", c."total_floor_area", c."floor_area",
          c."main_fuel", c."main_heating_fuel", c."inspection_date", c."schema_type", c."source", c."document"
   FROM "certificates_decoded" c
   WHERE c."uprn" IS NOT NULL AND c."removed_at" IS NULL AND c."missing_since" IS NULL
   ORDER BY c."register", c."uprn", c."registration_date" DESC NULLS LAST, c."lodgement_datetime" DESC NULLS LAST, c."certificate_number" DESC NULLS LAST)
  UNION ALL
  -- `uprn` (NULL throughout) is a DISTINCT ON column here too, so a filter on it skips this branch at the index.
  (SELECT DISTINCT ON (c."register", c."uprn", epc_address_key(c."address_line1", c."address_line2", c."address_line3", c."address_line4", c."postcode", c."certificate_number"))
          epc_address_key(c."address_line1", c."address_line2", c."address_line3", c."address_line4", c."postcode", c."certificate_number") AS "property_key",
          c."register", c."uprn", c."certificate_number", c."registration_date", c."lodgement_datetime",
          c."current_energy_efficiency_band", c."current_energy_efficiency", c."asset_rating", c."current_operational_rating",
          c."address_line1", c."address_line2", c."address_line3", c."address_line4", c."post_town", c."postcode",
          c."council", c."constituency", c."property_type", c."built_form", c."total_floor_area", c."floor_area",
          c."main_fuel", c."main_heating_fuel", c."inspection_date", c."schema_type", c."source", c."document"
   FROM "certificates_decoded" c
   WHERE c."uprn" IS NULL AND c."removed_at" IS NULL AND c."missing_since" IS NULL
   ORDER BY c."register", c."uprn", epc_address_key(c."address_line1", c."address_line2", c."address_line3", c."address_line4", c."postcode", c."certificate_number"),
            c."registration_date" DESC NULLS LAST, c."lodgement_datetime" DESC NULLS LAST, c."certificate_number" DESC NULLS LAST)
) l;
