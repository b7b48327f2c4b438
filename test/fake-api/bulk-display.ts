/**
 * One certificate of the display (DEC) bulk export as the warehouse's `mvw_dec_search` gives it
 * (epb-data-warehouse, db/migrate/20260714160247_update_dec_mvw_yesterday_to_filter_ni_data.rb): the
 * search row's own values where it has them, the rest synthetic but realistic and stable for a
 * certificate. The forms are the view's: the operational rating 9999 of a "default" DEC (no meter
 * readings; band G), floor area and fuel usages `ROUND(…)::INTEGER`, `aircon_present` mapped to `Y`/`N`,
 * `aircon_kw_rating` '' when unknown, `lodgement_datetime` a timestamp as text (with or without a
 * fraction), the band `energy_band_calculator(rating, 'DEC')`.
 */
import { addDays } from './days.js';
import { fmix32, hash, prng } from './prng.js';
import { int, num, pad, pick, places, type BulkValues, type Weighted } from './bulk-record.js';
import { ratingFor, reportBand, reportHead, reportRecommendations, reportTail } from './bulk-report.js';
import type { SearchRow } from './store.js';

/** `column_ordering["display"]` of export_by_year.py (commit d34c0d8). */
export const DISPLAY_COLUMNS = ['certificate_number', 'address1', 'address2', 'address3', 'posttown', 'postcode', 'address', 'constituency', 'constituency_label', 'local_authority', 'local_authority_label', 'current_operational_rating', 'yr1_operational_rating', 'yr2_operational_rating', 'electric_co2', 'heating_co2', 'renewables_co2', 'property_type', 'inspection_date', 'lodgement_date', 'lodgement_datetime', 'main_benchmark', 'main_heating_fuel', 'special_energy_uses', 'renewable_sources', 'total_floor_area', 'annual_thermal_fuel_usage', 'typical_thermal_fuel_usage', 'typical_thermal_use', 'annual_electrical_fuel_usage', 'typical_electrical_fuel_usage', 'renewables_fuel_thermal', 'renewables_electrical', 'yr1_electricity_co2', 'yr2_electricity_co2', 'yr1_heating_co2', 'yr2_heating_co2', 'yr1_renewables_co2', 'yr2_renewables_co2', 'aircon_present', 'aircon_kw_rating', 'estimated_aircon_kw_rating', 'ac_inspection_commissioned', 'building_environment', 'building_category', 'operational_rating_band', 'nominated_date', 'or_assessment_end_date', 'occupancy_level', 'report_type', 'other_fuel', 'country', 'uprn', 'uprn_source'] as const;

/** A "default" DEC's operational rating: no meter readings, so no rating (the band is G). */
export const DEFAULT_DEC_RATING = '9999';

const BUILDINGS: Weighted<string> = [
  ['Schools And Seasonal Public Buildings', 35], ['General Office', 20], ['Public Buildings With Light Usage', 10], ['Dry Sports And Leisure Facility', 6],
  ['Hospital - Clinical And Research', 4], ['Cultural Activities', 5], ['Swimming Pool Centre', 4], ['University Campus', 3], ['Clinic', 6], ['Fire Station', 3], ['Library', 4],
];
const FUEL: Weighted<string> = [['Natural Gas', 60], ['Grid Supplied Electricity', 20], ['Oil', 6], ['District Heating', 6], ['Biomass', 4], ['LPG', 4]];
const ENVIRONMENT: Weighted<string> = [['Heating and Natural Ventilation', 70], ['Heating and Mechanical Ventilation', 15], ['Air Conditioning', 8], ['Mixed-mode with Natural Ventilation', 7]];

/** The CO2 figures of one year's assessment (tonnes a year, as the document has them). */
function co2(random: () => number, area: number): [string, string, string] {
  return [String(Math.round(area * (0.03 + random() * 0.05))), String(Math.round(area * (0.02 + random() * 0.04))), pick(random, [['0', 8], [String(int(random, 1, 9)), 2]])];
}

