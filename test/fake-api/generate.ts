/**
 * Realistic search rows: real Exeter certificates (test/fixtures/exeter-flats.jsonl) re-dated and given fresh
 * numbers, with the awkward cases the real register has mixed in at a low rate: rows with no band
 * (rating 0, invisible to an efficiency_rating[] filter), no council or constituency, no UPRN, and
 * address text with quotes, apostrophes, newlines, commas and Welsh letters. The non-domestic and
 * display registers' rows (generateRegisterDay) are built on the same addresses, with CEPC schema
 * types, the non-domestic A+ band, and for non-domestic a recommendation report number or none.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { eachDay, isWeekend } from './days.js';
import { hash, prng } from './prng.js';
import type { FakeRegister, SearchRow } from './store.js';

// The project's own fixture (test/fixtures/SOURCES.md says where it comes from). EPC_FAKE_SAMPLE
// points at another file of the same shape, or at this one from code compiled elsewhere.
const SAMPLE = process.env.EPC_FAKE_SAMPLE || fileURLToPath(new URL('../fixtures/exeter-flats.jsonl', import.meta.url));

let templates: SearchRow[] | null = null;
function exeterRows(): SearchRow[] {
  if (!templates && !existsSync(SAMPLE)) {
    throw new Error(`fake API: the Exeter sample rows are not at ${SAMPLE}; set EPC_FAKE_SAMPLE to exeter-flats.jsonl`);
  }
  templates ??= readFileSync(SAMPLE, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const r = JSON.parse(line) as SearchRow & Record<string, unknown>;
      // Only the fields the API's search row has (the sample carries a few extra ones).
      return {
        certificateNumber: r.certificateNumber,
        addressLine1: r.addressLine1,
        addressLine2: r.addressLine2,
        addressLine3: r.addressLine3,
        addressLine4: r.addressLine4,
        postcode: r.postcode,
        postTown: r.postTown,
        council: r.council,
        constituency: r.constituency,
        currentEnergyEfficiencyBand: r.currentEnergyEfficiencyBand,
        registrationDate: r.registrationDate,
        uprn: r.uprn,
        schemaType: r.schemaType,
      };
    });
  return templates;
}

// A day's certificates come from all over England and Wales, not one city.
export const PLACES: ReadonlyArray<readonly [string, string]> = [
  ['Exeter', 'Exeter'], ['East Devon', 'Exmouth and Exeter East'], ['Teignbridge', 'Newton Abbot'], ['Plymouth', 'Plymouth Sutton and Devonport'],
  ['Bristol, City of', 'Bristol Central'], ['Cardiff', 'Cardiff East'], ['Swansea', 'Swansea West'], ['Gwynedd', 'Dwyfor Meirionnydd'],
  ['Leeds', 'Leeds Central and Headingley'], ['Manchester', 'Manchester Central'], ['Birmingham', 'Birmingham Ladywood'], ['Cornwall', 'Truro and Falmouth'],
  ['Hammersmith and Fulham', 'Chelsea and Fulham'], ['Newcastle upon Tyne', 'Newcastle upon Tyne Central and West'], ['Norwich', 'Norwich South'],
  ['Cambridge', 'Cambridge'], ['Liverpool', 'Liverpool Riverside'], ['Sheffield', 'Sheffield Central'], ['Leicester', 'Leicester South'], ['York', 'York Central'],
];

// Quotes, apostrophes, newlines, a tab, a backslash, commas and the Welsh letters ŵ, ŷ, â: text a CSV or COPY writer, a SQL
// literal or a naive JSON/line parser gets wrong.
const AWKWARD = ['Tŷ Coch, "Yr Hen Ysgol"', 'Unit 4\\B\tRear, Mill Lane\r\n', "Flat 3, St. Mary's Court", 'Bwthyn y Dŵr\nHeol y Bryn', 'Maes-y-Dâl, Llanfair', 'The "Old" Forge, 1 Quay Lane'];

function certificateNumber(random: () => number): string {
  const group = () => String(Math.floor(random() * 10_000)).padStart(4, '0');
  return [group(), group(), group(), group(), group()].join('-');
}

export interface GenerateDayOptions {
  seed?: number;
  /**
   * Every row in this one [council, constituency] (none without): a busy day in one place, where a
   * council[] or constituency[] filter splits nothing off.
   */
  place?: readonly [string, string];
  /** Exactly this many rows with no band (rating 0), picked at random; the others keep their template's band. */
  noBand?: number;
}

export function generateDay(day: string, count: number, options: GenerateDayOptions = {}): SearchRow[] {
  const random = prng(hash(`${options.seed ?? 0}:${day}`));
  const source = exeterRows();
  const seen = new Set<string>();
  const rows: SearchRow[] = [];
  for (let i = 0; i < count; i += 1) {
    const template = source[Math.floor(random() * source.length)]!;
    let number = certificateNumber(random);
    while (seen.has(number)) number = certificateNumber(random);
    seen.add(number);
    const row: SearchRow = { ...template, certificateNumber: number, registrationDate: day };
    const place = PLACES[Math.floor(random() * PLACES.length)]!;
    if (row.council !== null) [row.council, row.constituency] = options.place ?? place;
    const roll = random();
    if (roll < 0.02) {
      if (options.noBand === undefined) row.currentEnergyEfficiencyBand = null;
    } else if (roll < 0.03) {
      if (!options.place) {
        row.council = null;
        row.constituency = null;
      }
    } else if (roll < 0.05) row.uprn = null;
    else if (roll < 0.06) row.addressLine1 = AWKWARD[Math.floor(random() * AWKWARD.length)]!;
    rows.push(row);
  }
  if (options.noBand !== undefined) withoutBand(rows, options.noBand, prng(hash(`${options.seed ?? 0}:${day}:no-band`)));
  return rows;
}

