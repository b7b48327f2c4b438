-- Typed columns instead of the whole-row jsonb of 0.1.0. The epc_value_* functions read a value of the
-- bulk file (or of a document) as src/registers/values.ts does: empty, "INVALID!", "NO DATA!", "N/A" and
-- "Not recorded" are NULL in a typed column, and a value that cannot be read is NULL (the upgrade keeps
-- its text in bulk_extra). They never raise, so one odd value cannot fail a query or this migration.
CREATE OR REPLACE FUNCTION epc_value_is_sentinel(v text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT upper(btrim(v)) IN ('INVALID!', 'NO DATA!', 'N/A', 'NOT RECORDED')
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION epc_value_integer(v text) RETURNS integer LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF v IS NULL OR btrim(v) !~ '^[+-]?[0-9]{1,10}$' THEN RETURN NULL; END IF;
  RETURN btrim(v)::integer;
EXCEPTION WHEN others THEN RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION epc_value_real(v text) RETURNS real LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF v IS NULL OR btrim(v) !~ '^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$' THEN RETURN NULL; END IF;
  RETURN btrim(v)::real;
EXCEPTION WHEN others THEN RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION epc_value_date(v text) RETURNS date LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  m text[];
BEGIN
  m := regexp_match(btrim(v), '^([0-9]{4})-([0-9]{2})-([0-9]{2})');
  IF m IS NULL THEN
    m := regexp_match(btrim(v), '^([0-9]{2})/([0-9]{2})/([0-9]{4})');
    IF m IS NULL THEN RETURN NULL; END IF;
    m := ARRAY[m[3], m[2], m[1]];
  END IF;
  RETURN make_date(m[1]::int, m[2]::int, m[3]::int);
EXCEPTION WHEN others THEN RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION epc_value_timestamptz(v text) RETURNS timestamptz LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  m text[];
  day date;
  zone text;
BEGIN
  m := regexp_match(btrim(v), '^([0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}/[0-9]{2}/[0-9]{4})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(\.[0-9]{1,9})?)?)?\s*(Z|UTC|[+-][0-9]{2}(?::?[0-9]{2})?)?$', 'i');
  IF m IS NULL THEN RETURN NULL; END IF;
  day := epc_value_date(m[1]);
  IF day IS NULL OR coalesce(m[2], '00')::int > 23 OR coalesce(m[3], '00')::int > 59 OR coalesce(m[4], '00')::int > 59 THEN RETURN NULL; END IF;
  zone := CASE WHEN m[6] IS NULL OR upper(m[6]) IN ('Z', 'UTC') THEN '+00:00'
               WHEN length(m[6]) = 3 THEN m[6] || ':00'
               WHEN position(':' IN m[6]) > 0 THEN m[6]
               ELSE substr(m[6], 1, 3) || ':' || substr(m[6], 4) END;
  RETURN (to_char(day, 'YYYY-MM-DD') || 'T' || coalesce(m[2], '00') || ':' || coalesce(m[3], '00') || ':' || coalesce(m[4], '00')
          || coalesce(substr(m[5], 1, 7), '') || zone)::timestamptz;
EXCEPTION WHEN others THEN RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION epc_value_band(v text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN upper(btrim(v)) ~ '^[A-G]$' THEN upper(btrim(v)) END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION epc_value_uprn(v text) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
  SELECT nullif((regexp_match(btrim(v), '^(?:UPRN-)?([0-9]{1,15})$'))[1]::bigint, 0)
$$;
--> statement-breakpoint
-- 0.1.0 kept every file row whole in bulk_row: its values move into the typed columns. Names repeated
-- in the older file's header were stored as NAME__2 and are dropped when they repeat the first value.
UPDATE "certificates" SET
  "address" = nullif(bulk_row->>'ADDRESS', ''),
  "constituency_code" = nullif(bulk_row->>'CONSTITUENCY', ''),
  "local_authority_code" = nullif(bulk_row->>'LOCAL_AUTHORITY', ''),
  "built_form" = nullif(bulk_row->>'BUILT_FORM', ''),
  "co2_emiss_curr_per_floor_area" = epc_value_real(bulk_row->>'CO2_EMISS_CURR_PER_FLOOR_AREA'),
  "co2_emissions_current" = epc_value_real(bulk_row->>'CO2_EMISSIONS_CURRENT'),
  "co2_emissions_potential" = epc_value_real(bulk_row->>'CO2_EMISSIONS_POTENTIAL'),
  "construction_age_band" = nullif(bulk_row->>'CONSTRUCTION_AGE_BAND', ''),
  "current_energy_efficiency" = epc_value_integer(bulk_row->>'CURRENT_ENERGY_EFFICIENCY'),
  "energy_consumption_current" = epc_value_real(bulk_row->>'ENERGY_CONSUMPTION_CURRENT'),
  "energy_consumption_potential" = epc_value_real(bulk_row->>'ENERGY_CONSUMPTION_POTENTIAL'),
  "energy_tariff" = nullif(bulk_row->>'ENERGY_TARIFF', ''),
  "environment_impact_current" = epc_value_integer(bulk_row->>'ENVIRONMENT_IMPACT_CURRENT'),
  "environment_impact_potential" = epc_value_integer(bulk_row->>'ENVIRONMENT_IMPACT_POTENTIAL'),
  "extension_count" = epc_value_integer(bulk_row->>'EXTENSION_COUNT'),
  "fixed_lighting_outlets_count" = epc_value_integer(bulk_row->>'FIXED_LIGHTING_OUTLETS_COUNT'),
  "flat_storey_count" = epc_value_integer(bulk_row->>'FLAT_STOREY_COUNT'),
  "flat_top_storey" = nullif(bulk_row->>'FLAT_TOP_STOREY', ''),
  "floor_description" = nullif(bulk_row->>'FLOOR_DESCRIPTION', ''),
  "floor_energy_eff" = nullif(bulk_row->>'FLOOR_ENERGY_EFF', ''),
  "floor_height" = epc_value_real(bulk_row->>'FLOOR_HEIGHT'),
  "floor_level" = nullif(bulk_row->>'FLOOR_LEVEL', ''),
  "glazed_area" = nullif(bulk_row->>'GLAZED_AREA', ''),
  "glazed_type" = nullif(bulk_row->>'GLAZED_TYPE', ''),
  "heat_loss_corridor" = nullif(bulk_row->>'HEAT_LOSS_CORRIDOR', ''),
  "heating_cost_current" = epc_value_real(bulk_row->>'HEATING_COST_CURRENT'),
  "heating_cost_potential" = epc_value_real(bulk_row->>'HEATING_COST_POTENTIAL'),
  "hot_water_cost_current" = epc_value_real(bulk_row->>'HOT_WATER_COST_CURRENT'),
  "hot_water_cost_potential" = epc_value_real(bulk_row->>'HOT_WATER_COST_POTENTIAL'),
  "hot_water_energy_eff" = nullif(bulk_row->>'HOT_WATER_ENERGY_EFF', ''),
  "hot_water_env_eff" = nullif(bulk_row->>'HOT_WATER_ENV_EFF', ''),
  "hotwater_description" = nullif(bulk_row->>'HOTWATER_DESCRIPTION', ''),
  "inspection_date" = epc_value_date(bulk_row->>'INSPECTION_DATE'),
  "lighting_cost_current" = epc_value_real(bulk_row->>'LIGHTING_COST_CURRENT'),
  "lighting_cost_potential" = epc_value_real(bulk_row->>'LIGHTING_COST_POTENTIAL'),
  "lighting_description" = nullif(bulk_row->>'LIGHTING_DESCRIPTION', ''),
  "lighting_energy_eff" = nullif(bulk_row->>'LIGHTING_ENERGY_EFF', ''),
  "lighting_env_eff" = nullif(bulk_row->>'LIGHTING_ENV_EFF', ''),
  "lodgement_datetime" = epc_value_timestamptz(bulk_row->>'LODGEMENT_DATETIME'),
  "low_energy_lighting" = epc_value_integer(bulk_row->>'LOW_ENERGY_LIGHTING'),
  "low_energy_fixed_lighting_outlets_count" = epc_value_integer(bulk_row->>'LOW_ENERGY_FIXED_LIGHTING_OUTLETS_COUNT'),
  "main_fuel" = nullif(bulk_row->>'MAIN_FUEL', ''),
  "mainheat_description" = nullif(bulk_row->>'MAINHEAT_DESCRIPTION', ''),
  "mainheat_energy_eff" = nullif(bulk_row->>'MAINHEAT_ENERGY_EFF', ''),
  "mainheat_env_eff" = nullif(bulk_row->>'MAINHEAT_ENV_EFF', ''),
  "mainheatc_energy_eff" = nullif(bulk_row->>'MAINHEATC_ENERGY_EFF', ''),
  "mainheatc_env_eff" = nullif(bulk_row->>'MAINHEATC_ENV_EFF', ''),
  "mainheatcont_description" = nullif(bulk_row->>'MAINHEATCONT_DESCRIPTION', ''),
  "main_heating_controls" = nullif(bulk_row->>'MAIN_HEATING_CONTROLS', ''),
  "mains_gas_flag" = nullif(bulk_row->>'MAINS_GAS_FLAG', ''),
  "mechanical_ventilation" = nullif(bulk_row->>'MECHANICAL_VENTILATION', ''),
  "multi_glaze_proportion" = epc_value_real(bulk_row->>'MULTI_GLAZE_PROPORTION'),
  "number_habitable_rooms" = epc_value_integer(bulk_row->>'NUMBER_HABITABLE_ROOMS'),
  "number_heated_rooms" = epc_value_integer(bulk_row->>'NUMBER_HEATED_ROOMS'),
  "number_open_fireplaces" = epc_value_integer(bulk_row->>'NUMBER_OPEN_FIREPLACES'),
  "photo_supply" = epc_value_real(bulk_row->>'PHOTO_SUPPLY'),
  "potential_energy_efficiency" = epc_value_integer(bulk_row->>'POTENTIAL_ENERGY_EFFICIENCY'),
  "potential_energy_rating" = epc_value_band(bulk_row->>'POTENTIAL_ENERGY_RATING'),
  "property_type" = nullif(bulk_row->>'PROPERTY_TYPE', ''),
  "report_type" = nullif(bulk_row->>'REPORT_TYPE', ''),
  "roof_description" = nullif(bulk_row->>'ROOF_DESCRIPTION', ''),
  "roof_energy_eff" = nullif(bulk_row->>'ROOF_ENERGY_EFF', ''),
  "roof_env_eff" = nullif(bulk_row->>'ROOF_ENV_EFF', ''),
  "secondheat_description" = nullif(bulk_row->>'SECONDHEAT_DESCRIPTION', ''),
  "sheating_energy_eff" = nullif(bulk_row->>'SHEATING_ENERGY_EFF', ''),
  "sheating_env_eff" = nullif(bulk_row->>'SHEATING_ENV_EFF', ''),
  "solar_water_heating_flag" = nullif(bulk_row->>'SOLAR_WATER_HEATING_FLAG', ''),
  "tenure" = nullif(bulk_row->>'TENURE', ''),
  "total_floor_area" = epc_value_real(bulk_row->>'TOTAL_FLOOR_AREA'),
  "transaction_type" = nullif(bulk_row->>'TRANSACTION_TYPE', ''),
  "unheated_corridor_length" = epc_value_real(bulk_row->>'UNHEATED_CORRIDOR_LENGTH'),
  "walls_description" = nullif(bulk_row->>'WALLS_DESCRIPTION', ''),
  "walls_energy_eff" = nullif(bulk_row->>'WALLS_ENERGY_EFF', ''),
  "walls_env_eff" = nullif(bulk_row->>'WALLS_ENV_EFF', ''),
  "wind_turbine_count" = epc_value_integer(bulk_row->>'WIND_TURBINE_COUNT'),
  "windows_description" = nullif(bulk_row->>'WINDOWS_DESCRIPTION', ''),
  "windows_energy_eff" = nullif(bulk_row->>'WINDOWS_ENERGY_EFF', ''),
  "windows_env_eff" = nullif(bulk_row->>'WINDOWS_ENV_EFF', ''),
  "floor_env_eff" = nullif(bulk_row->>'FLOOR_ENV_EFF', ''),
  "region" = nullif(bulk_row->>'REGION', ''),
  "country" = nullif(bulk_row->>'COUNTRY', ''),
  "uprn_source" = nullif(bulk_row->>'UPRN_SOURCE', ''),
  "bulk_extra" = nullif(
    jsonb_strip_nulls(jsonb_build_object(
      'co2_emiss_curr_per_floor_area', CASE WHEN nullif(btrim(bulk_row->>'CO2_EMISS_CURR_PER_FLOOR_AREA'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'CO2_EMISS_CURR_PER_FLOOR_AREA') AND epc_value_real(bulk_row->>'CO2_EMISS_CURR_PER_FLOOR_AREA') IS NULL THEN bulk_row->>'CO2_EMISS_CURR_PER_FLOOR_AREA' END,
      'co2_emissions_current', CASE WHEN nullif(btrim(bulk_row->>'CO2_EMISSIONS_CURRENT'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'CO2_EMISSIONS_CURRENT') AND epc_value_real(bulk_row->>'CO2_EMISSIONS_CURRENT') IS NULL THEN bulk_row->>'CO2_EMISSIONS_CURRENT' END,
      'co2_emissions_potential', CASE WHEN nullif(btrim(bulk_row->>'CO2_EMISSIONS_POTENTIAL'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'CO2_EMISSIONS_POTENTIAL') AND epc_value_real(bulk_row->>'CO2_EMISSIONS_POTENTIAL') IS NULL THEN bulk_row->>'CO2_EMISSIONS_POTENTIAL' END,
      'current_energy_efficiency', CASE WHEN nullif(btrim(bulk_row->>'CURRENT_ENERGY_EFFICIENCY'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'CURRENT_ENERGY_EFFICIENCY') AND epc_value_integer(bulk_row->>'CURRENT_ENERGY_EFFICIENCY') IS NULL THEN bulk_row->>'CURRENT_ENERGY_EFFICIENCY' END,
      'current_energy_rating', CASE WHEN nullif(btrim(bulk_row->>'CURRENT_ENERGY_RATING'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'CURRENT_ENERGY_RATING') AND epc_value_band(bulk_row->>'CURRENT_ENERGY_RATING') IS NULL THEN bulk_row->>'CURRENT_ENERGY_RATING' END,
      'energy_consumption_current', CASE WHEN nullif(btrim(bulk_row->>'ENERGY_CONSUMPTION_CURRENT'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'ENERGY_CONSUMPTION_CURRENT') AND epc_value_real(bulk_row->>'ENERGY_CONSUMPTION_CURRENT') IS NULL THEN bulk_row->>'ENERGY_CONSUMPTION_CURRENT' END,
      'energy_consumption_potential', CASE WHEN nullif(btrim(bulk_row->>'ENERGY_CONSUMPTION_POTENTIAL'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'ENERGY_CONSUMPTION_POTENTIAL') AND epc_value_real(bulk_row->>'ENERGY_CONSUMPTION_POTENTIAL') IS NULL THEN bulk_row->>'ENERGY_CONSUMPTION_POTENTIAL' END,
      'environment_impact_current', CASE WHEN nullif(btrim(bulk_row->>'ENVIRONMENT_IMPACT_CURRENT'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'ENVIRONMENT_IMPACT_CURRENT') AND epc_value_integer(bulk_row->>'ENVIRONMENT_IMPACT_CURRENT') IS NULL THEN bulk_row->>'ENVIRONMENT_IMPACT_CURRENT' END,
      'environment_impact_potential', CASE WHEN nullif(btrim(bulk_row->>'ENVIRONMENT_IMPACT_POTENTIAL'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'ENVIRONMENT_IMPACT_POTENTIAL') AND epc_value_integer(bulk_row->>'ENVIRONMENT_IMPACT_POTENTIAL') IS NULL THEN bulk_row->>'ENVIRONMENT_IMPACT_POTENTIAL' END,
      'extension_count', CASE WHEN nullif(btrim(bulk_row->>'EXTENSION_COUNT'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'EXTENSION_COUNT') AND epc_value_integer(bulk_row->>'EXTENSION_COUNT') IS NULL THEN bulk_row->>'EXTENSION_COUNT' END,
      'fixed_lighting_outlets_count', CASE WHEN nullif(btrim(bulk_row->>'FIXED_LIGHTING_OUTLETS_COUNT'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'FIXED_LIGHTING_OUTLETS_COUNT') AND epc_value_integer(bulk_row->>'FIXED_LIGHTING_OUTLETS_COUNT') IS NULL THEN bulk_row->>'FIXED_LIGHTING_OUTLETS_COUNT' END,
      'flat_storey_count', CASE WHEN nullif(btrim(bulk_row->>'FLAT_STOREY_COUNT'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'FLAT_STOREY_COUNT') AND epc_value_integer(bulk_row->>'FLAT_STOREY_COUNT') IS NULL THEN bulk_row->>'FLAT_STOREY_COUNT' END,
      'floor_height', CASE WHEN nullif(btrim(bulk_row->>'FLOOR_HEIGHT'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'FLOOR_HEIGHT') AND epc_value_real(bulk_row->>'FLOOR_HEIGHT') IS NULL THEN bulk_row->>'FLOOR_HEIGHT' END,
      'heating_cost_current', CASE WHEN nullif(btrim(bulk_row->>'HEATING_COST_CURRENT'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'HEATING_COST_CURRENT') AND epc_value_real(bulk_row->>'HEATING_COST_CURRENT') IS NULL THEN bulk_row->>'HEATING_COST_CURRENT' END,
      'heating_cost_potential', CASE WHEN nullif(btrim(bulk_row->>'HEATING_COST_POTENTIAL'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'HEATING_COST_POTENTIAL') AND epc_value_real(bulk_row->>'HEATING_COST_POTENTIAL') IS NULL THEN bulk_row->>'HEATING_COST_POTENTIAL' END,
      'hot_water_cost_current', CASE WHEN nullif(btrim(bulk_row->>'HOT_WATER_COST_CURRENT'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'HOT_WATER_COST_CURRENT') AND epc_value_real(bulk_row->>'HOT_WATER_COST_CURRENT') IS NULL THEN bulk_row->>'HOT_WATER_COST_CURRENT' END,
      'hot_water_cost_potential', CASE WHEN nullif(btrim(bulk_row->>'HOT_WATER_COST_POTENTIAL'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'HOT_WATER_COST_POTENTIAL') AND epc_value_real(bulk_row->>'HOT_WATER_COST_POTENTIAL') IS NULL THEN bulk_row->>'HOT_WATER_COST_POTENTIAL' END,
      'inspection_date', CASE WHEN nullif(btrim(bulk_row->>'INSPECTION_DATE'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'INSPECTION_DATE') AND epc_value_date(bulk_row->>'INSPECTION_DATE') IS NULL THEN bulk_row->>'INSPECTION_DATE' END,
      'lighting_cost_current', CASE WHEN nullif(btrim(bulk_row->>'LIGHTING_COST_CURRENT'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'LIGHTING_COST_CURRENT') AND epc_value_real(bulk_row->>'LIGHTING_COST_CURRENT') IS NULL THEN bulk_row->>'LIGHTING_COST_CURRENT' END,
      'lighting_cost_potential', CASE WHEN nullif(btrim(bulk_row->>'LIGHTING_COST_POTENTIAL'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'LIGHTING_COST_POTENTIAL') AND epc_value_real(bulk_row->>'LIGHTING_COST_POTENTIAL') IS NULL THEN bulk_row->>'LIGHTING_COST_POTENTIAL' END,
      'lodgement_date', CASE WHEN nullif(btrim(bulk_row->>'LODGEMENT_DATE'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'LODGEMENT_DATE') AND epc_value_date(bulk_row->>'LODGEMENT_DATE') IS NULL THEN bulk_row->>'LODGEMENT_DATE' END,
      'lodgement_datetime', CASE WHEN nullif(btrim(bulk_row->>'LODGEMENT_DATETIME'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'LODGEMENT_DATETIME') AND epc_value_timestamptz(bulk_row->>'LODGEMENT_DATETIME') IS NULL THEN bulk_row->>'LODGEMENT_DATETIME' END,
      'low_energy_lighting', CASE WHEN nullif(btrim(bulk_row->>'LOW_ENERGY_LIGHTING'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'LOW_ENERGY_LIGHTING') AND epc_value_integer(bulk_row->>'LOW_ENERGY_LIGHTING') IS NULL THEN bulk_row->>'LOW_ENERGY_LIGHTING' END,
      'low_energy_fixed_lighting_outlets_count', CASE WHEN nullif(btrim(bulk_row->>'LOW_ENERGY_FIXED_LIGHTING_OUTLETS_COUNT'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'LOW_ENERGY_FIXED_LIGHTING_OUTLETS_COUNT') AND epc_value_integer(bulk_row->>'LOW_ENERGY_FIXED_LIGHTING_OUTLETS_COUNT') IS NULL THEN bulk_row->>'LOW_ENERGY_FIXED_LIGHTING_OUTLETS_COUNT' END,
      'multi_glaze_proportion', CASE WHEN nullif(btrim(bulk_row->>'MULTI_GLAZE_PROPORTION'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'MULTI_GLAZE_PROPORTION') AND epc_value_real(bulk_row->>'MULTI_GLAZE_PROPORTION') IS NULL THEN bulk_row->>'MULTI_GLAZE_PROPORTION' END,
      'number_habitable_rooms', CASE WHEN nullif(btrim(bulk_row->>'NUMBER_HABITABLE_ROOMS'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'NUMBER_HABITABLE_ROOMS') AND epc_value_integer(bulk_row->>'NUMBER_HABITABLE_ROOMS') IS NULL THEN bulk_row->>'NUMBER_HABITABLE_ROOMS' END,
      'number_heated_rooms', CASE WHEN nullif(btrim(bulk_row->>'NUMBER_HEATED_ROOMS'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'NUMBER_HEATED_ROOMS') AND epc_value_integer(bulk_row->>'NUMBER_HEATED_ROOMS') IS NULL THEN bulk_row->>'NUMBER_HEATED_ROOMS' END,
      'number_open_fireplaces', CASE WHEN nullif(btrim(bulk_row->>'NUMBER_OPEN_FIREPLACES'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'NUMBER_OPEN_FIREPLACES') AND epc_value_integer(bulk_row->>'NUMBER_OPEN_FIREPLACES') IS NULL THEN bulk_row->>'NUMBER_OPEN_FIREPLACES' END,
      'photo_supply', CASE WHEN nullif(btrim(bulk_row->>'PHOTO_SUPPLY'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'PHOTO_SUPPLY') AND epc_value_real(bulk_row->>'PHOTO_SUPPLY') IS NULL THEN bulk_row->>'PHOTO_SUPPLY' END,
      'potential_energy_efficiency', CASE WHEN nullif(btrim(bulk_row->>'POTENTIAL_ENERGY_EFFICIENCY'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'POTENTIAL_ENERGY_EFFICIENCY') AND epc_value_integer(bulk_row->>'POTENTIAL_ENERGY_EFFICIENCY') IS NULL THEN bulk_row->>'POTENTIAL_ENERGY_EFFICIENCY' END,
      'potential_energy_rating', CASE WHEN nullif(btrim(bulk_row->>'POTENTIAL_ENERGY_RATING'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'POTENTIAL_ENERGY_RATING') AND epc_value_band(bulk_row->>'POTENTIAL_ENERGY_RATING') IS NULL THEN bulk_row->>'POTENTIAL_ENERGY_RATING' END,
      'total_floor_area', CASE WHEN nullif(btrim(bulk_row->>'TOTAL_FLOOR_AREA'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'TOTAL_FLOOR_AREA') AND epc_value_real(bulk_row->>'TOTAL_FLOOR_AREA') IS NULL THEN bulk_row->>'TOTAL_FLOOR_AREA' END,
      'unheated_corridor_length', CASE WHEN nullif(btrim(bulk_row->>'UNHEATED_CORRIDOR_LENGTH'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'UNHEATED_CORRIDOR_LENGTH') AND epc_value_real(bulk_row->>'UNHEATED_CORRIDOR_LENGTH') IS NULL THEN bulk_row->>'UNHEATED_CORRIDOR_LENGTH' END,
      'wind_turbine_count', CASE WHEN nullif(btrim(bulk_row->>'WIND_TURBINE_COUNT'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'WIND_TURBINE_COUNT') AND epc_value_integer(bulk_row->>'WIND_TURBINE_COUNT') IS NULL THEN bulk_row->>'WIND_TURBINE_COUNT' END,
      'uprn', CASE WHEN nullif(btrim(bulk_row->>'UPRN'), '') IS NOT NULL AND NOT epc_value_is_sentinel(bulk_row->>'UPRN') AND epc_value_uprn(bulk_row->>'UPRN') IS NULL THEN bulk_row->>'UPRN' END
    )) || coalesce((
      SELECT jsonb_object_agg(lower(e.key), e.value) FROM jsonb_each_text(bulk_row) AS e
      WHERE upper(regexp_replace(e.key, '__[0-9]+$', '')) NOT IN ('CERTIFICATE_NUMBER', 'ADDRESS1', 'ADDRESS2', 'ADDRESS3', 'POSTCODE', 'POSTTOWN', 'ADDRESS', 'CONSTITUENCY', 'CONSTITUENCY_LABEL', 'LOCAL_AUTHORITY', 'LOCAL_AUTHORITY_LABEL', 'BUILT_FORM', 'CO2_EMISS_CURR_PER_FLOOR_AREA', 'CO2_EMISSIONS_CURRENT', 'CO2_EMISSIONS_POTENTIAL', 'CONSTRUCTION_AGE_BAND', 'CURRENT_ENERGY_EFFICIENCY', 'CURRENT_ENERGY_RATING', 'ENERGY_CONSUMPTION_CURRENT', 'ENERGY_CONSUMPTION_POTENTIAL', 'ENERGY_TARIFF', 'ENVIRONMENT_IMPACT_CURRENT', 'ENVIRONMENT_IMPACT_POTENTIAL', 'EXTENSION_COUNT', 'FIXED_LIGHTING_OUTLETS_COUNT', 'FLAT_STOREY_COUNT', 'FLAT_TOP_STOREY', 'FLOOR_DESCRIPTION', 'FLOOR_ENERGY_EFF', 'FLOOR_HEIGHT', 'FLOOR_LEVEL', 'GLAZED_AREA', 'GLAZED_TYPE', 'HEAT_LOSS_CORRIDOR', 'HEATING_COST_CURRENT', 'HEATING_COST_POTENTIAL', 'HOT_WATER_COST_CURRENT', 'HOT_WATER_COST_POTENTIAL', 'HOT_WATER_ENERGY_EFF', 'HOT_WATER_ENV_EFF', 'HOTWATER_DESCRIPTION', 'INSPECTION_DATE', 'LIGHTING_COST_CURRENT', 'LIGHTING_COST_POTENTIAL', 'LIGHTING_DESCRIPTION', 'LIGHTING_ENERGY_EFF', 'LIGHTING_ENV_EFF', 'LODGEMENT_DATE', 'LODGEMENT_DATETIME', 'LOW_ENERGY_LIGHTING', 'LOW_ENERGY_FIXED_LIGHTING_OUTLETS_COUNT', 'MAIN_FUEL', 'MAINHEAT_DESCRIPTION', 'MAINHEAT_ENERGY_EFF', 'MAINHEAT_ENV_EFF', 'MAINHEATC_ENERGY_EFF', 'MAINHEATC_ENV_EFF', 'MAINHEATCONT_DESCRIPTION', 'MAIN_HEATING_CONTROLS', 'MAINS_GAS_FLAG', 'MECHANICAL_VENTILATION', 'MULTI_GLAZE_PROPORTION', 'NUMBER_HABITABLE_ROOMS', 'NUMBER_HEATED_ROOMS', 'NUMBER_OPEN_FIREPLACES', 'PHOTO_SUPPLY', 'POTENTIAL_ENERGY_EFFICIENCY', 'POTENTIAL_ENERGY_RATING', 'PROPERTY_TYPE', 'REPORT_TYPE', 'ROOF_DESCRIPTION', 'ROOF_ENERGY_EFF', 'ROOF_ENV_EFF', 'SECONDHEAT_DESCRIPTION', 'SHEATING_ENERGY_EFF', 'SHEATING_ENV_EFF', 'SOLAR_WATER_HEATING_FLAG', 'TENURE', 'TOTAL_FLOOR_AREA', 'TRANSACTION_TYPE', 'UNHEATED_CORRIDOR_LENGTH', 'WALLS_DESCRIPTION', 'WALLS_ENERGY_EFF', 'WALLS_ENV_EFF', 'WIND_TURBINE_COUNT', 'WINDOWS_DESCRIPTION', 'WINDOWS_ENERGY_EFF', 'WINDOWS_ENV_EFF', 'FLOOR_ENV_EFF', 'REGION', 'COUNTRY', 'UPRN', 'UPRN_SOURCE')
         OR (e.key ~ '__[0-9]+$' AND e.value IS DISTINCT FROM bulk_row->>regexp_replace(e.key, '__[0-9]+$', ''))
    ), '{}'::jsonb),
    '{}'::jsonb)
WHERE "bulk_row" IS NOT NULL;
--> statement-breakpoint
-- Documents fetched before this release fill the same columns where they carry the value.
UPDATE "certificates" SET
  "co2_emiss_curr_per_floor_area" = coalesce(epc_value_real(document #>> '{co2_emissions_current_per_floor_area}'), "co2_emiss_curr_per_floor_area"),
  "co2_emissions_current" = coalesce(epc_value_real(document #>> '{co2_emissions_current}'), "co2_emissions_current"),
  "co2_emissions_potential" = coalesce(epc_value_real(document #>> '{co2_emissions_potential}'), "co2_emissions_potential"),
  "current_energy_efficiency" = coalesce(epc_value_integer(document #>> '{energy_rating_current}'), "current_energy_efficiency"),
  "energy_consumption_current" = coalesce(epc_value_real(document #>> '{energy_consumption_current}'), "energy_consumption_current"),
  "energy_consumption_potential" = coalesce(epc_value_real(document #>> '{energy_consumption_potential}'), "energy_consumption_potential"),
  "environment_impact_current" = coalesce(epc_value_integer(document #>> '{environmental_impact_current}'), "environment_impact_current"),
  "environment_impact_potential" = coalesce(epc_value_integer(document #>> '{environmental_impact_potential}'), "environment_impact_potential"),
  "extension_count" = coalesce(epc_value_integer(document #>> '{extensions_count}'), "extension_count"),
  "fixed_lighting_outlets_count" = coalesce(epc_value_integer(document #>> '{fixed_lighting_outlets_count}'), "fixed_lighting_outlets_count"),
  "flat_top_storey" = coalesce(nullif(document #>> '{sap_flat_details,top_storey}', ''), "flat_top_storey"),
  "floor_description" = coalesce(nullif(coalesce(document #>> '{floors,0,description,value}', document #>> '{floors,0,description}'), ''), "floor_description"),
  "floor_level" = coalesce(nullif(document #>> '{sap_flat_details,level}', ''), "floor_level"),
  "heating_cost_current" = coalesce(epc_value_real(coalesce(document #>> '{heating_cost_current,value}', document #>> '{heating_cost_current}')), "heating_cost_current"),
  "heating_cost_potential" = coalesce(epc_value_real(coalesce(document #>> '{heating_cost_potential,value}', document #>> '{heating_cost_potential}')), "heating_cost_potential"),
  "hot_water_cost_current" = coalesce(epc_value_real(coalesce(document #>> '{hot_water_cost_current,value}', document #>> '{hot_water_cost_current}')), "hot_water_cost_current"),
  "hot_water_cost_potential" = coalesce(epc_value_real(coalesce(document #>> '{hot_water_cost_potential,value}', document #>> '{hot_water_cost_potential}')), "hot_water_cost_potential"),
  "hotwater_description" = coalesce(nullif(coalesce(document #>> '{hot_water,description,value}', document #>> '{hot_water,description}'), ''), "hotwater_description"),
  "inspection_date" = coalesce(epc_value_date(document #>> '{inspection_date}'), "inspection_date"),
  "lighting_cost_current" = coalesce(epc_value_real(coalesce(document #>> '{lighting_cost_current,value}', document #>> '{lighting_cost_current}')), "lighting_cost_current"),
  "lighting_cost_potential" = coalesce(epc_value_real(coalesce(document #>> '{lighting_cost_potential,value}', document #>> '{lighting_cost_potential}')), "lighting_cost_potential"),
  "lighting_description" = coalesce(nullif(coalesce(document #>> '{lighting,description,value}', document #>> '{lighting,description}'), ''), "lighting_description"),
  "lodgement_datetime" = coalesce(epc_value_timestamptz(document #>> '{created_at}'), "lodgement_datetime"),
  "low_energy_lighting" = coalesce(epc_value_integer(document #>> '{low_energy_lighting}'), "low_energy_lighting"),
  "low_energy_fixed_lighting_outlets_count" = coalesce(epc_value_integer(document #>> '{low_energy_fixed_lighting_outlets_count}'), "low_energy_fixed_lighting_outlets_count"),
  "mainheat_description" = coalesce((SELECT nullif(string_agg(coalesce(e #>> '{description,value}', e #>> '{description}'), ', ' ORDER BY n), '') FROM jsonb_array_elements(CASE WHEN jsonb_typeof(document #> '{main_heating}') = 'array' THEN document #> '{main_heating}' END) WITH ORDINALITY AS l(e, n) WHERE nullif(coalesce(e #>> '{description,value}', e #>> '{description}'), '') IS NOT NULL), "mainheat_description"),
  "mainheatcont_description" = coalesce(nullif(coalesce(document #>> '{main_heating_controls,0,description,value}', document #>> '{main_heating_controls,0,description}'), ''), "mainheatcont_description"),
  "main_heating_controls" = coalesce(nullif(coalesce(document #>> '{main_heating_controls,0,description,value}', document #>> '{main_heating_controls,0,description}'), ''), "main_heating_controls"),
  "mains_gas_flag" = coalesce(nullif(document #>> '{sap_energy_source,mains_gas}', ''), "mains_gas_flag"),
  "multi_glaze_proportion" = coalesce(epc_value_real(coalesce(document #>> '{multiple_glazed_percentage}', document #>> '{multiple_glazed_proportion}')), "multi_glaze_proportion"),
  "number_habitable_rooms" = coalesce(epc_value_integer(document #>> '{habitable_room_count}'), "number_habitable_rooms"),
  "number_heated_rooms" = coalesce(epc_value_integer(document #>> '{heated_room_count}'), "number_heated_rooms"),
  "number_open_fireplaces" = coalesce(epc_value_integer(coalesce(document #>> '{open_fireplaces_count}', document #>> '{open_chimneys_count}')), "number_open_fireplaces"),
  "potential_energy_efficiency" = coalesce(epc_value_integer(document #>> '{energy_rating_potential}'), "potential_energy_efficiency"),
  "report_type" = coalesce(nullif(document #>> '{report_type}', ''), "report_type"),
  "roof_description" = coalesce(nullif(coalesce(document #>> '{roofs,0,description,value}', document #>> '{roofs,0,description}'), ''), "roof_description"),
  "secondheat_description" = coalesce(nullif(coalesce(document #>> '{secondary_heating,description,value}', document #>> '{secondary_heating,description}'), ''), "secondheat_description"),
  "solar_water_heating_flag" = coalesce(nullif(document #>> '{solar_water_heating}', ''), "solar_water_heating_flag"),
  "total_floor_area" = coalesce(epc_value_real(document #>> '{total_floor_area}'), "total_floor_area"),
  "unheated_corridor_length" = coalesce(epc_value_real(coalesce(document #>> '{sap_flat_details,unheated_corridor_length,value}', document #>> '{sap_flat_details,unheated_corridor_length}')), "unheated_corridor_length"),
  "walls_description" = coalesce(nullif(coalesce(document #>> '{walls,0,description,value}', document #>> '{walls,0,description}'), ''), "walls_description"),
  "wind_turbine_count" = coalesce(epc_value_integer(document #>> '{sap_energy_source,wind_turbines_count}'), "wind_turbine_count"),
  "windows_description" = coalesce(nullif(coalesce(document #>> '{window,description,value}', document #>> '{window,description}', document #>> '{windows,0,description,value}', document #>> '{windows,0,description}', document #>> '{windows,description,value}', document #>> '{windows,description}'), ''), "windows_description"),
  "uprn_source" = coalesce(nullif(document #>> '{uprn_source}', ''), "uprn_source")
WHERE "document_status" = 'fetched' AND jsonb_typeof("document") = 'object';
--> statement-breakpoint
-- The fields users ask for, for every certificate whether the bulk file or the API brought it: the
-- typed columns, filled by the file and by fetched documents alike. Coded fields of certificates
-- only the API has sent (property type, built form, transaction type, tenure, fuel) show the
-- document's code until the codes are decoded; the file carries their labels.
DROP VIEW IF EXISTS "certificate_details";
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
       coalesce(c."property_type", c."document"->>'property_type') AS "property_type",
       coalesce(c."built_form", c."document"->>'built_form') AS "built_form",
       c."construction_age_band",
       coalesce(c."main_fuel", c."document"#>>'{sap_heating,main_heating_details,0,main_fuel_type}') AS "main_fuel",
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
       coalesce(c."tenure", c."document"->>'tenure') AS "tenure",
       coalesce(c."transaction_type", c."document"->>'transaction_type') AS "transaction_type",
       c."schema_type",
       c."source",
       c."document_status",
       c."document_fetched_at",
       c."removed_at"
FROM "certificates" c;
