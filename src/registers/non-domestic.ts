/**
 * The non-domestic register's (CEPC) bulk file, column by column, in the export job's order:
 * communitiesuk/epb-aws-infrastructure, `service-infrastructure/glue_data_warehouse/etl_scripts/export_by_year.py`
 * (`column_ordering["non_domestic"]` and `["non_domestic_rr"]`). The values come from the warehouse's
 * `mvw_commercial_search` view (communitiesuk/epb-data-warehouse,
 * `db/migrate/20260714112924_update_commercial_mvw_yesterday_and_recommendations_to_filter_ni_data.rb`):
 * the document paths below are read from it. Columns the domestic file has too (address, ONS codes,
 * dates, UPRN…) share its column of `certificates`.
 */
import type { Field, RecommendationField } from './field.js';
import { COMMON_HEAD, commonTail, doc } from './common.js';

export const NON_DOMESTIC_FIELDS: readonly Field[] = [
  ...COMMON_HEAD,
  doc('asset_rating', 'integer', ['asset_rating']),
  // The search row's band is the asset rating's band (energy_band_calculator(asset_rating, 'cepc')).
  { file: 'asset_rating_band', column: 'current_energy_efficiency_band', type: 'band', shared: true },
  doc('property_type', 'term', ['property_type']),
  doc('inspection_date', 'date', ['inspection_date']),
  { file: 'lodgement_date', column: 'registration_date', type: 'date', shared: true },
  doc('lodgement_datetime', 'timestamptz', ['created_at']),
  // A code in the document (decoded through the codes lookup in the views), a label in the file.
  doc('transaction_type', 'term', undefined, { coded: { attribute: 'transaction_type', path: 'transaction_type' } }),
  doc('new_build_benchmark', 'real', ['new_build_benchmark']),
  doc('existing_stock_benchmark', 'real', ['existing_stock_benchmark']),
  doc('building_level', 'integer', ['technical_information.building_level']),
  doc('main_heating_fuel', 'term', ['technical_information.main_heating_fuel']),
  { file: 'other_fuel_desc', column: 'other_fuel_desc', type: 'text', document: ['technical_information.other_fuel_description'] },
  doc('special_energy_uses', 'text', ['technical_information.special_energy_uses']),
  doc('renewable_sources', 'text', ['technical_information.renewable_sources']),
  doc('floor_area', 'real', ['technical_information.floor_area']),
  doc('standard_emissions', 'real', ['ser']),
  doc('target_emissions', 'real', ['ter']),
  doc('typical_emissions', 'real', ['tyr']),
  doc('building_emissions', 'real', ['ber']),
  doc('aircon_present', 'term', ['ac_questionnaire.ac_present']),
  doc('aircon_kw_rating', 'real', ['ac_questionnaire.ac_rated_output.ac_kw_rating']),
  doc('estimated_aircon_kw_rating', 'term', ['ac_questionnaire.ac_estimated_output']),
  doc('ac_inspection_commissioned', 'term', ['ac_questionnaire.ac_inspection_commissioned']),
  doc('building_environment', 'term', ['technical_information.building_environment']),
  doc('report_type', 'term', ['report_type']),
  doc('primary_energy_value', 'real', ['energy_use.energy_consumption_current']),
  ...commonTail(),
];

/**
 * `recommendations-YYYY.csv` of the non-domestic and display files: the items of the certificates'
 * recommendation reports (the warehouse's `mvw_commercial_rr_search` / `mvw_dec_rr_search`: one row
 * per item of the report's short, medium, long and other payback lists, `recommendation_item`
 * numbered 1.. across them in that order). The export drops the report's own `certificate_number`
 * and joins the items to the certificate on `related_certificate_number` (export_by_year.py, the
 * `else` branch), so both number columns of the file hold the certificate's number: the report's
 * own number is not in the file, and `related_certificate_number`, which only repeats it, is stored
 * NULL (`repeatsCertificate`).
 */
export const REPORT_RECOMMENDATION_FIELDS: readonly RecommendationField[] = [
  { file: 'certificate_number', column: 'certificate_number', type: 'text' },
  { file: 'related_certificate_number', column: 'related_certificate_number', type: 'text', repeatsCertificate: true },
  { file: 'payback_type', column: 'payback_type', type: 'term' },
  { file: 'recommendation_item', column: 'item', type: 'integer' },
  { file: 'recommendation_code', column: 'recommendation_code', type: 'term' },
  // The report's wording, mostly the standard text of its code: a term, like the domestic description.
  { file: 'recommendation', column: 'description', type: 'term' },
];