/** Takes the band off exactly `n` rows, chosen by a partial Fisher-Yates shuffle. */
function withoutBand(rows: SearchRow[], n: number, random: () => number): void {
  if (n > rows.length) throw new Error(`fake API: ${n} rows without a band asked of a day of ${rows.length}`);
  const order = rows.map((_, i) => i);
  for (let i = 0; i < n; i += 1) {
    const j = i + Math.floor(random() * (order.length - i));
    [order[i], order[j]] = [order[j]!, order[i]!];
    rows[order[i]!]!.currentEnergyEfficiencyBand = null;
  }
}

/** A `perDay` for generateDataset: `weekday` rows Monday to Friday, `weekend` (default a quarter) on Saturday and Sunday. */
export function weekdayWeighted(weekday: number, weekend = Math.round(weekday / 4)): (day: string) => number {
  return (day) => (isWeekend(day) ? weekend : weekday);
}

export function generateDataset(options: { from: string; to: string; perDay: number | ((day: string) => number); seed?: number; register?: FakeRegister }): SearchRow[] {
  const rows: SearchRow[] = [];
  const reports = new Set<string>();
  for (const day of eachDay(options.from, options.to)) {
    const count = typeof options.perDay === 'number' ? options.perDay : options.perDay(day);
    const seed = options.seed ?? 0;
    rows.push(...(options.register && options.register !== 'domestic' ? registerDay(options.register, day, count, { seed }, reports) : generateDay(day, count, { seed })));
  }
  return rows;
}

// Every version of the commercial schema still lodged against; DECs are lodged in the same schemas.
const CEPC_SCHEMAS = ['CEPC-8.0.0', 'CEPC-8.0.0', 'CEPC-8.0.0', 'CEPC-8.0.0', 'CEPC-7.1', 'CEPC-7.1', 'CEPC-7.0', 'CEPC-6.0', 'CEPC-5.0', 'CEPC-4.0'];
const PREMISES = ['Unit', 'Suite', 'Shop', 'Ground Floor', 'First Floor', 'Office'];

export interface RegisterDayOptions extends GenerateDayOptions {
  /**
   * Non-domestic: exactly this many certificates without a recommendation report (`relatedRrn`
   * null: counted by search, never served), picked at random. Default: 15% of the day, rounded.
   */
  withoutReport?: number;
}

/**
 * A day of one register's certificates. Domestic is `generateDay`. Non-domestic and display rows
 * have their own certificate numbers (another stream of the seed), premises in the first address
 * line for most, a CEPC schema type, bands of the non-domestic scale (A+ below zero; none for a
 * rating of 0); non-domestic rows carry a report number, unique, or null for `withoutReport` of them.
 */
export function generateRegisterDay(register: FakeRegister, day: string, count: number, options: RegisterDayOptions = {}): SearchRow[] {
  return register === 'domestic' ? generateDay(day, count, options) : registerDay(register, day, count, options, new Set());
}

function registerDay(register: Exclude<FakeRegister, 'domestic'>, day: string, count: number, options: RegisterDayOptions, reports: Set<string>): SearchRow[] {
  const seed = options.seed ?? 0;
  const base = generateDay(day, count, { ...options, seed: hash(`${register}:${seed}`) });
  const random = prng(hash(`${seed}:${day}:${register}`));
  const taken = new Set([...reports, ...base.map((r) => r.certificateNumber)]);
  const rows = base.map((template): SearchRow => {
    const row: SearchRow = { ...template, schemaType: CEPC_SCHEMAS[Math.floor(random() * CEPC_SCHEMAS.length)]! };
    if (random() < 0.6) {
      const premise = PREMISES[Math.floor(random() * PREMISES.length)]!;
      const first = premise.endsWith('Floor') ? premise : `${premise} ${1 + Math.floor(random() * 40)}`;
      [row.addressLine1, row.addressLine2, row.addressLine3, row.addressLine4] = [first, row.addressLine1, row.addressLine2, row.addressLine3];
    }
    // Rows left without a band (a rating of 0) keep none; the others are rated on the non-domestic scale.
    if (row.currentEnergyEfficiencyBand !== null) row.currentEnergyEfficiencyBand = random() < 0.01 ? 'A+' : 'ABCDEFG'[Math.floor(random() * 7)]!;
    if (register === 'non-domestic') {
      let report = certificateNumber(random);
      while (taken.has(report)) report = certificateNumber(random);
      taken.add(report);
      reports.add(report);
      row.relatedRrn = report;
    }
    return row;
  });
  if (register === 'non-domestic') {
    const without = options.withoutReport ?? Math.round(count * 0.15);
    for (const i of pick(rows.length, without, prng(hash(`${seed}:${day}:without-report`)))) rows[i]!.relatedRrn = null;
  }
  return rows;
}

/** `n` distinct indexes of `0..size-1`, by a partial Fisher-Yates shuffle. */
function pick(size: number, n: number, random: () => number): number[] {
  if (n > size) throw new Error(`fake API: ${n} rows asked of a day of ${size}`);
  const order = Array.from({ length: size }, (_, i) => i);
  for (let i = 0; i < n; i += 1) {
    const j = i + Math.floor(random() * (size - i));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order.slice(0, n);
}
