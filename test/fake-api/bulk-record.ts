/**
 * One certificate of the bulk export as the warehouse's search view gives it (epb-data-warehouse,
 * db/migrate/20250808120149_add_missing_data_points_to_domestic_mvw_and_yesterday_vw.rb): the search
 * row's own values where it has them, the rest synthetic but realistic, and stable for a certificate
 * (drawn from a hash of its number). `null` is a null (Spark writes nothing), '' an empty string.
 */
import { addDays } from './days.js';
import { fmix32, hash, prng } from './prng.js';
import type { SearchRow } from './store.js';

/**
 * The export's column order, copied from `column_ordering["domestic"]` and `["domestic_rr"]` in
 * communitiesuk/epb-aws-infrastructure, service-infrastructure/glue_data_warehouse/etl_scripts/export_by_year.py
 * (commit d34c0d8; the order was fixed in 585af54).
 */
export const BULK_COLUMNS = ['certificate_number', 'address1', 'address2', 'address3', 'postcode', 'posttown', 'address', 'constituency', 'constituency_label', 'local_authority', 'local_authority_label', 'built_form', 'co2_emiss_curr_per_floor_area', 'co2_emissions_current', 'co2_emissions_potential', 'construction_age_band', 'current_energy_efficiency', 'current_energy_rating', 'energy_consumption_current', 'energy_consumption_potential', 'energy_tariff', 'environment_impact_current', 'environment_impact_potential', 'extension_count', 'fixed_lighting_outlets_count', 'flat_storey_count', 'flat_top_storey', 'floor_description', 'floor_energy_eff', 'floor_height', 'floor_level', 'glazed_area', 'glazed_type', 'heat_loss_corridor', 'heating_cost_current', 'heating_cost_potential', 'hot_water_cost_current', 'hot_water_cost_potential', 'hot_water_energy_eff', 'hot_water_env_eff', 'hotwater_description', 'inspection_date', 'lighting_cost_current', 'lighting_cost_potential', 'lighting_description', 'lighting_energy_eff', 'lighting_env_eff', 'lodgement_date', 'lodgement_datetime', 'low_energy_lighting', 'low_energy_fixed_lighting_outlets_count', 'main_fuel', 'mainheat_description', 'mainheat_energy_eff', 'mainheat_env_eff', 'mainheatc_energy_eff', 'mainheatc_env_eff', 'mainheatcont_description', 'main_heating_controls', 'mains_gas_flag', 'mechanical_ventilation', 'multi_glaze_proportion', 'number_habitable_rooms', 'number_heated_rooms', 'number_open_fireplaces', 'photo_supply', 'potential_energy_efficiency', 'potential_energy_rating', 'property_type', 'report_type', 'roof_description', 'roof_energy_eff', 'roof_env_eff', 'secondheat_description', 'sheating_energy_eff', 'sheating_env_eff', 'solar_water_heating_flag', 'tenure', 'total_floor_area', 'transaction_type', 'unheated_corridor_length', 'walls_description', 'walls_energy_eff', 'walls_env_eff', 'wind_turbine_count', 'windows_description', 'windows_energy_eff', 'windows_env_eff', 'floor_env_eff', 'region', 'country', 'uprn', 'uprn_source'] as const;
export const BULK_RECOMMENDATION_COLUMNS = ['certificate_number', 'improvement_item', 'improvement_id', 'improvement_summary_text', 'improvement_descr_text', 'indicative_cost'] as const;

export type BulkValues = Record<string, string | null>;

export type Weighted<T> = ReadonlyArray<readonly [T, number]>;
export function pick<T>(random: () => number, items: Weighted<T>): T {
  let roll = random() * items.reduce((sum, [, w]) => sum + w, 0);
  for (const [item, weight] of items) if ((roll -= weight) < 0) return item;
  return items[items.length - 1]![0];
}
export function int(random: () => number, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}
export function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}
export function num(v: number, digits: number): string {
  return String(Math.round(v * 10 ** digits) / 10 ** digits);
}
/** Costs: "528" on some certificates, "365.98" on others. */
function cost(v: number, decimals: boolean): string {
  return decimals ? v.toFixed(2) : String(Math.round(v));
}
/** kWh/m² a year for a rating, roughly as the register's certificates spread. */
function energyFor(random: () => number, rating: number): number {
  return Math.max(15, Math.round(480 - 4.4 * rating + random() * 40));
}

