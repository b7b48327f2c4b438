/**
 * One certificate of the non-domestic (CEPC) bulk export as the warehouse's `mvw_commercial_search`
 * gives it (epb-data-warehouse,
 * db/migrate/20260714112924_update_commercial_mvw_yesterday_and_recommendations_to_filter_ni_data.rb):
 * the search row's own values where it has them, the rest synthetic but realistic and stable for a
 * certificate. The forms are the view's: `lodgement_datetime` is `to_char(…, 'YYYY-MM-DD HH24:MI:SS')`,
 * `aircon_present` the document's `Yes`/`No`, `aircon_kw_rating` '' when the rating is unknown, the
 * band `energy_band_calculator(asset_rating, 'cepc')` (A+ below 0, G with no rating).
 */
import { addDays } from './days.js';
import { fmix32, hash, prng } from './prng.js';
import { int, num, pad, pick, type BulkValues, type Weighted } from './bulk-record.js';
import { ratingFor, reportBand, reportHead, reportRecommendations, reportTail } from './bulk-report.js';
import type { SearchRow } from './store.js';

/** `column_ordering["non_domestic"]` of export_by_year.py (commit d34c0d8). */
export const NON_DOMESTIC_COLUMNS = ['certificate_number', 'address1', 'address2', 'address3', 'posttown', 'postcode', 'address', 'constituency', 'constituency_label', 'local_authority', 'local_authority_label', 'asset_rating', 'asset_rating_band', 'property_type', 'inspection_date', 'lodgement_date', 'lodgement_datetime', 'transaction_type', 'new_build_benchmark', 'existing_stock_benchmark', 'building_level', 'main_heating_fuel', 'other_fuel_desc', 'special_energy_uses', 'renewable_sources', 'floor_area', 'standard_emissions', 'target_emissions', 'typical_emissions', 'building_emissions', 'aircon_present', 'aircon_kw_rating', 'estimated_aircon_kw_rating', 'ac_inspection_commissioned', 'building_environment', 'report_type', 'primary_energy_value', 'uprn', 'uprn_source'] as const;

const PROPERTY: Weighted<string> = [
  ['B1 Offices and Workshop businesses', 30], ['A1/A2 Retail and Financial/Professional services', 30],
  ['A3/A4/A5 Restaurant and Cafes/Drinking Establishments and Hot Food takeaways', 10], ['B8 Storage or Distribution', 8],
  ['B2 to B7 General Industrial and Special Industrial Groups', 6], ['D1 Non-residential Institutions - Education', 4], ['C1 Hotels', 3],
  ['D2 General Assembly and Leisure plus Night Clubs and Theatres', 3], ['Retail/Financial and Professional services', 3], ['Offices and Workshop businesses', 3],
];
// The labels `get_lookup_value('transaction_type', …)` gives for CEPC.
const TRANSACTION: Weighted<string> = [
  ['Mandatory issue (Marketed sale).', 30], ['Mandatory issue (Property to let).', 35], ['Mandatory issue (Non-marketed sale).', 8],
  ['Voluntary re-issue (A valid EPC is already lodged).', 4], ['Voluntary (No legal requirement for an EPC).', 10],
  ['Not sale or let.', 5], ['Mandatory issue (Property on construction).', 8],
];
const FUEL: Weighted<string> = [['Natural Gas', 45], ['Grid Supplied Electricity', 40], ['Oil', 5], ['LPG', 3], ['Biomass', 2], ['District Heating', 3], ['Dual Fuel Appliances (Mineral + Wood)', 2]];
const ENVIRONMENT: Weighted<string> = [
  ['Heating and Natural Ventilation', 50], ['Air Conditioning', 20], ['Heating and Mechanical Ventilation', 12],
  ['Mixed-mode with Natural Ventilation', 8], ['Mixed-mode with Mechanical Ventilation', 4], ['Natural Ventilation Only', 6],
];

/** The 39 values the export writes for this certificate, in export order. */
export function nonDomesticRecord(row: SearchRow): BulkValues {
  const r = prng(hash(row.certificateNumber, 0x4e44));
  const sentinelRoll = (fmix32(hash(row.certificateNumber, 0x9e3779b9)) & 0xffff) / 0x10000;
  const rating = ratingFor(r, row.currentEnergyEfficiencyBand);
  const area = 40 + r() * (r() < 0.8 ? 800 : 12_000);
  const ber = 20 + r() * 120;
  const aircon = pick(r, [['Yes', 35], ['No', 55], [null, 10]]);
  const day = row.registrationDate;
  const time = `${pad(int(r, 7, 20))}:${pad(int(r, 0, 59))}:${pad(int(r, 0, 59))}`;
  const values: BulkValues = {
    ...reportHead(row),
    asset_rating: rating === null ? null : String(rating),
    asset_rating_band: reportBand(rating),
    property_type: pick(r, PROPERTY),
    inspection_date: addDays(day, -int(r, 0, 30)),
    lodgement_date: day,
    lodgement_datetime: `${day} ${time}`,
    transaction_type: pick(r, TRANSACTION),
    new_build_benchmark: String(int(r, 15, 60)),
    existing_stock_benchmark: String(int(r, 40, 160)),
    building_level: pick(r, [['3', 55], ['4', 35], ['5', 10]]),
    main_heating_fuel: pick(r, FUEL),
    other_fuel_desc: pick(r, [[null, 90], ['Waste heat from the neighbouring plant', 5], ['', 5]]),
    special_energy_uses: pick(r, [[null, 80], ['Server room, catering', 10], ['Cold storage', 5], ['', 5]]),
    renewable_sources: pick(r, [[null, 85], ['Photovoltaic panels', 10], ['Solar thermal, heat pump', 5]]),
    floor_area: num(area, r() < 0.5 ? 0 : 2),
    standard_emissions: (ber * (0.8 + r() * 0.4)).toFixed(2),
    target_emissions: (ber * (0.6 + r() * 0.4)).toFixed(2),
    typical_emissions: (ber * (1.2 + r() * 0.6)).toFixed(2),
    building_emissions: ber.toFixed(2),
    aircon_present: aircon,
    aircon_kw_rating: aircon === 'Yes' ? (r() < 0.3 ? '' : num(5 + r() * 200, 1)) : null,
    estimated_aircon_kw_rating: aircon === 'Yes' ? pick(r, [['1', 3], ['2', 3], ['3', 2], [null, 2]]) : null,
    ac_inspection_commissioned: aircon === 'Yes' ? pick(r, [['1', 2], ['2', 2], ['3', 1], ['4', 4], ['5', 1]]) : null,
    building_environment: pick(r, ENVIRONMENT),
    report_type: '3',
    primary_energy_value: row.schemaType && /^CEPC-[45]\./.test(row.schemaType) ? null : num(80 + r() * 600, 2),
    ...reportTail(row, r),
  };
  // Values that are not values, at a low rate, in number columns.
  if (sentinelRoll < 0.03) Object.assign(values, { new_build_benchmark: 'NO DATA!', primary_energy_value: 'N/A' });
  return values;
}

/** The certificate's recommendation report's items: only a certificate with a report (`relatedRrn`) has any. */
export function nonDomesticRecommendations(row: SearchRow): BulkValues[] {
  return reportRecommendations(row, (row.relatedRrn ?? null) !== null);
}
