/**
 * /api/certificate for the non-domestic (CEPC) and display (DEC) registers: the certificate documents
 * and the recommendation reports (CEPC-RR, DEC-RR) they name. Each is the service's own sample
 * document of the schema (test/fixtures/documents/CEPC-*), with the certificate's search row written
 * in: address, postcode, dates, UPRN, and a rating inside the row's band, as the service derives the
 * band from it (`energy_band_calculator`: A+ below 0, A to 25, B to 50 … G above 150).
 *
 * A non-domestic certificate's report is its search row's `relatedRrn` (none: no report, as search
 * never serves such a row). A display certificate's report number is its own with the groups in
 * reverse order (`displayReportNumber`). A display certificate of band G whose number ends in 9 is a
 * "default" DEC: operational rating 9999.
 */
import { readFileSync } from 'node:fs';
import type { FakeStore, SearchRow, StoredCertificate } from './store.js';

const SAMPLES = new URL('../fixtures/documents/', import.meta.url);
const NEWEST = 'CEPC-8.0.0';

type Document = Record<string, unknown>;
type Kind = 'cepc' | 'cepc+rr' | 'cepc-rr' | 'dec' | 'dec+rr' | 'dec-rr';

const templates = new Map<string, Document | null>();
function sample(schema: string, kind: Kind): Document | null {
  const key = `${schema}__${kind}`;
  if (!templates.has(key)) {
    let doc: Document | null = null;
    try {
      doc = JSON.parse(readFileSync(new URL(`${key}.json`, SAMPLES), 'utf8')) as Document;
    } catch {
      doc = null;
    }
    templates.set(key, doc);
  }
  return templates.get(key)!;
}

/** The sample of the row's schema, else the newest schema's: a fresh copy. */
function templateFor(schemaType: string | null, kind: Kind): Document {
  const found = (schemaType ? sample(schemaType, kind) : null) ?? sample(NEWEST, kind);
  if (!found) throw new Error(`fake API: no ${kind} sample document in test/fixtures/documents`);
  return structuredClone(found);
}

const digits = (n: string) => Number(n.replace(/\D/g, '').slice(-6));

/** The lowest and highest rating of each band of the non-domestic and display scale. */
const BAND_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  'A+': [-50, -1], A: [1, 25], B: [26, 50], C: [51, 75], D: [76, 100], E: [101, 125], F: [126, 150], G: [151, 300],
};

/** `energy_band_calculator(rating, 'cepc' | 'dec')`. */
export function bandOfRating(rating: number): string {
  if (rating <= -1) return 'A+';
  for (const band of ['A', 'B', 'C', 'D', 'E', 'F']) if (rating <= BAND_RANGES[band]![1]) return band;
  return 'G';
}

/** A display certificate the fake serves as a "default" DEC (operational rating 9999). */
export function isDefaultDec(row: SearchRow): boolean {
  return row.currentEnergyEfficiencyBand === 'G' && row.certificateNumber.endsWith('9');
}

/**
 * The certificate's asset (non-domestic) or operational (display) rating: inside its band, stable for
 * the certificate. No band: rating 0 (search gives no band for 0).
 */
export function ratingOf(c: StoredCertificate): number {
  const { row } = c;
  if (c.register === 'display' && isDefaultDec(row)) return 9999;
  const range = row.currentEnergyEfficiencyBand ? BAND_RANGES[row.currentEnergyEfficiencyBand] : undefined;
  if (!range) return 0;
  return range[0] + (digits(row.certificateNumber) % (range[1] - range[0] + 1));
}

/** The display certificate's report number: its own number's groups in reverse order. */
export function displayReportNumber(certificateNumber: string): string | null {
  const reversed = certificateNumber.split('-').reverse().join('-');
  return reversed === certificateNumber ? null : reversed;
}

/** The report a certificate of these registers names, if any. */
export function reportNumberOf(c: StoredCertificate): string | null {
  if (c.register === 'non-domestic') return c.row.relatedRrn ?? null;
  if (c.register === 'display') return displayReportNumber(c.row.certificateNumber);
  return null;
}

const reportIndex = new WeakMap<FakeStore, Map<string, string>>();

/** The certificate whose report has this number (the store's index is rebuilt when it does not know it). */
export function certificateOfReport(store: FakeStore, number: string): StoredCertificate | null {
  const display = displayReportNumber(number);
  const dec = display ? store.get(display) : undefined;
  if (dec?.register === 'display') return dec;
  const known = reportIndex.get(store)?.get(number);
  const hit = known ? store.get(known) : undefined;
  if (hit && reportNumberOf(hit) === number) return hit;
  const index = new Map<string, string>();
  for (const day of store.daysDescending()) {
    for (const row of store.visibleOnDay(day, '9999-12-31', 'non-domestic')) if (row.relatedRrn) index.set(row.relatedRrn, row.certificateNumber);
  }
  reportIndex.set(store, index);
  const found = index.get(number);
  return found ? (store.get(found) ?? null) : null;
}

/** What the service writes from the search row into every document of the certificate. */
function fromRow(row: SearchRow): Document {
  const doc: Document = {
    schema_type: row.schemaType ?? NEWEST,
    registration_date: row.registrationDate,
    inspection_date: row.registrationDate,
    created_at: `${row.registrationDate} 10:15:00.000000`,
    uprn: row.uprn,
    uprn_source: row.uprn === null ? '' : 'Energy Assessor',
    status: 'entered',
    postcode: row.postcode,
    post_town: row.postTown,
  };
  const lines = [row.addressLine1, row.addressLine2, row.addressLine3, row.addressLine4];
  lines.forEach((line, i) => {
    if (line !== null) doc[`address_line_${i + 1}`] = line;
  });
  return doc;
}

const withoutAddress = (doc: Document): Document => {
  for (const key of ['address_line_1', 'address_line_2', 'address_line_3', 'address_line_4']) delete doc[key];
  return doc;
};

/** The certificate's document, naming its report (`related_certificate_number`) when it has one. */
export function registerDocument(c: StoredCertificate): Document {
  const report = reportNumberOf(c);
  const kind: Kind = c.register === 'non-domestic' ? (report ? 'cepc+rr' : 'cepc') : report ? 'dec+rr' : 'dec';
  const doc = { ...withoutAddress(templateFor(c.row.schemaType, kind)), ...fromRow(c.row) };
  const rating = ratingOf(c);
  const floorArea = 80 + (digits(c.row.certificateNumber) % 4000);
  doc.technical_information = { ...(doc.technical_information as Document), floor_area: floorArea };
  if (c.register === 'non-domestic') doc.asset_rating = rating;
  else doc.this_assessment = { ...(doc.this_assessment as Document), energy_rating: rating };
  doc.current_energy_efficiency_band = bandOfRating(rating);
  if (report) doc.related_certificate_number = report;
  else delete doc.related_certificate_number;
  return doc;
}

/** The recommendation report of a certificate: its payback lists, pointing back at the certificate. */
export function reportDocument(c: StoredCertificate): Document {
  const kind: Kind = c.register === 'non-domestic' ? 'cepc-rr' : 'dec-rr';
  const doc = { ...withoutAddress(templateFor(c.row.schemaType, kind)), ...fromRow(c.row) };
  doc.related_certificate_number = c.row.certificateNumber;
  return doc;
}
