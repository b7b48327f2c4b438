/** The reconciliation ladder's decisions, pure: which groups of a day to ask for next, and when to stop. */
import { describe, expect, it } from 'vitest';
import { Ladder, type Query } from '../../src/sync/ladder.js';
import { addressEndings, addressLetters } from '../../src/sync/ladder-address.js';
import { factsOf, formatAddress, groupKey, matches, searchablePostcode, within, type GroupFilter, type RowFacts } from '../../src/sync/ladder-group.js';

const facts = (over: Partial<RowFacts> = {}): RowFacts => ({ band: 'C', council: 'Exeter', constituency: 'Exeter', postcode: 'EX4 2LR', address: '1 fore street exeter', ...over });
const many = (n: number, over: (i: number) => Partial<RowFacts>) => Array.from({ length: n }, (_, i) => facts(over(i)));
const filters = (qs: readonly Query[]) => qs.map((q) => q.filter);

/** Records the answers to a step's queries: totals by filter, as the API would give them. */
function answer(ladder: Ladder, queries: readonly Query[], total: (f: GroupFilter) => number) {
  for (const q of queries) ladder.record(q, total(q.filter));
}

describe('a group of a day, judged as the API judges it', () => {
  it('formats the address like the service: lower case, commas to spaces, whitespace squished', () => {
    expect(formatAddress('  Flat 3,  St. Mary\'s\nCourt,EXETER ')).toBe("flat 3 st. mary's court exeter");
    expect(factsOf({ addressLine1: 'Flat 3', addressLine2: '', addressLine3: null, postTown: 'Exeter', currentEnergyEfficiencyBand: null }).address).toBe('flat 3 exeter');
  });

  it('never matches a null against a filter on its column, as the API joins on equality', () => {
    expect(matches(facts({ band: null }), { band: 'C' })).toBe(false);
    expect(matches(facts({ council: null }), { councils: ['Exeter'] })).toBe(false);
    expect(matches(facts({ band: null, council: null }), {})).toBe(true);
    expect(matches(facts(), { band: 'C', councils: ['Leeds', 'Exeter'], address: 'fore st' })).toBe(true);
  });

  it('knows when one group lies within another', () => {
    expect(within({ band: 'C', councils: ['York'] }, { councils: ['York', 'Leeds'] })).toBe(true);
    expect(within({ band: 'C' }, { councils: ['York'] })).toBe(false);
    expect(within({ address: 'd road exeter' }, { address: 'road exeter' })).toBe(true);
    expect(within({ address: 'road exeter' }, { address: 'd road exeter' })).toBe(false);
  });

  it('asks only for postcodes the API would match to their own row', () => {
    expect(searchablePostcode('EX4 2LR')).toBe(true);
    expect(['ex4 2lr', 'EX42LR', 'NOT A POSTCODE', null].map(searchablePostcode)).toEqual([false, false, false, false]);
  });
});

describe('address fragments', () => {
  const street = (name: string, n: number) => Array.from({ length: n }, (_, i) => `${i} ${name} exeter`);
  const addresses = [...street('high street', 2), ...street('north street', 2), ...street('fore street', 2), ...street('mill road', 3), ...street('the close', 2)];

  it('asks for the shortest ending of each address that fits a page, rows most like the missing first', () => {
    const found = addressEndings(addresses, ['0 the close exeter'], { cap: 4, ratio: 1 });
    // "t exeter" (6 rows) is too big for 4: "h street exeter" (high and north) and "e street exeter" fit.
    expect(found.endings).toEqual(['e exeter', 'h street exeter', 'd exeter', 'e street exeter']);
    // Just above them, too big for a page: worth a count, or a try of every letter.
    expect(found.parents).toEqual([['exeter', 11], ['street exeter', 6]]);
  });

  it('skips endings already asked for, and leaves an address whose fitting ending would hold a LIKE wildcard', () => {
    const found = addressEndings(['unit_4 exeter', 'flat_4 exeter', '1 mill road exeter', '2 the close exeter'], [], { cap: 1, ratio: 1, asked: (f) => f === 'd exeter' });
    expect(found.endings).toEqual(['e exeter']);
  });

  it('tries every letter before an ending, the way the rows seen put it', () => {
    const alphabet = ['e', 't', '1'];
    expect(addressLetters('road exeter', ['1 mill road exeter'], alphabet)).toEqual(['e road exeter', 't road exeter', '1 road exeter']);
    expect(addressLetters('d exeter', ['1 mill road exeter', '2 mead exeter'], alphabet)).toEqual(['ed exeter', 'td exeter', '1d exeter']);
  });
});

