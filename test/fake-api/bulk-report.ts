/**
 * What the non-domestic (CEPC) and display (DEC) bulk files share, as the warehouse's views write it
 * (epb-data-warehouse, db/migrate/20260714112924_update_commercial_mvw_yesterday_and_recommendations_to_filter_ni_data.rb
 * and 20260714160247_update_dec_mvw_yesterday_to_filter_ni_data.rb): the address and ONS columns
 * every file starts with, the rating scale of `energy_band_calculator` for both, and the
 * recommendations file, whose rows are the items of the certificate's recommendation report.
 */
import { hash, prng } from './prng.js';
import { int, pick, places, type BulkValues, type Weighted } from './bulk-record.js';
import type { SearchRow } from './store.js';

/** `column_ordering["non_domestic_rr"]` and `["display_rr"]` of export_by_year.py (the same list). */
export const REPORT_RECOMMENDATION_COLUMNS = ['certificate_number', 'related_certificate_number', 'payback_type', 'recommendation_item', 'recommendation_code', 'recommendation'] as const;

/**
 * `energy_band_calculator(rating, 'cepc' | 'DEC')`, the branch for every assessment type not ending in
 * "sap": A+ below 0, then A to F in steps of 25, G above 150, and G for no rating at all (a NULL
 * falls through every comparison to the ELSE).
 */
export function reportBand(rating: number | null): string {
  if (rating === null) return 'G';
  if (rating <= -1) return 'A+';
  const band = ['A', 'B', 'C', 'D', 'E', 'F'][Math.floor(Math.max(rating - 1, 0) / 25)];
  return rating === 0 ? 'A' : band ?? 'G';
}

/** A rating of the band the search row carries (its scale: A+ below 0 … G above 150); none for no band. */
export function ratingFor(random: () => number, band: string | null): number | null {
  switch (band) {
    case null: return null;
    case 'A+': return -int(random, 1, 40);
    case 'A': return int(random, 0, 25);
    case 'G': return int(random, 151, random() < 0.9 ? 250 : 600);
    default: {
      const step = 'BCDEF'.indexOf(band);
      return step < 0 ? null : int(random, 26 + 25 * step, 50 + 25 * step);
    }
  }
}

/**
 * `certificate_number … local_authority_label` as both views write them. The view's `address` is
 * `CONCAT_WS(', ', …)` of the search's three lines: NULLs skipped, '' when all are NULL.
 */
export function reportHead(row: SearchRow): BulkValues {
  const where = places(row);
  return {
    certificate_number: row.certificateNumber, address1: row.addressLine1, address2: row.addressLine2, address3: row.addressLine3,
    posttown: row.postTown, postcode: row.postcode,
    address: [row.addressLine1, row.addressLine2, row.addressLine3].filter((line) => line !== null).join(', '),
    constituency: where.constituency, constituency_label: row.constituency, local_authority: where.la, local_authority_label: row.council,
  };
}

/** `uprn, uprn_source`: plain digits, and who matched it. */
export function reportTail(row: SearchRow, random: () => number): BulkValues {
  return { uprn: row.uprn === null ? null : String(row.uprn), uprn_source: row.uprn === null ? '' : random() < 0.7 ? 'Energy Assessor' : 'Address Matched' };
}

// [code, text]: the advisory report's usual recommendations (codes as lodged, the odd typo included),
// and now and then an assessor's own words, with no code.
const MEASURES: ReadonlyArray<readonly [string | null, string]> = [
  ['EPC-L5', 'Consider replacing T8 lamps with retrofit T5 conversion kit.'],
  ['ECP-L5', 'Consider replacing T8 lamps with retrofit T5 conversion kit.'],
  ['EPC-L7', 'Introduce HF (high frequency) ballasts for fluorescent tubes: Reduced number of fittings required.'],
  ['EPC-L2', 'Add local time control to lighting, e.g. presence detection, daylight dimming.'],
  ['EPC-H7', 'Add optimum start/stop to the heating system.'],
  ['EPC-H2', 'Add time control to heating system.'],
  ['EPC-H8', 'Add weather compensation controls to heating system.'],
  ['EPC-E5', 'Some walls have uninsulated cavities - introduce cavity wall insulation.'],
  ['EPC-E2', 'Roof is poorly insulated. Install or improve insulation of roof.'],
  ['EPC-W1', 'Consider replacing the hot water heater with a more efficient one, e.g. a heat pump.'],
  ['EPC-V1', 'In some spaces, the solar gain limit defined in the NCM is exceeded, which might cause overheating. Consider solar control measures such as the application of reflective coating or shading devices to windows.'],
  ['EPC-R4', 'Consider installing PV.'],
  ['EPC-R5', 'Consider installing an air source heat pump.'],
  ['EPC-R1', 'Consider installing building mounted wind turbine(s).'],
  ['EPC-C1', 'Ductwork leakage is high. Inspect and seal ductwork.'],
  [null, 'Replace the "old" gas boiler in the plant room, and lag the primary pipework.'],
];
const PAYBACKS = ['SHORT', 'MEDIUM', 'LONG', 'OTHER'] as const;
const PER_LIST: Weighted<number> = [[0, 3], [1, 4], [2, 3], [3, 1]];

/**
 * The recommendations file's rows for a certificate with a recommendation report, as the export
 * writes them: the warehouse's report view numbers the items 1.. across the short, medium, long and
 * other payback lists in that order (`row_number() … ORDER BY pubseq`), and the export drops the
 * report's own number and joins the items to the certificate on `related_certificate_number`, so
 * both number columns hold the certificate's number. None for a certificate without a report.
 */
export function reportRecommendations(row: SearchRow, hasReport: boolean): BulkValues[] {
  if (!hasReport) return [];
  const r = prng(hash(row.certificateNumber, 0x5252));
  const out: BulkValues[] = [];
  for (const payback of PAYBACKS) {
    for (let n = pick(r, PER_LIST); n > 0; n -= 1) {
      const [code, text] = MEASURES[Math.floor(r() * MEASURES.length)]!;
      out.push({
        certificate_number: row.certificateNumber, related_certificate_number: row.certificateNumber, payback_type: payback,
        recommendation_item: String(out.length + 1), recommendation_code: code, recommendation: text,
      });
    }
  }
  return out;
}