// The search API's council names (the generator's places) with their ONS codes: [local authority, region].
const WALES = 'W99999999'; // the ONS pseudo-code: Wales has no English region
const PLACE_CODES: Record<string, readonly [string, string]> = {
  Exeter: ['E07000041', 'E12000009'], 'East Devon': ['E07000040', 'E12000009'], Teignbridge: ['E07000045', 'E12000009'],
  Plymouth: ['E06000026', 'E12000009'], 'Bristol, City of': ['E06000023', 'E12000009'], Cornwall: ['E06000052', 'E12000009'],
  Cardiff: ['W06000015', WALES], Swansea: ['W06000011', WALES], Gwynedd: ['W06000002', WALES],
  Leeds: ['E08000035', 'E12000003'], Sheffield: ['E08000019', 'E12000003'], York: ['E06000014', 'E12000003'],
  Manchester: ['E08000003', 'E12000002'], Liverpool: ['E08000012', 'E12000002'], Birmingham: ['E08000025', 'E12000005'],
  'Hammersmith and Fulham': ['E09000013', 'E12000007'], 'Newcastle upon Tyne': ['E08000021', 'E12000001'],
  Norwich: ['E07000148', 'E12000006'], Cambridge: ['E07000008', 'E12000006'], Leicester: ['E06000016', 'E12000004'],
};

/** ONS codes for a search row's council and constituency; names the fake does not know get codes of the real shape from a hash. */
export function places(row: SearchRow): { la: string | null; region: string | null; constituency: string | null; country: string } {
  const known = row.council === null ? undefined : PLACE_CODES[row.council];
  const welsh = known ? known[1] === WALES : /^(CF|SA|LL|NP|LD)\d/.test(row.postcode ?? '');
  let [la, region]: readonly [string | null, string | null] = known ?? [null, null];
  if (!known && row.council !== null) {
    const h = hash(row.council);
    [la, region] = welsh ? [`W06${pad(1 + (h % 22), 6)}`, WALES] : [`E07000${100 + (h % 900)}`, `E1200000${1 + (h % 9)}`];
  }
  const h = row.constituency === null ? 0 : hash(row.constituency);
  // 2024 boundaries: E14001063..E14001605 in England, W07000081..W07000112 in Wales.
  const constituency = row.constituency === null ? null : welsh ? `W07${pad(81 + (h % 32), 6)}` : `E14${pad(1063 + (h % 543), 6)}`;
  return { la, region, constituency, country: welsh ? 'Wales' : 'England' };
}

const BANDS: ReadonlyArray<readonly [string, number, number]> = [['A', 92, 100], ['B', 81, 91], ['C', 69, 80], ['D', 55, 68], ['E', 39, 54], ['F', 21, 38], ['G', 1, 20]];
const bandOf = (rating: number) => BANDS.find(([, lo]) => rating >= lo)?.[0] ?? 'G';