describe('the ladder', () => {
  it('asks a day that fits one page yet comes back short only again, with other page sizes, then stops', () => {
    const ladder = new Ladder(100, 2);
    ladder.record(ladder.start(), 4);
    const seen: RowFacts[] = [];
    const first = ladder.next(seen)!;
    expect(first).toEqual({ rung: 'page sizes', queries: [expect.objectContaining({ filter: {}, pageSize: 99 })] });
    answer(ladder, first.queries, () => 4);
    expect(ladder.next(seen)!.queries[0]!.pageSize).toBe(98);
    expect(ladder.next(seen)).toBeNull();
  });

  it('splits a short day bigger than a page by band first, then councils packed to fit a page', () => {
    const ladder = new Ladder(100, 0);
    const seen = [...many(60, () => ({ council: 'C0' })), ...many(30, () => ({ council: 'C1' })), ...many(30, () => ({ council: 'C2' }))];
    seen.push(...many(10, () => ({ band: null, council: 'C0' })));
    ladder.record(ladder.start(), 135);
    const bands = ladder.next(seen)!;
    expect(bands.rung).toBe('bands');
    expect(filters(bands.queries)).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G'].map((band) => ({ band })));
    // Every band comes back whole; five rows with no band are still missing.
    answer(ladder, bands.queries, (f) => (f.band === 'C' ? 120 : 0));
    const councils = ladder.next(seen)!;
    expect(councils.rung).toBe('councils');
    // About 73, 32 and 32 rows expected (rows seen scaled by 135/130): two groups under 80.
    expect(filters(councils.queries)).toEqual([{ councils: ['C0'] }, { councils: ['C1', 'C2'] }]);
  });

  it('goes to address endings when every row is in one council and one constituency', () => {
    const ladder = new Ladder(12, 0);
    const streets = ['mill road', 'new road', 'fore street', 'high street', 'the close', 'park lane'];
    const seen = many(24, (i) => ({ band: i === 0 ? null : 'C', address: `${i} ${streets[i % 6]} exeter` }));
    ladder.record(ladder.start(), 25);
    answer(ladder, ladder.next(seen)!.queries, (f) => (f.band === 'C' ? 23 : 0));
    const step = ladder.next(seen)!;
    expect(step.rung).toBe('addresses');
    expect(step.queries.filter((q) => !q.probe).map((q) => q.filter)).toEqual([{ address: 'd exeter' }, { address: 'e exeter' }, { address: 't exeter' }]);
  });

  it('lets a short band climb on its own when the rows with no band are all there', () => {
    const ladder = new Ladder(100, 0);
    const seen = many(150, (i) => ({ council: `C${i % 2}` }));
    ladder.record(ladder.start(), 160);
    answer(ladder, ladder.next(seen)!.queries, (f) => (f.band === 'C' ? 160 : 0));
    const step = ladder.next(seen)!;
    expect(step.rung).toBe('councils');
    expect(step.queries.every((q) => q.filter.band === 'C')).toBe(true);
  });

  it('does not ask a band within councils already known complete, however they were packed', () => {
    const ladder = new Ladder(50, 0);
    const seen = many(120, (i) => ({ council: `C${i % 4}`, band: i % 2 ? 'C' : 'D' }));
    ladder.record(ladder.start(), 130);
    answer(ladder, ladder.next(seen)!.queries, (f) => (f.band === 'C' || f.band === 'D' ? 62 : 0));
    const councils = ladder.next(seen)!;
    expect(filters(councils.queries)).toEqual([{ councils: ['C0'] }, { councils: ['C1'] }, { councils: ['C2'] }, { councils: ['C3'] }]);
    answer(ladder, councils.queries, (f) => seen.filter((r) => matches(r, f)).length);
    const ask = (councils: string[]): Query => ({ filter: { band: 'C', councils }, pageSize: 50, rung: 'councils', parent: groupKey({ band: 'C' }) });
    expect(ladder.stillUseful([ask(['C0', 'C1']), ask(['C1', 'C9'])], seen).map((q) => q.filter.councils)).toEqual([['C1', 'C9']]);
  });

  it('stops chasing rows the API counts in a group that came back whole but does not serve', () => {
    const ladder = new Ladder(100, 1);
    const seen = many(150, (i) => ({ band: i < 90 ? 'C' : 'D' }));
    ladder.record(ladder.start(), 151);
    // Band D has 61 rows by the count, 60 on its page.
    answer(ladder, ladder.next(seen)!.queries, (f) => (f.band === 'C' ? 90 : f.band === 'D' ? 61 : 0));
    const again = ladder.next(seen)!;
    expect(again).toEqual({ rung: 'page sizes', queries: [expect.objectContaining({ filter: { band: 'D' }, pageSize: 99 })] });
    answer(ladder, again.queries, () => 61);
    expect(ladder.next(seen)).toBeNull();
  });

  it('fetches whole a group it only counted, once the count shows it fits a page', () => {
    const ladder = new Ladder(100, 0);
    const seen = [...many(50, (i) => ({ address: `${i} mill road exeter` })), ...many(200, (i) => ({ address: `${i} the lane exeter` }))];
    ladder.record(ladder.start(), 260);
    ladder.record({ filter: { address: 'road exeter' }, pageSize: 1, rung: 'addresses', parent: groupKey({}), probe: true }, 60);
    // The day's ten missing rows are all under "road exeter": the count, not a page of it, was asked.
    expect(ladder.next(seen)).toEqual({ rung: 'addresses', queries: [{ filter: { address: 'road exeter' }, pageSize: 100, rung: 'addresses', parent: groupKey({}) }] });
  });

  it('gives up a sub-group the API refuses, not the day', () => {
    const ladder = new Ladder(100, 0);
    const seen = many(150, (i) => ({ council: `C${i % 3}`, constituency: `K${i % 3}`, band: 'D' }));
    ladder.record(ladder.start(), 160);
    answer(ladder, ladder.next(seen)!.queries, (f) => (f.band === 'D' ? 150 : 0));
    const councils = ladder.next(seen)!;
    for (const q of councils.queries) ladder.refuse(q);
    expect(ladder.next(seen)?.rung).toBe('constituencies');
  });

  it('drops planned queries once their target is complete', () => {
    const ladder = new Ladder(100, 0);
    const seen = many(150, (i) => ({ council: `C${i % 3}`, band: 'D' }));
    ladder.record(ladder.start(), 151);
    const bands = ladder.next(seen)!;
    expect(ladder.stillUseful(bands.queries, seen)).toHaveLength(7);
    expect(ladder.stillUseful(bands.queries, [...seen, facts({ band: 'E' })])).toEqual([]);
  });
});
