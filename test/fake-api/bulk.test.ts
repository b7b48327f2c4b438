/**
 * The fake's bulk file against the export job's conventions (epb-aws-infrastructure,
 * glue_data_warehouse/etl_scripts/export_by_year.py, written by Spark's CSV writer): entries per
 * lodgement year, the fixed lower-case column order, `\n` line ends, no BOM, quoting only when needed,
 * null as nothing and '' as `""`, ISO dates, and ZIP64 when asked.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entries, parseCsv, type Parsed } from './bulk-read.js';
import {
  BULK_COLUMNS, BULK_RECOMMENDATION_COLUMNS, bulkCsv, bulkRecommendations, bulkRecord, bulkZip, generateDataset, generateDay, startFakeApi, writeBulkZip, zipOf,
  type SearchRow,
} from './index.js';

const AWKWARD: Partial<SearchRow> = {
  addressLine1: 'Tŷ Coch, "Yr Hen Ysgol"',
  addressLine2: 'Unit 4\\B\tRear, Mill Lane\r\n',
  addressLine3: '',
  postcode: null,
};

describe('fake bulk file: the export layout', () => {
  // Three lodgement years, a few thousand certificates, and one row of every awkward text.
  const rows = [
    ...generateDataset({ from: '2020-12-28', to: '2021-01-03', perDay: 300, seed: 4 }),
    ...generateDataset({ from: '2022-06-01', to: '2022-06-03', perDay: 300, seed: 4 }),
  ];
  rows[10] = { ...rows[10]!, ...AWKWARD };
  const years = ['2020', '2021', '2022'];
  let files: Array<[string, Buffer]>;
  const parsedEntries = new Map<string, Parsed>();
  const entry = (name: string) => files.find(([n]) => n === name)![1];
  const parsed = (name: string) => parsedEntries.get(name)!;
  beforeAll(async () => {
    files = await entries(await bulkZip(rows, { seed: 1 }));
    for (const [name, bytes] of files) parsedEntries.set(name, parseCsv(bytes.toString('utf8')));
  });

  it('has a certificates and a recommendations entry for each year, certificates first, the years in a seeded order', async () => {
    const names = files.map(([name]) => name);
    expect(names).toHaveLength(6);
    const certificateYears = names.slice(0, 3).map((n) => /^certificates-(\d{4})\.csv$/.exec(n)?.[1]);
    expect([...certificateYears].sort()).toEqual(years);
    expect(names.slice(3)).toEqual(certificateYears.map((y) => `recommendations-${y}.csv`));
    const orders = new Set<string>();
    const sample = years.map((y) => rows.find((r) => r.registrationDate.startsWith(y))!);
    for (const seed of [1, 2, 3, 4, 5, 6]) orders.add((await entries(await bulkZip(sample, { seed }))).map(([n]) => n).join());
    expect(orders.size).toBeGreaterThan(1);
  });

  it('writes the header in the export order, lower case, with \\n line ends and no BOM', () => {
    for (const [name, bytes] of files) {
      expect(bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), name).toBe(false);
      const text = bytes.toString('utf8');
      const header = text.slice(0, text.indexOf('\n') + 1);
      const columns = name.startsWith('certificates') ? BULK_COLUMNS : BULK_RECOMMENDATION_COLUMNS;
      expect(header).toBe(`${columns.join(',')}\n`);
      expect(header).toMatch(/^[a-z0-9_,]+\n$/);
      expect(parsed(name).raw.every((raw) => raw.endsWith('\n') && !raw.endsWith('\r\n'))).toBe(true);
      expect(text.endsWith('\n')).toBe(true);
    }
    expect(BULK_COLUMNS).toHaveLength(93);
    expect(BULK_RECOMMENDATION_COLUMNS).toHaveLength(6);
  });

  it('parses back to bulkRecord and bulkRecommendations, quoting only when needed, null as nothing and "" as ""', () => {
    let count = 0;
    for (const year of years) {
      const certificates = parsed(`certificates-${year}.csv`);
      const mine = rows.filter((r) => r.registrationDate.startsWith(year));
      expect(certificates.records).toEqual(mine.map(bulkRecord));
      certificates.records.forEach((record, i) => {
        const expected = Object.values(record).map((v) => v === '' || (v !== null && /[",\r\n]/.test(v)));
        expect(certificates.quoted[i]).toEqual(expected);
      });
      const recommendations = parsed(`recommendations-${year}.csv`);
      expect(recommendations.records).toEqual(mine.flatMap(bulkRecommendations));
      count += certificates.records.length;
    }
    expect(count).toBe(rows.length);
    // The awkward row byte for byte; its empty address3 as "" and its null postcode as nothing.
    const text = entry('certificates-2020.csv').toString('utf8');
    expect(text).toContain(`${rows[10]!.certificateNumber},"Tŷ Coch, ""Yr Hen Ysgol""","Unit 4\\B\tRear, Mill Lane\r\n","",,`);
    const awkward = parsed('certificates-2020.csv').records.find((r) => r.certificate_number === rows[10]!.certificateNumber)!;
    expect(awkward).toMatchObject({ address1: AWKWARD.addressLine1, address2: AWKWARD.addressLine2, address3: '', postcode: null });
  });

  it('writes the values the export writes: ISO dates, plain UPRNs, ONS codes, bands that match the search row', () => {
    const byNumber = new Map(rows.map((r) => [r.certificateNumber, r]));
    const all = years.flatMap((y) => parsed(`certificates-${y}.csv`).records);
    const forms = new Map<string, number>();
    for (const record of all) {
      const row = byNumber.get(record.certificate_number!)!;
      expect(record.lodgement_date).toBe(row.registrationDate);
      expect(record.inspection_date).toMatch(/^(\d{4}-\d{2}-\d{2}|INVALID!)$/);
      if (record.inspection_date !== 'INVALID!') expect(record.inspection_date! <= row.registrationDate).toBe(true);
      expect(record.uprn).toBe(row.uprn === null ? null : String(row.uprn));
      expect(record.uprn_source).toMatch(row.uprn === null ? /^$/ : /^(Energy Assessor|Address Matched)$/);
      expect(record).toMatchObject({ address1: row.addressLine1, address2: row.addressLine2, address3: row.addressLine3, postcode: row.postcode, posttown: row.postTown });
      expect(record).toMatchObject({ constituency_label: row.constituency, local_authority_label: row.council });
      if (row.constituency === null) expect(record.constituency).toBeNull();
      else expect(record.constituency).toMatch(/^(E14|W07)\d{6}$/);
      if (row.council !== null) expect(record.local_authority).toMatch(/^(E0[6-9]|W06)\d{6}$/);
      if (row.council !== null) expect(record.region).toMatch(/^(E1200000[1-9]|W99999999)$/);
      expect(record.country).toMatch(/^(England|Wales)$/);
      if (row.currentEnergyEfficiencyBand !== null) expect(record.current_energy_rating).toBe(row.currentEnergyEfficiencyBand);
      else expect([null, 'INVALID!']).toContain(record.current_energy_rating);
      if (/^[A-G]$/.test(record.current_energy_rating ?? '')) {
        const rating = Number(record.current_energy_efficiency);
        const band = rating >= 92 ? 'A' : rating >= 81 ? 'B' : rating >= 69 ? 'C' : rating >= 55 ? 'D' : rating >= 39 ? 'E' : rating >= 21 ? 'F' : 'G';
        expect(band).toBe(record.current_energy_rating);
        expect(Number(record.potential_energy_efficiency)).toBeGreaterThanOrEqual(rating);
      }
      const datetime = record.lodgement_datetime ?? null;
      const form = datetime === null ? 'null'
        : /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/.test(datetime) ? 'micro'
          : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/.test(datetime) ? 'iso'
            : /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(datetime) ? 'seconds' : 'other';
      forms.set(form, (forms.get(form) ?? 0) + 1);
      if (datetime !== null) expect(datetime.slice(0, 10)).toBe(row.registrationDate);
    }
    expect([...forms.keys()].sort()).toEqual(['iso', 'micro', 'null', 'seconds']);
    // Values that are not values, in numeric, date and text columns, at a low rate.
    const share = (test: (r: Record<string, string | null>) => boolean) => all.filter(test).length / all.length;
    expect(share((r) => r.inspection_date === 'INVALID!')).toBeGreaterThan(0.015);
    expect(share((r) => r.inspection_date === 'INVALID!')).toBeLessThan(0.045);
    expect(share((r) => r.total_floor_area === 'NO DATA!')).toBeGreaterThan(0.005);
    for (const sentinel of ['INVALID!', 'NO DATA!', 'N/A', 'Not recorded']) expect(all.some((r) => Object.values(r).includes(sentinel))).toBe(true);
    const noBand = all.filter((r) => byNumber.get(r.certificate_number!)!.currentEnergyEfficiencyBand === null);
    expect(noBand.some((r) => r.current_energy_rating === 'INVALID!') && noBand.some((r) => r.current_energy_rating === null)).toBe(true);
  });

  it('averages about 3.9 recommendations a certificate, 0 to 8 each, numbered from 1', () => {
    const counts = rows.map((r) => bulkRecommendations(r));
    const average = counts.reduce((sum, list) => sum + list.length, 0) / rows.length;
    expect(rows.length).toBeGreaterThan(2000);
    expect(average).toBeGreaterThan(3.7);
    expect(average).toBeLessThan(4.1);
    for (const list of counts) {
      expect(list.length).toBeLessThanOrEqual(8);
      expect(list.map((r) => r.improvement_item)).toEqual(list.map((_, i) => String(i + 1)));
    }
    expect(counts.some((list) => list.length === 0)).toBe(true);
  });

  it('gives every column, in the export order, and is deterministic for a certificate', () => {
    for (const row of rows.slice(0, 200)) expect(Object.keys(bulkRecord(row))).toEqual(BULK_COLUMNS);
    for (const row of rows.slice(0, 200)) for (const rec of bulkRecommendations(row)) expect(Object.keys(rec)).toEqual(BULK_RECOMMENDATION_COLUMNS);
    expect(rows.slice(0, 50).map(bulkRecord)).toEqual(rows.slice(0, 50).map((r) => bulkRecord({ ...r })));
    expect(rows.slice(0, 50).map(bulkRecommendations)).toEqual(rows.slice(0, 50).map((r) => bulkRecommendations({ ...r })));
  });

  it('writes ZIP64 when asked, and the entries still read back the same', async () => {
    const small = rows.slice(0, 200);
    const plain = await bulkZip(small);
    const zip64 = await bulkZip(small, { zip64: true });
    const eocd64 = Buffer.from([0x50, 0x4b, 0x06, 0x06]);
    expect(plain.includes(eocd64)).toBe(false);
    expect(zip64.includes(eocd64)).toBe(true);
    expect(await entries(zip64)).toEqual(await entries(plain));
  });

  it('adds the extra columns to the header and every row, and the extra lines to one certificates entry', async () => {
    const small = rows.slice(0, 20).concat(rows.slice(-20));
    const extraLines = ['not,a,row', '"unterminated'];
    const out = await entries(await bulkZip(small, { extraColumns: ['new_column', 'another'], extraLines }));
    const certificates = out.filter(([n]) => n.startsWith('certificates-'));
    const withExtra = certificates.filter(([, b]) => b.toString('utf8').endsWith(`${extraLines.join('\n')}\n`));
    expect(withExtra).toHaveLength(1);
    for (const [name, bytes] of certificates) {
      const text = bytes.toString('utf8');
      const clean = name === withExtra[0]![0] ? text.slice(0, -`${extraLines.join('\n')}\n`.length) : text;
      const parsed = parseCsv(clean);
      expect(parsed.header).toEqual([...BULK_COLUMNS, 'new_column', 'another']);
      for (const record of parsed.records) {
        expect(record).toMatchObject({ new_column: `new_column:${record.certificate_number}`, another: `another:${record.certificate_number}` });
      }
    }
  });

  it('still builds the legacy layout: one certificates.csv in the older fixture shape', async () => {
    const small = rows.slice(0, 30);
    const legacy = await entries(await bulkZip(small, { layout: 'legacy', extraLines: ['x'] }));
    expect(legacy.map(([n]) => n)).toEqual(['certificates.csv']);
    expect(legacy[0]![1].toString('utf8')).toBe(bulkCsv(small, ['x']));
    expect(legacy).toEqual(await entries(await zipOf('certificates.csv', bulkCsv(small, ['x']))));
    expect(bulkCsv(small)).toMatch(/^CERTIFICATE_NUMBER,ADDRESS2,[^\n]*\r\n/);
  });
});

describe('fake bulk file: streaming writer', () => {
  let dir: string;
  beforeAll(() => void (dir = mkdtempSync(join(tmpdir(), 'epc-fake-bulk-test-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('streams day groups across a year end to the same entries bulkZip builds', async () => {
    const days = ['2021-12-30', '2021-12-31', '2022-01-01', '2022-01-02'].map((d, i) => generateDay(d, 150, { seed: i }));
    const path = join(dir, 'stream.zip');
    const written = await writeBulkZip(path, days, { seed: 2, extraColumns: ['x'], zip64: true, compressionLevel: 1 });
    const all = days.flat();
    expect(written).toEqual({ years: ['2021', '2022'], certificates: all.length, recommendations: all.flatMap(bulkRecommendations).length });
    const streamed = await entries(readFileSync(path));
    expect(streamed.map(([n]) => n).slice(0, 2)).toEqual(['certificates-2021.csv', 'certificates-2022.csv']);
    const built = new Map(await entries(await bulkZip(all, { extraColumns: ['x'] })));
    expect(streamed).toHaveLength(built.size);
    for (const [name, bytes] of streamed) expect(bytes.toString('utf8'), name).toBe(built.get(name)!.toString('utf8'));
  });

  it('refuses rows that go back to an earlier year', async () => {
    const groups = [generateDay('2022-01-01', 5), generateDay('2021-12-31', 5), generateDay('2022-01-02', 5)];
    await expect(writeBulkZip(join(dir, 'bad.zip'), groups)).rejects.toThrow(/day order/);
  });
});

describe('fake bulk file: publishing', () => {
  it('publishes the export layout by default and the legacy one when asked', async () => {
    const api = await startFakeApi({ today: () => '2026-11-24', rateLimit: false });
    try {
      api.store.addCertificates(generateDay('2025-12-31', 20).concat(generateDay('2026-01-02', 20)));
      const published = await api.publishBulkFile();
      expect((await entries(published.zip)).map(([n]) => n).sort()).toEqual(['certificates-2025.csv', 'certificates-2026.csv', 'recommendations-2025.csv', 'recommendations-2026.csv']);
      const legacy = await api.publishBulkFile({ layout: 'legacy', zip64: true });
      expect((await entries(legacy.zip)).map(([n]) => n)).toEqual(['certificates.csv']);
      expect(api.bulk.file).toBe(legacy);
    } finally {
      await api.close();
    }
  });
});