const AGE_BANDS: Weighted<string> = [['before 1900', 8], ['1900-1929', 10], ['1930-1949', 10], ['1950-1966', 12], ['1967-1975', 13], ['1976-1982', 7], ['1983-1990', 8], ['1991-1995', 5], ['1996-2002', 7], ['2003-2006', 6], ['2007-2011', 6], ['2012 onwards', 5], ['NO DATA!', 2]];
// [main heating, main fuel, mains gas, hot water, controls, energy eff, env eff, tariff]
const HEATING: Weighted<readonly [string, string, string, string, string, string, string, string]> = [
  [['Boiler and radiators, mains gas', 'mains gas (not community)', 'Y', 'From main system', 'Programmer, room thermostat and TRVs', 'Good', 'Good', 'Single'], 60],
  [['Electric storage heaters', 'electricity (not community)', 'N', 'Electric immersion, off-peak', 'Manual charge control', 'Poor', 'Very Poor', 'dual'], 10],
  [['Room heaters, electric', 'electricity (not community)', 'N', 'Electric instantaneous at point of use', 'Appliance thermostats', 'Very Poor', 'Poor', 'Single'], 5],
  [['Boiler and radiators, oil', 'oil (not community)', 'N', 'From main system', 'Programmer, room thermostat and TRVs', 'Average', 'Poor', 'Single'], 5],
  [['Air source heat pump, radiators, electric', 'electricity (not community)', 'N', 'From main system', 'Time and temperature zone control', 'Good', 'Very Good', 'Single'], 5],
  [['Community scheme', 'mains gas (community)', 'Y', 'From main system', 'Flat rate charging, programmer and TRVs', 'Good', 'Good', 'Unknown'], 4],
  [['Boiler and underfloor heating, mains gas', 'mains gas (not community)', 'Y', 'From main system, waste water heat recovery', 'Time and temperature zone control', 'Very Good', 'Good', 'Single'], 4],
  [['Boiler and radiators, LPG', 'LPG (not community)', 'N', 'From main system, no cylinder thermostat', 'Programmer and room thermostat', 'Average', 'Average', 'dual'], 2],
  [['Boiler and radiators, mains gas, Electric storage heaters', 'mains gas (not community)', 'Y', 'From main system', 'Programmer, room thermostat and TRVs', 'Good', 'Good', 'dual (24 hour)'], 3],
  [['Boiler and radiators, wood logs', 'wood logs', 'N', 'From main system', 'Programmer and room thermostat', 'Average', 'Very Good', 'NO DATA!'], 2],
];
const WALLS: Weighted<readonly [string, string]> = [[['Cavity wall, as built, insulated (assumed)', 'Good'], 25], [['Cavity wall, filled cavity', 'Good'], 20], [['Cavity wall, as built, no insulation (assumed)', 'Poor'], 12], [['Solid brick, as built, no insulation (assumed)', 'Very Poor'], 15], [['Solid brick, with internal insulation', 'Good'], 3], [['Timber frame, as built, insulated (assumed)', 'Good'], 5], [['System built, as built, no insulation (assumed)', 'Poor'], 4], [['Sandstone or limestone, as built, no insulation (assumed)', 'Very Poor'], 4], [['Granite or whinstone, as built, no insulation (assumed)', 'Very Poor'], 3], [['Cavity wall, as built, partial insulation (assumed)', 'Average'], 4], [['Average thermal transmittance 0.28 W/m²K', 'Very Good'], 5]];
const ROOFS: Weighted<readonly [string, string]> = [[['Pitched, 270 mm loft insulation', 'Good'], 20], [['Pitched, 300+ mm loft insulation', 'Very Good'], 10], [['Pitched, 100 mm loft insulation', 'Average'], 12], [['Pitched, 25 mm loft insulation', 'Poor'], 5], [['Pitched, no insulation (assumed)', 'Very Poor'], 4], [['Pitched, insulated (assumed)', 'Good'], 12], [['Flat, insulated (assumed)', 'Good'], 5], [['Flat, limited insulation (assumed)', 'Poor'], 4], [['Roof room(s), insulated (assumed)', 'Good'], 4], [['Average thermal transmittance 0.11 W/m²K', 'Very Good'], 4]];
const FLOORS: Weighted<readonly [string, string]> = [[['Solid, no insulation (assumed)', 'N/A'], 40], [['Suspended, no insulation (assumed)', 'N/A'], 30], [['Solid, insulated (assumed)', 'N/A'], 12], [['To unheated space, no insulation (assumed)', 'N/A'], 4], [['Average thermal transmittance 0.13 W/m²K', 'Good'], 6], [['Suspended, insulated', 'Very Good'], 2]];
// [description, energy eff, glazed type, multi-glaze proportion]
const WINDOWS: Weighted<readonly [string, string, string, string]> = [[['Fully double glazed', 'Good', 'double glazing installed during or after 2002', '100'], 40], [['Fully double glazed', 'Average', 'double glazing installed before 2002', '100'], 20], [['Partial double glazing', 'Poor', 'double glazing, unknown install date', '60'], 8], [['Single glazed', 'Very Poor', 'single glazing', '0'], 5], [['Full secondary glazing', 'Average', 'secondary glazing', '100'], 3], [['High performance glazing', 'Very Good', 'double glazing installed during or after 2002', '100'], 8], [['Fully triple glazed', 'Very Good', 'triple glazing', '100'], 2], [['Some double glazing', 'Very Poor', 'double glazing, unknown install date', '20'], 3], [['Mostly double glazing', 'Average', 'not defined', '80'], 3]];
const TENURE: Weighted<string> = [['Owner-occupied', 45], ['Rented (private)', 20], ['Rented (social)', 15], ['owner-occupied', 5], ['rental (private)', 4], ['rental (social)', 3], ['unknown', 3], ['NO DATA!', 2], ['Not defined - use in the case of a new dwelling for which the intended tenure in not known. It is no', 3]];
const TRANSACTION: Weighted<string> = [['marketed sale', 30], ['rental (private)', 20], ['rental (social)', 8], ['non marketed sale', 7], ['ECO assessment', 5], ['assessment for green deal', 3], ['FiT application', 3], ['none of the above', 6], ['RHI application', 2], ['Stock condition survey', 2], ['not recorded', 2], ['rental', 2], ['new dwelling', 4]];
const PROPERTY: Weighted<string> = [['Flat', 33], ['House', 45], ['Maisonette', 5], ['Bungalow', 15], ['Park home', 2]];
const FLAT_FORM: Weighted<string> = [['Mid-Terrace', 30], ['End-Terrace', 20], ['Detached', 15], ['Semi-Detached', 15], ['Enclosed Mid-Terrace', 10], ['Enclosed End-Terrace', 8], ['NO DATA!', 2]];
const HOUSE_FORM: Weighted<string> = [['Semi-Detached', 35], ['Mid-Terrace', 25], ['End-Terrace', 15], ['Detached', 23], ['NO DATA!', 2]];

