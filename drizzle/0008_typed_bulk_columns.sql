CREATE TABLE "recommendations" (
	"certificate_number" text NOT NULL,
	"item" integer NOT NULL,
	"register" text DEFAULT 'domestic' NOT NULL,
	"source" text NOT NULL,
	"improvement_id" text,
	"summary" text,
	"description" text,
	"indicative_cost" text,
	"import_id" integer,
	CONSTRAINT "recommendations_certificate_number_item_pk" PRIMARY KEY("certificate_number","item")
);
--> statement-breakpoint
ALTER TABLE "bulk_imports" ADD COLUMN "recommendations_imported" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "bulk_imports" ADD COLUMN "new_columns" jsonb;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "bulk_extra" jsonb;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "address" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "constituency_code" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "local_authority_code" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "built_form" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "co2_emiss_curr_per_floor_area" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "co2_emissions_current" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "co2_emissions_potential" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "construction_age_band" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "current_energy_efficiency" integer;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "energy_consumption_current" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "energy_consumption_potential" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "energy_tariff" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "environment_impact_current" integer;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "environment_impact_potential" integer;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "extension_count" integer;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "fixed_lighting_outlets_count" integer;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "flat_storey_count" integer;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "flat_top_storey" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "floor_description" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "floor_energy_eff" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "floor_height" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "floor_level" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "glazed_area" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "glazed_type" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "heat_loss_corridor" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "heating_cost_current" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "heating_cost_potential" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "hot_water_cost_current" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "hot_water_cost_potential" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "hot_water_energy_eff" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "hot_water_env_eff" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "hotwater_description" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "inspection_date" date;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "lighting_cost_current" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "lighting_cost_potential" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "lighting_description" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "lighting_energy_eff" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "lighting_env_eff" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "lodgement_datetime" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "low_energy_lighting" integer;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "low_energy_fixed_lighting_outlets_count" integer;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "main_fuel" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "mainheat_description" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "mainheat_energy_eff" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "mainheat_env_eff" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "mainheatc_energy_eff" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "mainheatc_env_eff" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "mainheatcont_description" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "main_heating_controls" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "mains_gas_flag" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "mechanical_ventilation" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "multi_glaze_proportion" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "number_habitable_rooms" integer;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "number_heated_rooms" integer;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "number_open_fireplaces" integer;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "photo_supply" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "potential_energy_efficiency" integer;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "potential_energy_rating" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "property_type" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "report_type" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "roof_description" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "roof_energy_eff" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "roof_env_eff" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "secondheat_description" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "sheating_energy_eff" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "sheating_env_eff" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "solar_water_heating_flag" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "tenure" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "total_floor_area" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "transaction_type" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "unheated_corridor_length" real;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "walls_description" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "walls_energy_eff" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "walls_env_eff" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "wind_turbine_count" integer;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "windows_description" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "windows_energy_eff" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "windows_env_eff" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "floor_env_eff" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "region" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "country" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "uprn_source" text;