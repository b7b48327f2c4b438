/**
 * The domestic register's bulk file, column by column, in the order the service's export job writes
 * it: communitiesuk/epb-aws-infrastructure,
 * `service-infrastructure/glue_data_warehouse/etl_scripts/export_by_year.py` (`column_ordering`,
 * fixed since June 2026). The values come from the warehouse's `mvw_domestic_search` view
 * (communitiesuk/epb-data-warehouse, `db/migrate/20250805153656_…`): that is where the document
 * paths below are read from. A new column of the file is one line here (plus a migration).
 */
import type { Field, RecommendationField } from './field.js';

/** A text column the register repeats: stored as a term (`values.ts`). */
const t = (file: string, document?: readonly string[]): Field => ({ file, column: file, type: 'term', ...(document ? { document } : {}) });
const int = (file: string, document?: readonly string[]): Field => ({ file, column: file, type: 'integer', ...(document ? { document } : {}) });
const real = (file: string, document?: readonly string[]): Field => ({ file, column: file, type: 'real', ...(document ? { document } : {}) });
/** The document's descriptions are `{ value, language }` in newer schemas, plain text in older ones. */
const described = (path: string): readonly string[] => [`${path}.description.value`, `${path}.description`];
/** Costs are `{ value, currency }` in newer schemas, a number in older ones. */
const money = (name: string): readonly string[] => [`${name}.value`, name];