/** The 93 values the export writes for this certificate, in export order. */
export function bulkRecord(row: SearchRow): BulkValues {
  const number = row.certificateNumber;
  const r = prng(hash(number));
  // Two independent draws decide the rare cases, so they do not move with the other values.
  const key = fmix32(hash(number, 0x9e3779b9));
  const sentinelRoll = (key & 0xffff) / 0x10000;
  const formRoll = (key >>> 16) / 0x10000;
  const sap = row.schemaType?.startsWith('SAP') ?? false;
  const type = pick(r, PROPERTY);
  const flat = type === 'Flat' || type === 'Maisonette';
  const level = flat ? int(r, 0, 4) : 0;
  const top = flat && (level === 4 || r() < 0.3);
  const area = flat ? 30 + r() * 60 : type === 'Park home' ? 35 + r() * 20 : 60 + r() * 120;
  const decimals = r() < 0.6;

  // Ratings consistent with the band; a row with no band is an out-of-range rating (INVALID!) or a null.
  const band = row.currentEnergyEfficiencyBand;
  const invalid = band === null && (key & 0x10000) === 0;
  const range = BANDS.find(([b]) => b === band);
  const current = range ? int(r, range[1], range[2]) : invalid ? -int(r, 0, 20) : null;
  const potential = Math.min(100, Math.max(current ?? 0, int(r, 55, 75)) + int(r, 0, 20));
  const consumption = energyFor(r, current ?? 40);
  const potentialConsumption = energyFor(r, potential);
  const co2PerArea = Math.max(2, Math.round(consumption * 0.19));
  const impact = current === null ? null : Math.min(100, Math.max(1, current + int(r, -12, 4)));

  const [heating, fuel, gas, hotWater, controls, heatEff, heatEnv, tariff] = pick(r, HEATING);
  const [walls, wallsEff] = pick(r, WALLS);
  const [roof, roofEff] = flat && !top ? (['(another dwelling above)', 'N/A'] as const) : pick(r, ROOFS);
  const [floor, floorEff] = flat && level > 0 ? ([r() < 0.9 ? '(another dwelling below)' : '(other premises below)', 'N/A'] as const) : pick(r, FLOORS);
  const [windows, windowsEff, glazedType, multiGlaze] = pick(r, WINDOWS);
  const corridor = flat ? pick(r, [['unheated corridor', 3], ['heated corridor', 2], ['no corridor', 4], ['NO DATA!', 1]]) : null;
  const outlets = int(r, 4, 20);
  const lowEnergy = pick(r, [[100, 50], [0, 5], [50, 10], [75, 10], [int(r, 1, 99), 25]]);
  const lighting = row.schemaType?.startsWith('RdSAP-Schema-21')
    ? pick(r, [['Excellent lighting efficiency', 4], ['Good lighting efficiency', 4], ['Below average lighting efficiency', 1]])
    : lowEnergy === 100 ? 'Low energy lighting in all fixed outlets' : lowEnergy === 0 ? 'No low energy lighting' : `Low energy lighting in ${lowEnergy}% of fixed outlets`;
  const lightingEff = lowEnergy >= 90 ? 'Very Good' : lowEnergy >= 60 ? 'Good' : lowEnergy >= 30 ? 'Average' : 'Poor';
  const rooms = flat ? int(r, 1, 4) : int(r, 3, 7);
  const secondary = pick(r, [['None', 60], ['Room heaters, electric', 20], ['Portable electric heaters (assumed)', 7], ['Room heaters, wood logs', 5], ['Room heaters, mains gas', 3], [null, 5]]);
  const time = `${pad(int(r, 7, 20))}:${pad(int(r, 0, 59))}:${pad(int(r, 0, 59))}`;
  const day = row.registrationDate;
  const where = places(row);
  const age = sap ? pick(r, [[day.slice(0, 4), 1], ['England and Wales: 2012 onwards', 1]]) : pick(r, AGE_BANDS);
  const address = [row.addressLine1, row.addressLine2, row.addressLine3].filter((a) => a !== null).join(' ').toLowerCase();

  // In BULK_COLUMNS order (a test holds it to that): the record is this object as it stands.
  const values: BulkValues = {
    certificate_number: number, address1: row.addressLine1, address2: row.addressLine2, address3: row.addressLine3,
    postcode: row.postcode, posttown: row.postTown, address,
    constituency: where.constituency, constituency_label: row.constituency, local_authority: where.la, local_authority_label: row.council,
    built_form: pick(r, flat ? FLAT_FORM : HOUSE_FORM),
    co2_emiss_curr_per_floor_area: String(co2PerArea),
    co2_emissions_current: ((co2PerArea * area) / 1000).toFixed(1),
    co2_emissions_potential: ((Math.max(1, Math.round(potentialConsumption * 0.19)) * area) / 1000).toFixed(1),
    construction_age_band: sap || age === 'NO DATA!' ? age : `England and Wales: ${age}`,
    current_energy_efficiency: current === null ? null : String(current),
    current_energy_rating: band ?? (invalid ? 'INVALID!' : null),
    energy_consumption_current: String(consumption), energy_consumption_potential: String(potentialConsumption),
    energy_tariff: r() < 0.08 ? 'Unknown' : tariff,
    environment_impact_current: impact === null ? null : String(impact),
    environment_impact_potential: String(Math.min(100, Math.max(impact ?? 0, potential - int(r, 0, 8)))),
    extension_count: sap ? null : String(pick(r, [[0, 60], [1, 25], [2, 10], [3, 4], [4, 1]])),
    fixed_lighting_outlets_count: String(outlets),
    flat_storey_count: r() < 0.05 ? null : String(type === 'Maisonette' ? 2 : flat || type !== 'House' ? 1 : int(r, 2, 3)),
    flat_top_storey: top ? 'Y' : 'N',
    floor_description: floor, floor_energy_eff: floorEff,
    floor_height: sap && r() < 0.5 ? null : (2.2 + r() * 0.9).toFixed(2),
    floor_level: flat ? pick(r, [[level === 0 ? 'Ground' : `${level}${['st', 'nd', 'rd', 'th'][Math.min(level, 4) - 1]}`, 5], [top ? 'top floor' : level === 0 ? '00' : 'mid floor', 3], [String(top ? 3 : level === 0 ? 1 : 2), 2]]) : null,
    glazed_area: sap ? null : pick(r, [['Normal', 85], ['More Than Typical', 5], ['Less Than Typical', 4], ['Much More Than Typical', 1], ['NO DATA!', 2]]),
    glazed_type: glazedType, heat_loss_corridor: corridor,
    heating_cost_current: cost(area * (4 + r() * 6), decimals), heating_cost_potential: cost(area * (2.5 + r() * 3), decimals),
    hot_water_cost_current: cost(60 + r() * 240, decimals), hot_water_cost_potential: cost(50 + r() * 120, decimals),
    hot_water_energy_eff: heatEff, hot_water_env_eff: heatEnv, hotwater_description: hotWater,
    inspection_date: addDays(day, -int(r, 0, 30)),
    lighting_cost_current: cost(40 + r() * 80, decimals), lighting_cost_potential: cost(35 + r() * 40, decimals),
    lighting_description: lighting, lighting_energy_eff: lightingEff, lighting_env_eff: lightingEff,
    lodgement_date: day,
    lodgement_datetime: formRoll < 0.45 ? `${day} ${time}.${pad(int(r, 0, 999_999), 6)}` : formRoll < 0.7 ? `${day}T${time}.000Z` : formRoll < 0.92 ? `${day} ${time}` : null,
    low_energy_lighting: String(lowEnergy), low_energy_fixed_lighting_outlets_count: String(Math.round((outlets * lowEnergy) / 100)),
    main_fuel: fuel, mainheat_description: heating, mainheat_energy_eff: heatEff, mainheat_env_eff: heatEnv,
    mainheatc_energy_eff: heatEff === 'Very Poor' ? 'Poor' : 'Good', mainheatc_env_eff: heatEff === 'Very Poor' ? 'Poor' : 'Good',
    // The view fills both columns from the controls' description.
    mainheatcont_description: controls, main_heating_controls: controls,
    mains_gas_flag: r() < 0.05 ? null : gas,
    mechanical_ventilation: pick(r, [['natural', 85], ['mechanical, extract only', 8], ['mechanical, supply and extract', 4], [null, 3]]),
    multi_glaze_proportion: multiGlaze,
    number_habitable_rooms: String(rooms), number_heated_rooms: String(rooms - (r() < 0.15 ? 1 : 0)),
    number_open_fireplaces: String(pick(r, [[0, 90], [1, 8], [2, 2]])),
    photo_supply: pick(r, [[null, 55], ['0', 35], [String(int(r, 10, 50)), 10]]),
    potential_energy_efficiency: String(potential), potential_energy_rating: bandOf(potential),
    property_type: type, report_type: sap ? '101' : '100',
    roof_description: roof, roof_energy_eff: roofEff, roof_env_eff: roofEff,
    secondheat_description: secondary, sheating_energy_eff: 'N/A', sheating_env_eff: 'N/A',
    solar_water_heating_flag: pick(r, [['N', 90], ['Y', 2], [null, 8]]),
    tenure: pick(r, TENURE), total_floor_area: num(area, 2),
    transaction_type: sap ? 'new dwelling' : pick(r, TRANSACTION),
    unheated_corridor_length: corridor === 'unheated corridor' ? num(2 + r() * 12, 1) : null,
    walls_description: walls, walls_energy_eff: wallsEff, walls_env_eff: wallsEff,
    wind_turbine_count: pick(r, [['0', 95], ['1', 1], [null, 4]]),
    windows_description: windows, windows_energy_eff: windowsEff, windows_env_eff: windowsEff,
    floor_env_eff: floorEff, region: where.region, country: where.country,
    uprn: row.uprn === null ? null : String(row.uprn),
    uprn_source: row.uprn === null ? '' : r() < 0.55 ? 'Energy Assessor' : 'Address Matched',
  };
  // Values that are not values, as the service's "data limitations" page lists them.
  if (sentinelRoll < 0.03) Object.assign(values, { floor_height: 'NO DATA!', photo_supply: 'N/A', inspection_date: 'INVALID!', glazed_type: 'NO DATA!', mechanical_ventilation: 'Not recorded' });
  else if (sentinelRoll < 0.05) Object.assign(values, { total_floor_area: 'NO DATA!', co2_emissions_current: 'INVALID!', lighting_cost_current: 'N/A', construction_age_band: 'INVALID!', number_heated_rooms: 'Not recorded' });
  return values;
}