/** The 54 values the export writes for this certificate, in export order. */
export function displayRecord(row: SearchRow): BulkValues {
  const r = prng(hash(row.certificateNumber, 0x4445));
  const key = fmix32(hash(row.certificateNumber, 0x9e3779b9));
  const sentinelRoll = (key & 0xffff) / 0x10000;
  // Half the G-rated certificates are default DECs: 9999 (the view's band of 9999 is G too).
  const isDefault = row.currentEnergyEfficiencyBand === 'G' && (key >>> 16) / 0x10000 < 0.5;
  const rating = isDefault ? 9999 : ratingFor(r, row.currentEnergyEfficiencyBand);
  const area = 150 + r() * (r() < 0.85 ? 4000 : 40_000);
  const years = pick(r, [[0, 2], [1, 3], [2, 5]]);
  const previous = (n: number) => (years < n ? null : isDefault && r() < 0.5 ? DEFAULT_DEC_RATING : String(int(r, 30, 180)));
  const [electric, heating, renewables] = co2(r, area);
  const y1 = co2(r, area);
  const y2 = co2(r, area);
  const day = row.registrationDate;
  const nominated = addDays(day, -int(r, 10, 120));
  const time = `${pad(int(r, 7, 20))}:${pad(int(r, 0, 59))}:${pad(int(r, 0, 59))}`;
  const thermal = area * (80 + r() * 150);
  const typicalThermal = area * (100 + r() * 60);
  const aircon = pick(r, [['Y', 20], ['N', 70], [null, 10]]);
  const values: BulkValues = {
    ...reportHead(row),
    current_operational_rating: rating === null ? null : String(rating),
    yr1_operational_rating: previous(1),
    yr2_operational_rating: previous(2),
    electric_co2: electric, heating_co2: heating, renewables_co2: renewables,
    property_type: pick(r, BUILDINGS),
    inspection_date: addDays(day, -int(r, 0, 30)),
    lodgement_date: day,
    // A timestamp column read as text: the fraction only when the register's clock had one.
    lodgement_datetime: r() < 0.6 ? `${day} ${time}` : `${day} ${time}.${String(int(r, 1, 999)).padStart(3, '0')}`,
    main_benchmark: pick(r, [[null, 30], ['Schools and seasonal public buildings', 30], ['General office', 20], ['Public buildings with light usage', 20]]),
    main_heating_fuel: pick(r, FUEL),
    special_energy_uses: pick(r, [[null, 85], ['Catering kitchen, swimming pool', 10], ['', 5]]),
    renewable_sources: pick(r, [[null, 80], ['Photovoltaic panels', 15], ['Ground source heat pump', 5]]),
    total_floor_area: String(Math.round(area)),
    annual_thermal_fuel_usage: String(Math.round(thermal / area)),
    typical_thermal_fuel_usage: String(Math.round(typicalThermal / area)),
    // The view reads the typical thermal use into both columns.
    typical_thermal_use: String(Math.round(typicalThermal / area)),
    annual_electrical_fuel_usage: String(Math.round(40 + r() * 120)),
    typical_electrical_fuel_usage: num(50 + r() * 80, r() < 0.5 ? 0 : 1),
    renewables_fuel_thermal: pick(r, [['0', 8], [num(r() * 30, 1), 2]]),
    renewables_electrical: pick(r, [['0', 8], [num(r() * 20, 1), 2]]),
    yr1_electricity_co2: years >= 1 ? y1[0] : null, yr2_electricity_co2: years >= 2 ? y2[0] : null,
    yr1_heating_co2: years >= 1 ? y1[1] : null, yr2_heating_co2: years >= 2 ? y2[1] : null,
    yr1_renewables_co2: years >= 1 ? y1[2] : null, yr2_renewables_co2: years >= 2 ? y2[2] : null,
    aircon_present: aircon,
    aircon_kw_rating: aircon === 'Y' ? (r() < 0.3 ? '' : num(5 + r() * 150, 1)) : null,
    estimated_aircon_kw_rating: aircon === 'Y' ? pick(r, [['1', 1], ['2', 1], [null, 1]]) : null,
    ac_inspection_commissioned: aircon === 'Y' ? pick(r, [['1', 2], ['4', 3], ['5', 1]]) : null,
    building_environment: pick(r, ENVIRONMENT),
    building_category: pick(r, [['C1', 3], ['C2', 2], ['H1', 1], ['H3', 1], [null, 3]]),
    operational_rating_band: reportBand(rating),
    nominated_date: nominated,
    or_assessment_end_date: addDays(nominated, -int(r, 0, 20)),
    occupancy_level: pick(r, [[null, 70], ['Standard occupancy', 20], ['Extended occupancy', 10]]),
    report_type: '1',
    other_fuel: pick(r, [[null, 95], ['Waste wood', 5]]),
    country: places(row).country,
    ...reportTail(row, r),
  };
  if (sentinelRoll < 0.03) Object.assign(values, { annual_electrical_fuel_usage: 'NO DATA!', renewables_electrical: 'N/A' });
  return values;
}

/** The certificate's advisory report's items: most DECs have a report (4 in 5 here). */
export function displayRecommendations(row: SearchRow): BulkValues[] {
  return reportRecommendations(row, (fmix32(hash(row.certificateNumber, 0x5252)) & 0xff) < 205);
}