export const DOMESTIC_FIELDS: readonly Field[] = [
  { file: 'certificate_number', column: 'certificate_number', type: 'text', shared: true },
  { file: 'address1', column: 'address_line1', type: 'text', shared: true },
  { file: 'address2', column: 'address_line2', type: 'text', shared: true },
  { file: 'address3', column: 'address_line3', type: 'text', shared: true },
  { file: 'postcode', column: 'postcode', type: 'text', shared: true },
  { file: 'posttown', column: 'post_town', type: 'text', shared: true },
  // Free text, different on every certificate: plain text, not a term.
  { file: 'address', column: 'address', type: 'text' },
  // ONS codes (E14…) beside the names the search API calls `constituency` and `council`.
  { file: 'constituency', column: 'constituency_code', type: 'term' },
  { file: 'constituency_label', column: 'constituency', type: 'text', shared: true },
  { file: 'local_authority', column: 'local_authority_code', type: 'term' },
  { file: 'local_authority_label', column: 'council', type: 'text', shared: true },
  t('built_form'),
  real('co2_emiss_curr_per_floor_area', ['co2_emissions_current_per_floor_area']),
  real('co2_emissions_current', ['co2_emissions_current']),
  real('co2_emissions_potential', ['co2_emissions_potential']),
  t('construction_age_band'),
  int('current_energy_efficiency', ['energy_rating_current']),
  // `INVALID!` for an out-of-range rating: the certificate is real, its band unknown (NULL, as in search).
  { file: 'current_energy_rating', column: 'current_energy_efficiency_band', type: 'band', shared: true },
  real('energy_consumption_current', ['energy_consumption_current']),
  real('energy_consumption_potential', ['energy_consumption_potential']),
  t('energy_tariff'),
  int('environment_impact_current', ['environmental_impact_current']),
  int('environment_impact_potential', ['environmental_impact_potential']),
  int('extension_count', ['extensions_count']),
  int('fixed_lighting_outlets_count', ['fixed_lighting_outlets_count']),
  int('flat_storey_count'),
  t('flat_top_storey', ['sap_flat_details.top_storey']),
  t('floor_description', described('floors.0')),
  t('floor_energy_eff'),
  real('floor_height'),
  t('floor_level', ['sap_flat_details.level']),
  t('glazed_area'),
  t('glazed_type'),
  t('heat_loss_corridor'),
  real('heating_cost_current', money('heating_cost_current')),
  real('heating_cost_potential', money('heating_cost_potential')),
  real('hot_water_cost_current', money('hot_water_cost_current')),
  real('hot_water_cost_potential', money('hot_water_cost_potential')),
  t('hot_water_energy_eff'),
  t('hot_water_env_eff'),
  t('hotwater_description', described('hot_water')),
  { file: 'inspection_date', column: 'inspection_date', type: 'date', document: ['inspection_date'] },
  real('lighting_cost_current', money('lighting_cost_current')),
  real('lighting_cost_potential', money('lighting_cost_potential')),
  t('lighting_description', described('lighting')),
  t('lighting_energy_eff'),
  t('lighting_env_eff'),
  { file: 'lodgement_date', column: 'registration_date', type: 'date', shared: true },
  // The register's `created_at`: its form is not promised, so it is read leniently (never a reject).
  { file: 'lodgement_datetime', column: 'lodgement_datetime', type: 'timestamptz', document: ['created_at'] },
  int('low_energy_lighting', ['low_energy_lighting']),
  int('low_energy_fixed_lighting_outlets_count', ['low_energy_fixed_lighting_outlets_count']),
  t('main_fuel'),
  {
    file: 'mainheat_description', column: 'mainheat_description', type: 'term',
    documentList: { path: 'main_heating', item: ['description.value', 'description'] },
  },
  t('mainheat_energy_eff'),
  t('mainheat_env_eff'),
  t('mainheatc_energy_eff'),
  t('mainheatc_env_eff'),
  t('mainheatcont_description', described('main_heating_controls.0')),
  t('main_heating_controls', described('main_heating_controls.0')),
  t('mains_gas_flag', ['sap_energy_source.mains_gas']),
  t('mechanical_ventilation'),
  real('multi_glaze_proportion', ['multiple_glazed_percentage', 'multiple_glazed_proportion']),
  int('number_habitable_rooms', ['habitable_room_count']),
  int('number_heated_rooms', ['heated_room_count']),
  int('number_open_fireplaces', ['open_fireplaces_count', 'open_chimneys_count']),
  real('photo_supply'),
  int('potential_energy_efficiency', ['energy_rating_potential']),
  { file: 'potential_energy_rating', column: 'potential_energy_rating', type: 'band' },
  t('property_type'),
  t('report_type', ['report_type']),
  t('roof_description', described('roofs.0')),
  t('roof_energy_eff'),
  t('roof_env_eff'),
  t('secondheat_description', described('secondary_heating')),
  t('sheating_energy_eff'),
  t('sheating_env_eff'),
  t('solar_water_heating_flag', ['solar_water_heating']),
  t('tenure'),
  real('total_floor_area', ['total_floor_area']),
  t('transaction_type'),
  real('unheated_corridor_length', ['sap_flat_details.unheated_corridor_length.value', 'sap_flat_details.unheated_corridor_length']),
  t('walls_description', described('walls.0')),
  t('walls_energy_eff'),
  t('walls_env_eff'),
  int('wind_turbine_count', ['sap_energy_source.wind_turbines_count']),
  t('windows_description', ['window.description.value', 'window.description', 'windows.0.description.value', 'windows.0.description', 'windows.description.value', 'windows.description']),
  t('windows_energy_eff'),
  t('windows_env_eff'),
  t('floor_env_eff'),
  // ONS region code and country name.
  t('region'),
  t('country'),
  { file: 'uprn', column: 'uprn', type: 'uprn', shared: true },
  // "Energy Assessor" or "Address Matched" (empty in some years).
  t('uprn_source', ['uprn_source']),
];

/** `recommendations-YYYY.csv`: the improvements a certificate recommends, several per certificate. */
export const DOMESTIC_RECOMMENDATION_FIELDS: readonly RecommendationField[] = [
  { file: 'certificate_number', column: 'certificate_number', type: 'text' },
  { file: 'improvement_item', column: 'item', type: 'integer' },
  // The register's standard improvement texts and cost bands: terms.
  { file: 'improvement_id', column: 'improvement_id', type: 'term' },
  { file: 'improvement_summary_text', column: 'summary', type: 'term' },
  { file: 'improvement_descr_text', column: 'description', type: 'term' },
  { file: 'indicative_cost', column: 'indicative_cost', type: 'term' },
];

/** The columns a file row fills that the search row does not: the certificate's details. */
export const DOMESTIC_DETAIL_FIELDS: readonly Field[] = DOMESTIC_FIELDS.filter((f) => !f.shared);
