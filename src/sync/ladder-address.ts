/**
 * The address rungs' choice of fragments, pure. A group larger than one page is asked for again as
 * `address=<fragment>` sub-queries, each small enough to come back whole. The fragments are endings
 * of addresses: the API's address text ends with the post town, so "…d exeter", "…t exeter", "…e
 * exeter" split the rows of a town by the street word before it, and a row not seen yet almost surely
 * ends like some row seen. Where one does not, the ending just above ("road exeter") is counted, and
 * if it holds rows not seen, every letter is tried before it ("a road exeter", "b road exeter", …).
 */
import { LIKE_SPECIAL } from './ladder-group.js';

export interface EndingOptions {
  /** The group's own fragment, if it has one: every fragment chosen contains it and is longer. */
  base?: string | undefined;
  /** The most rows a fragment may be expected to match (its count among the rows seen × `ratio`). */
  cap: number;
  /** The group's total over its rows seen (≥ 1): rows not seen yet are expected in proportion. */
  ratio: number;
  /** A fragment already asked for: the addresses ending in it are left to that group (it is not chosen again). */
  asked?: (fragment: string) => boolean;
}

export interface Endings {
  /** Endings that fit a page, in the order to ask for them. */
  endings: string[];
  /**
   * The endings just above them, too big for a page, with how many rows seen contain each: worth
   * counting, or completing letter by letter, to find rows ending unlike any row seen.
   */
  parents: Array<[string, number]>;
}

/**
 * One ending for every address seen that one can cover (`addresses`, the formatted addresses of the
 * group's rows seen, which also size each query): its shortest that fits a page and is an ending more
 * often than not ("on" is mostly inside words, "gton" mostly the end of a town). Those covering the
 * most `targets` (the rows most like the ones still missing) come first, then the biggest.
 */
export function addressEndings(addresses: readonly string[], targets: readonly string[], options: EndingOptions): Endings {
  const base = options.base ?? '';
  const count = containCounter(addresses);
  const fits = (n: number) => Math.ceil(n * options.ratio) <= options.cap;
  // How many addresses end with each ending: a lower bound of how many contain it, cheap to count.
  const endingCount = new Map<string, number>();
  for (const address of addresses) for (const ending of endings(address)) endingCount.set(ending, (endingCount.get(ending) ?? 0) + 1);
  const anchored = (fragment: string) => 2 * (endingCount.get(fragment) ?? 0) >= count(fragment);

  const chosen = new Map<string, { ending: string; parent: string | null } | null>();
  const endingFor = (address: string) => {
    if (chosen.has(address)) return chosen.get(address)!;
    let found: { ending: string; parent: string | null } | null = null;
    let above: string | null = null;
    for (const ending of endings(address)) {
      if (ending.length <= base.length || !ending.includes(base) || ending.startsWith(' ')) continue;
      // Every longer ending holds the wildcard too: this address is left to the other rungs.
      if (LIKE_SPECIAL.test(ending)) break;
      // Inside a group asked for already, or small and specific enough to ask for.
      if (options.asked?.(ending) || (fits(endingCount.get(ending) ?? 1) && fits(count(ending)) && anchored(ending))) {
        found = { ending, parent: above !== null && anchored(above) ? above : null };
        break;
      }
      above = ending;
    }
    chosen.set(address, found);
    return found;
  };

  const wanted = new Map<string, number>();
  const parents = new Map<string, number>();
  for (const address of addresses) {
    const found = endingFor(address);
    if (found && !wanted.has(found.ending)) wanted.set(found.ending, 0);
    if (found?.parent) parents.set(found.parent, count(found.parent));
  }
  for (const target of targets) {
    const found = endingFor(target);
    if (found) wanted.set(found.ending, (wanted.get(found.ending) ?? 0) + 1);
  }
  const order = (a: [string, number], b: [string, number]) => b[1] - a[1] || count(b[0]) - count(a[0]) || (a[0] < b[0] ? -1 : 1);
  const fresh = [...wanted].filter(([e]) => !(options.asked?.(e) ?? false));
  return { endings: fresh.sort(order).map(([e]) => e), parents: [...parents].sort(order) };
}

/**
 * Every one-character extension of `base` to the left, as the rows seen put it: right against it
 * ("ad exeter" from "d exeter") where some row has a letter there, across a space ("w road exeter"
 * from "road exeter") where some row has a space there; the commoner of the two first. The characters
 * are `alphabet`, in its order.
 */
export function addressLetters(base: string, addresses: readonly string[], alphabet: readonly string[]): string[] {
  let touching = 0;
  let spaced = 0;
  for (const address of addresses) {
    for (let at = address.indexOf(base); at > 0; at = address.indexOf(base, at + 1)) {
      if (address[at - 1] !== ' ') touching += 1;
      else if (at > 1) spaced += 1;
    }
  }
  const forms: Array<(c: string) => string> = [];
  if (spaced > 0) forms.push((c) => `${c} ${base}`);
  if (touching > 0) forms.splice(touching > spaced ? 0 : forms.length, 0, (c) => `${c}${base}`);
  return alphabet.flatMap((c) => forms.map((form) => form(c)));
}

// Letters by how often they end an English word or start one from the right, then digits, then the
// punctuation addresses hold; a row not seen yet is most likely found early.
const ALPHABET = [...'etsdnrylhkoagmcpfwiubvxzjq0123456789', "'", '-', '.', '&', '/', ')', '"'];

/** The letters, digits and usual punctuation, then any other character of the addresses (a Welsh ŵ, say). */
export function alphabetOf(addresses: Iterable<string>): string[] {
  const chars = new Set(ALPHABET);
  for (const address of addresses) for (const c of address) if (c !== ' ' && !LIKE_SPECIAL.test(c)) chars.add(c);
  return [...chars];
}

/** How many addresses contain a fragment, remembered. */
function containCounter(addresses: readonly string[]): (fragment: string) => number {
  const known = new Map<string, number>();
  return (fragment) => {
    let n = known.get(fragment);
    if (n === undefined) {
      n = 0;
      for (const address of addresses) if (address.includes(fragment)) n += 1;
      known.set(fragment, n);
    }
    return n;
  };
}

/** The endings of an address, shortest first (whole characters, so a Welsh letter is never cut). */
function* endings(address: string): Generator<string> {
  const chars = [...address];
  for (let from = chars.length - 1; from >= 0; from -= 1) yield chars.slice(from).join('');
}
