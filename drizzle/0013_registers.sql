-- The non-domestic and display registers: their bulk-file columns (typed, declared in src/registers/),
-- the non-domestic certificate's recommendation report, the report items' payback lists, the count of
-- certificates search does not serve on a non-domestic day, and the codes lookup.
CREATE TABLE "codes" (
	"attribute" text NOT NULL,
	"key" text NOT NULL,
	"schema_version" text DEFAULT '' NOT NULL,
	"assessment_type" text DEFAULT '' NOT NULL,
	"value" text NOT NULL,
	"fetched_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "codes_attribute_key_schema_version_assessment_type_pk" PRIMARY KEY("attribute","key","schema_version","assessment_type")
);
--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "related_certificate_number" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "asset_rating" integer;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "new_build_benchmark" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "existing_stock_benchmark" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "building_level" integer;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "main_heating_fuel" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "other_fuel_desc" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "special_energy_uses" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "renewable_sources" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "floor_area" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "standard_emissions" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "target_emissions" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "typical_emissions" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "building_emissions" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "aircon_present" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "aircon_kw_rating" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "estimated_aircon_kw_rating" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "ac_inspection_commissioned" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "building_environment" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "primary_energy_value" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "current_operational_rating" integer;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "yr1_operational_rating" integer;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "yr2_operational_rating" integer;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "electric_co2" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "heating_co2" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "renewables_co2" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "main_benchmark" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "annual_thermal_fuel_usage" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "typical_thermal_fuel_usage" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "typical_thermal_use" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "annual_electrical_fuel_usage" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "typical_electrical_fuel_usage" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "renewables_fuel_thermal" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "renewables_electrical" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "yr1_electricity_co2" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "yr2_electricity_co2" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "yr1_heating_co2" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "yr2_heating_co2" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "yr1_renewables_co2" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "yr2_renewables_co2" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "building_category" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "nominated_date" date;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "or_assessment_end_date" date;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "occupancy_level" text;--> statement-breakpoint
ALTER TABLE "recommendations" ADD COLUMN "related_certificate_number" text;--> statement-breakpoint
ALTER TABLE "recommendations" ADD COLUMN "payback_type" text;--> statement-breakpoint
ALTER TABLE "recommendations" ADD COLUMN "recommendation_code" text;--> statement-breakpoint
ALTER TABLE "sync_checkpoint" ADD COLUMN "not_served" integer;