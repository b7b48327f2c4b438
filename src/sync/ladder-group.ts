/**
 * A group of one day's certificates as the search API can be asked for it: the day plus filters the
 * API combines with AND. Pure: a row seen is judged against a group here exactly as the API's SQL
 * would judge it, so the ladder can count what a group still lacks without asking again.
 */
import type { Band } from '../api/search.js';

export const BANDS = ['A', 'B', 'C', 'D', 'E', 'F', 'G'] as const satisfies readonly Band[];
export type { Band };

/** Filters beyond the day; absent means "not filtered on". */
export interface GroupFilter {
  readonly band?: Band;
  readonly councils?: readonly string[];
  readonly constituencies?: readonly string[];
  /** A full postcode, in the normalised form the API compares with. */
  readonly postcode?: string;
  /** A formatted address fragment without LIKE wildcards (so matching it is a substring test). */
  readonly address?: string;
}

/** What a row offers the filters: the API's columns the filters read. */
export interface RowFacts {
  band: string | null;
  council: string | null;
  constituency: string | null;
  postcode: string | null;
  /** The API's `address` column: lines and post town, formatted like the `address` parameter. */
  address: string;
}

interface AddressedRow {
  addressLine1?: unknown;
  addressLine2?: unknown;
  addressLine3?: unknown;
  addressLine4?: unknown;
  postTown?: unknown;
  postcode?: unknown;
  council?: unknown;
  constituency?: unknown;
  currentEnergyEfficiencyBand?: unknown;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Facts of a row; lenient, so a row rejected for another field still counts in its groups. */
export function factsOf(row: AddressedRow): RowFacts {
  const lines = [row.addressLine1, row.addressLine2, row.addressLine3, row.addressLine4, row.postTown].map(text);
  return {
    band: text(row.currentEnergyEfficiencyBand),
    council: text(row.council),
    constituency: text(row.constituency),
    postcode: text(row.postcode),
    address: formatAddress(lines.filter((l): l is string => l !== null && l !== '').join(' ')),
  };
}

/**
 * The service's `format_address`: lower case, commas to spaces, whitespace runs squished to one space
 * and trimmed. The API applies it to the stored column and to the `address` parameter alike.
 */
export function formatAddress(value: string): string {
  return value.toLowerCase().replace(/,/g, ' ').replace(/[\s\u0085]+/gu, ' ').trim();
}

/** Characters the API would read as LIKE wildcards or escapes: fragments holding them are never sent. */
export const LIKE_SPECIAL = /[%_\\]/;

// The service's own UK postcode pattern (Helper::PostcodeValidator): anything else is a 400.
const UK_POSTCODE =
  /^(([Gg][Ii][Rr]\s?0[Aa]{2})|((([A-Za-z][0-9]{1,2})|([A-Za-z][A-Ha-hJ-Yj-y][0-9]{1,2})|([A-Za-z][0-9][A-Za-z])|([A-Za-z][A-Ha-hJ-Yj-y][0-9]?[A-Za-z]))\s?[0-9][A-Za-z]{2}))$/;

/**
 * Whether a row's postcode can be asked for: the API upper-cases the parameter, removes its spaces and
 * puts one before the last three characters, then compares exactly, so only a postcode already in that
 * form finds its own row.
 */
export function searchablePostcode(postcode: string | null): postcode is string {
  if (postcode === null) return false;
  const stripped = postcode.toUpperCase().replace(/\s+/g, '');
  const normalised = `${stripped.slice(0, -3)} ${stripped.slice(-3)}`;
  return normalised === postcode && UK_POSTCODE.test(normalised);
}

/** Whether the API would return the row for the group (a null never matches a filter on its column). */
export function matches(facts: RowFacts, filter: GroupFilter): boolean {
  if (filter.band !== undefined && facts.band !== filter.band) return false;
  if (filter.councils && (facts.council === null || !filter.councils.includes(facts.council))) return false;
  if (filter.constituencies && (facts.constituency === null || !filter.constituencies.includes(facts.constituency))) return false;
  if (filter.postcode !== undefined && facts.postcode !== filter.postcode) return false;
  if (filter.address !== undefined && !facts.address.includes(filter.address)) return false;
  return true;
}

/** Whether every row of `inner` is also a row of `outer`, judged from the filters alone. */
export function within(inner: GroupFilter, outer: GroupFilter): boolean {
  const subset = (a: readonly string[] | undefined, b: readonly string[] | undefined) => !b || (a !== undefined && a.every((v) => b.includes(v)));
  return (
    (outer.band === undefined || inner.band === outer.band) &&
    subset(inner.councils, outer.councils) &&
    subset(inner.constituencies, outer.constituencies) &&
    (outer.postcode === undefined || inner.postcode === outer.postcode) &&
    (outer.address === undefined || (inner.address !== undefined && inner.address.includes(outer.address)))
  );
}

/** A stable identity for a group (same filters, same key). */
export function groupKey(filter: GroupFilter): string {
  const sorted = (v: readonly string[] | undefined) => (v ? [...v].sort() : null);
  return JSON.stringify([filter.band ?? null, sorted(filter.councils), sorted(filter.constituencies), filter.postcode ?? null, filter.address ?? null]);
}
