/**
 * What one rung offers a group too big for a page, pure: its sub-groups, each meant to fit one page.
 * Bands always; councils and constituencies as the names seen, packed; address endings and, past them,
 * every letter before an ending; postcodes of the rows most like the missing ones. A rung offers
 * nothing where it would not divide the rows seen (the one sub-group would be the group again).
 */
import { addressEndings, addressLetters, alphabetOf } from './ladder-address.js';
import { BANDS, searchablePostcode, type GroupFilter, type RowFacts } from './ladder-group.js';
import { packNames } from './reconcile.js';

export const SPLITS = ['bands', 'councils', 'constituencies', 'addresses', 'address letters', 'postcodes'] as const;
export type Split = (typeof SPLITS)[number];

/** A sub-group packed or chosen to fit one page is aimed at this share of it: rows not seen yet add to it. */
const FILL = 0.8;
/** At most this many postcodes per group: one request each. */
const POSTCODES_PER_GROUP = 50;
/** An address fragment held by this share of a group's rows seen is, for splitting, the group itself. */
const WHOLE = 0.9;

export interface SplitInput {
  filter: GroupFilter;
  /** The group's total as the API last gave it. */
  total: number;
  pageSize: number;
  /** Every row of the group seen: they size the sub-groups. */
  rows: readonly RowFacts[];
  /** The rows most like the missing ones (those in no group known complete): they choose postcodes and order fragments. */
  sample: readonly RowFacts[];
  /** Whether an address fragment of this group was asked for already. */
  asked: (address: string) => boolean;
}

export interface SubGroups {
  /** Sub-groups to fetch whole. */
  fetch: GroupFilter[];
  /** Sub-groups too big for a page, whose total alone is wanted: they may hold nothing missing. */
  probe: GroupFilter[];
}

export function subGroups(split: Split, input: SplitInput): SubGroups {
  const { filter: f, rows, sample } = input;
  const ratio = Math.max(1, input.total / Math.max(1, rows.length));
  const cap = Math.max(1, Math.floor(input.pageSize * FILL));
  const none: SubGroups = { fetch: [], probe: [] };
  switch (split) {
    case 'bands':
      return f.band === undefined ? { fetch: BANDS.map((band) => ({ ...f, band })), probe: [] } : none;
    // Every name seen (a row not seen yet may be under any of them; packed, they cost few requests), but
    // not when the rows like the missing ones have no name at all: no name filter returns those.
    case 'councils':
      if (f.councils || !sample.some((r) => r.council !== null)) return none;
      return { fetch: namesSplit(rows.map((r) => r.council), ratio, cap).map((councils) => ({ ...f, councils })), probe: [] };
    case 'constituencies':
      if (f.constituencies || !sample.some((r) => r.constituency !== null)) return none;
      return { fetch: namesSplit(rows.map((r) => r.constituency), ratio, cap).map((constituencies) => ({ ...f, constituencies })), probe: [] };
    case 'addresses': {
      const found = endingsOf(input, ratio, cap);
      // A parent as big as the group itself localises nothing: its letters are the next rung's.
      const probe = found.parents.filter(([, seen]) => seen < WHOLE * rows.length).map(([address]) => ({ ...f, address }));
      return { fetch: found.endings.map((address) => ({ ...f, address })), probe };
    }
    case 'address letters': {
      const bases = endingsOf(input, ratio, cap).parents.filter(([, seen]) => seen >= WHOLE * rows.length).map(([p]) => p);
      if (f.address !== undefined) bases.unshift(f.address);
      const addresses = rows.map((r) => r.address);
      const alphabet = alphabetOf(addresses);
      const out: SubGroups = { fetch: [], probe: [] };
      for (const address of bases.flatMap((b) => addressLetters(b, addresses, alphabet))) {
        if (input.asked(address)) continue;
        const seen = addresses.reduce((n, a) => (a.includes(address) ? n + 1 : n), 0);
        (Math.ceil(seen * ratio) > cap ? out.probe : out.fetch).push({ ...f, address });
      }
      return out;
    }
    case 'postcodes': {
      if (f.postcode !== undefined || countBy(rows.map((r) => r.postcode).filter(searchablePostcode)).size < 2) return none;
      // One postcode is one request: the busiest first, and only so many.
      const counts = [...countBy(sample.map((r) => r.postcode).filter(searchablePostcode))];
      return { fetch: counts.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, POSTCODES_PER_GROUP).map(([postcode]) => ({ ...f, postcode })), probe: [] };
    }
  }
}

/** Council or constituency groups that fit a page; none when the rows seen hold fewer than two names. */
function namesSplit(names: ReadonlyArray<string | null>, ratio: number, cap: number): string[][] {
  const counts = countBy(names.filter((n): n is string => n !== null));
  if (counts.size < 2) return [];
  return packNames(new Map([...counts].map(([name, n]) => [name, Math.ceil(n * ratio)])), cap);
}

function endingsOf(input: SplitInput, ratio: number, cap: number) {
  const addresses = input.rows.map((r) => r.address);
  return addressEndings(addresses, input.sample.map((r) => r.address), { base: input.filter.address, cap, ratio, asked: input.asked });
}

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}
