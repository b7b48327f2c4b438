/**
 * How the parse workers share a file's entries: every entry parsed once, by one worker, and the work
 * (a certificates byte weighing more than a recommendations byte) split evenly, so neither worker idles
 * while the other parses every certificates entry.
 */
import { describe, expect, it } from 'vitest';
import { PARSE_WEIGHT, shareOf, type CsvEntry } from '../../src/bulk/source.js';

const entry = (name: string, kind: CsvEntry['kind'], bytes: number): CsvEntry => ({ name, kind, bytes, open: () => Promise.reject(new Error('not read here')) });

describe('shareOf', () => {
  // The export's layout, in the order openBulkFile lists it: a year's certificates, then its recommendations.
  const entries = ['2019', '2020', '2021', '2022'].flatMap((year, i) => [
    entry(`certificates-${year}.csv`, 'certificates', 30_000_000 + i * 1_000_000),
    entry(`recommendations-${year}.csv`, 'recommendations', 23_000_000 + i * 1_000_000),
  ]);
  const work = (share: readonly CsvEntry[]) => share.reduce((sum, e) => sum + (e.bytes ?? 0) * PARSE_WEIGHT[e.kind], 0);

  it('gives every entry to exactly one worker, each worker its share in file order', () => {
    const shares = [shareOf(entries, 0, 2), shareOf(entries, 1, 2)];
    expect([...shares[0]!, ...shares[1]!].map((e) => e.name).sort()).toEqual(entries.map((e) => e.name).sort());
    for (const share of shares) expect(share).toEqual(entries.filter((e) => share.includes(e)));
  });

  it('splits the work evenly: both kinds to both workers, within one entry of each other', () => {
    const [a, b] = [shareOf(entries, 0, 2), shareOf(entries, 1, 2)];
    for (const share of [a, b]) expect(new Set(share.map((e) => e.kind))).toEqual(new Set(['certificates', 'recommendations']));
    expect(Math.abs(work(a) - work(b))).toBeLessThanOrEqual(Math.max(...entries.map((e) => (e.bytes ?? 0) * PARSE_WEIGHT[e.kind])));
  });

  it('one worker parses everything', () => {
    expect(shareOf(entries, 0, 1)).toEqual(entries);
  });
});
