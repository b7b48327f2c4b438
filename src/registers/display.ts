/**
 * The display register's (DEC) bulk file, column by column, in the export job's order:
 * communitiesuk/epb-aws-infrastructure, `service-infrastructure/glue_data_warehouse/etl_scripts/export_by_year.py`
 * (`column_ordering["display"]` and `["display_rr"]`). The values come from the warehouse's
 * `mvw_dec_search` view (communitiesuk/epb-data-warehouse,
 * `db/migrate/20260714160247_update_dec_mvw_yesterday_to_filter_ni_data.rb`): the document paths
 * below are read from it. Its recommendations have the non-domestic file's columns.
 */
import type { Field } from './field.js';
import { COMMON_HEAD, commonTail, doc } from './common.js';

/** A "default" DEC (no meter readings) carries an operational rating of 9999: a real certificate, rating unknown. */
const DEFAULT_RATING = { unknown: ['9999'] } as const;

export const DISPLAY_FIELDS: readonly Field[] = [
  ...COMMON_HEAD,
  doc('current_operational_rating', 'integer', ['this_assessment.energy_rating'], DEFAULT_RATING),
  doc('yr1_operational_rating', 'integer', ['year1_assessment.energy_rating'], DEFAULT_RATING),
  doc('yr2_operational_rating', 'integer', ['year2_assessment.energy_rating'], DEFAULT_RATING),
  doc('electric_co2', 'real', ['this_assessment.electricity_co2']),
  doc('heating_co2', 'real', ['this_assessment.heating_co2']),
  doc('renewables_co2', 'real', ['this_assessment.renewables_co2']),
  doc('property_type', 'term', ['property_type']),
  doc('inspection_date', 'date', ['inspection_date']),
  { file: 'lodgement_date', column: 'registration_date', type: 'date', shared: true },
  doc('lodgement_datetime', 'timestamptz', ['created_at']),
  doc('main_benchmark', 'term', ['or_benchmark_data.main_benchmark']),
  doc('main_heating_fuel', 'term', ['technical_information.main_heating_fuel']),
  doc('special_energy_uses', 'text', ['technical_information.special_energy_uses']),
  doc('renewable_sources', 'text', ['technical_information.renewable_sources']),
  // The same column as the domestic floor area (m²); the export rounds it to whole metres.
  doc('total_floor_area', 'real', ['technical_information.floor_area']),
  doc('annual_thermal_fuel_usage', 'real', ['dec_annual_energy_summary.annual_energy_use_fuel_thermal']),
  doc('typical_thermal_fuel_usage', 'real', ['dec_annual_energy_summary.typical_thermal_use']),
  doc('typical_thermal_use', 'real', ['dec_annual_energy_summary.typical_thermal_use']),
  doc('annual_electrical_fuel_usage', 'real', ['dec_annual_energy_summary.annual_energy_use_electrical']),
  doc('typical_electrical_fuel_usage', 'real', ['dec_annual_energy_summary.typical_electrical_use']),
  doc('renewables_fuel_thermal', 'real', ['dec_annual_energy_summary.renewables_fuel_thermal']),
  doc('renewables_electrical', 'real', ['dec_annual_energy_summary.renewables_electrical']),
  doc('yr1_electricity_co2', 'real', ['year1_assessment.electricity_co2']),
  doc('yr2_electricity_co2', 'real', ['year2_assessment.electricity_co2']),
  doc('yr1_heating_co2', 'real', ['year1_assessment.heating_co2']),
  doc('yr2_heating_co2', 'real', ['year2_assessment.heating_co2']),
  doc('yr1_renewables_co2', 'real', ['year1_assessment.renewables_co2']),
  doc('yr2_renewables_co2', 'real', ['year2_assessment.renewables_co2']),
  // 'Y' / 'N' in the file, 'Yes' / 'No' in the document: the file's form is kept (the views map the document's).
  doc('aircon_present', 'term', undefined, { documentWords: { path: 'ac_questionnaire.ac_present', words: { Yes: 'Y', No: 'N' } } }),
  doc('aircon_kw_rating', 'real', ['ac_questionnaire.ac_rated_output.ac_kw_rating']),
  doc('estimated_aircon_kw_rating', 'term', ['ac_questionnaire.ac_estimated_output']),
  doc('ac_inspection_commissioned', 'term', ['ac_questionnaire.ac_inspection_commissioned']),
  doc('building_environment', 'term', ['technical_information.building_environment']),
  doc('building_category', 'term', ['building_category']),
  // The search row's band is the operational rating's band.
  { file: 'operational_rating_band', column: 'current_energy_efficiency_band', type: 'band', shared: true },
  doc('nominated_date', 'date', ['this_assessment.nominated_date']),
  doc('or_assessment_end_date', 'date', ['or_assessment_end_date']),
  doc('occupancy_level', 'term', ['or_benchmark_data.benchmarks.0.occupancy_level']),
  doc('report_type', 'term', ['report_type']),
  // The non-domestic file calls the same value `other_fuel_desc`: one column holds both.
  { file: 'other_fuel', column: 'other_fuel_desc', type: 'text', document: ['technical_information.other_fuel_description'] },
  doc('country', 'term'),
  ...commonTail(),
];