// [improvement_id, summary, description, indicative cost]: the register's usual measures, in its order.
const MEASURES: ReadonlyArray<readonly [string, string, string, string]> = [
  ['5', 'Increase loft insulation to 270 mm', 'Loft insulation laid in the loft space or between roof rafters to a depth of at least 270 mm will significantly reduce heat loss through the roof; this will improve levels of comfort, reduce energy use and lower fuel bills.', '£100 - £350'],
  ['62', 'Flat roof or sloping ceiling insulation', 'Insulating a flat roof or sloping ceiling reduces heat loss through the roof, which lowers fuel bills.', '£850 - £1,500'],
  ['6', 'Cavity wall insulation', 'Cavity wall insulation, to fill the gap between the inner and outer layers of external walls with an insulating material, reduces heat loss; this will improve levels of comfort, reduce energy use and lower fuel bills.', '£500 - £1,500'],
  ['7', 'Internal or external wall insulation', 'Solid wall insulation involves adding a layer of insulation to either the inside or the outside surface of the external walls, which reduces heat loss and lowers fuel bills.', '£4,000 - £14,000'],
  ['57', 'Floor insulation (suspended floor)', 'Insulation of a floor will significantly reduce heat loss; this will improve levels of comfort, reduce energy use and lower fuel bills.', '£800 - £1,200'],
  ['58', 'Floor insulation (solid floor)', 'Insulating a solid floor, under a new screed or floating floor, reduces heat loss to the ground.', '£4,000 - £6,000'],
  ['1', 'Insulate hot water cylinder with 80 mm jacket', 'Installing an 80 mm thick cylinder jacket around the hot water cylinder will help to maintain the water at the required temperature; this will reduce the amount of energy used and lower fuel bills.', '£15 - £30'],
  ['10', 'Draught proofing', 'Fitting draught proofing, strips of insulation around windows and doors, will improve the comfort in the home.', '£80 - £120'],
  ['35', 'Low energy lighting for all fixed outlets', 'Replacement of traditional light bulbs with energy saving ones will reduce lighting costs over the lifetime of the bulb.', '£35'],
  ['13', 'Heating controls (room thermostat and TRVs)', 'Thermostatic radiator valves ("TRVs") let the temperature of each room be set separately; a room thermostat switches the heating off when the home is warm enough.', '£350 - £450'],
  ['20', 'Replace boiler with new condensing boiler', 'A condensing boiler is capable of much higher efficiencies than other types of boiler, meaning it will burn less fuel to heat this property.', '£2,200 - £3,000'],
  ['47', 'High heat retention storage heaters', 'Modern storage heaters, with better insulation and controls, keep their heat until it is needed.', '£1,200 - £1,800'],
  ['55', 'Heat recovery system for mixer showers', "A heat recovery system takes heat from the shower's waste water to warm the cold feed.", '£585 - £725'],
  ['19', 'Solar water heating', 'A solar water heating panel, usually fixed to the roof, uses the sun to pre-heat the hot water supply. This will significantly reduce the demand on the heating system to provide hot water and hence save fuel and money.', '£4,000 - £6,000'],
  ['23', 'Replace single glazed windows with low-E double glazed windows', 'Replacing single glazing with double glazing will improve comfort by reducing draughts and cold spots near windows.\nDouble-glazed windows may also reduce noise, improve security and combat problems with condensation.', '£3,300 - £6,500'],
  ['34', 'Solar photovoltaic panels, 2.5 kWp', 'A 2.5 kWp solar photovoltaic (PV) system, fitted to the roof, generates electricity from the sun; a "smart" export tariff pays for what goes to the grid.', '£3,500 - £5,500'],
  ['64', 'Air or ground source heat pump', 'A heat pump moves heat from the air or the ground into the home, using far less electricity than direct heating.', '£5,000 - £8,000'],
  ['29', 'Wind turbine', 'A wind turbine provides electricity from wind energy, used throughout the home or sold to the grid.', '£15,000 - £25,000'],
];
// 0..8 a certificate, 3.92 on average (the register: ~108 million for ~28 million certificates).
const COUNTS: Weighted<number> = [[0, 6], [1, 8], [2, 12], [3, 16], [4, 18], [5, 16], [6, 12], [7, 8], [8, 4]];

/** The recommendations the export writes for this certificate, in item order, each in BULK_RECOMMENDATION_COLUMNS order. */
export function bulkRecommendations(row: SearchRow): BulkValues[] {
  const r = prng(hash(row.certificateNumber, 0x2ec0));
  const count = pick(r, COUNTS);
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(Math.floor(r() * MEASURES.length));
  return [...chosen].sort((a, b) => a - b).map((i, n) => {
    const [id, summary, description, cost] = MEASURES[i]!;
    const d = r();
    return {
      certificate_number: row.certificateNumber, improvement_item: String(n + 1), improvement_id: id, improvement_summary_text: summary,
      improvement_descr_text: d < 0.25 ? null : d < 0.3 ? '' : description, indicative_cost: r() < 0.15 ? null : cost,
    };
  });
}
