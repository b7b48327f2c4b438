/**
 * How the real service (Ruby: Rack + Sinatra) reads a query string, for the parts a client can trip
 * over: `key[]` makes an array and a bare `key` a string (the JSON schema then rejects the wrong
 * one), a repeated bare key keeps its last value, numbers go through Ruby's lenient `to_i`, and
 * postcodes and addresses are normalised before they reach SQL.
 */

export interface RackParams {
  /** Bare keys, last value wins. */
  scalars: Map<string, string>;
  /** `key[]` keys, stored under `key`, every value in order. */
  arrays: Map<string, string[]>;
}

export function rackParams(params: URLSearchParams): RackParams {
  const scalars = new Map<string, string>();
  const arrays = new Map<string, string[]>();
  for (const [key, value] of params) {
    if (key.endsWith('[]')) {
      const name = key.slice(0, -2);
      const list = arrays.get(name);
      if (list) list.push(value);
      else arrays.set(name, [value]);
    } else {
      scalars.set(key, value);
    }
  }
  return { scalars, arrays };
}

/** Ruby's String#to_i: leading whitespace, an optional sign and digits; anything else reads as 0. */
export function rubyToI(text: string): number {
  const m = /^\s*([+-]?\d+(?:_\d+)*)/.exec(text);
  return m ? Number(m[1]!.replace(/_/g, '')) : 0;
}

// The real service's UK postcode pattern (Helper::PostcodeValidator), applied after normalising.
const UK_POSTCODE =
  /^(([Gg][Ii][Rr]\s?0[Aa]{2})|((([A-Za-z][0-9]{1,2})|([A-Za-z][A-Ha-hJ-Yj-y][0-9]{1,2})|([A-Za-z][0-9][A-Za-z])|([A-Za-z][A-Ha-hJ-Yj-y][0-9]?[A-Za-z]))\s?[0-9][A-Za-z]{2}))$/;

/** Upper case, no spaces, one space before the inward code; null when it is not a full UK postcode. */
export function normalisePostcode(text: string): string | null {
  const stripped = text.toUpperCase().replace(/\s+/g, '');
  const formatted = `${stripped.slice(0, -3)} ${stripped.slice(-3)}`;
  return UK_POSTCODE.test(formatted) ? formatted : null;
}

/**
 * The service's `format_address`, applied to the `address` parameter and to the stored address
 * column alike: lower case, commas to spaces, whitespace runs squished to one space and trimmed
 * (Rails' `squish`). Nothing else is touched, so `%` and `_` reach SQL as LIKE wildcards.
 */
export function formatAddress(text: string): string {
  return text.toLowerCase().replace(/,/g, ' ').replace(/[\s\u0085]+/gu, ' ').trim();
}

/** The stored `address` column: address lines and post town (nulls and empties dropped) joined with spaces, then formatted. */
export function storedAddress(lines: ReadonlyArray<string | null>): string {
  return formatAddress(lines.filter((l): l is string => l !== null && l !== '').join(' '));
}

/**
 * `address LIKE '%<value>%'` as PostgreSQL runs it: `%` any run of characters, `_` any one
 * character, a backslash takes the next character literally (LIKE's default escape), the rest
 * matches itself, case-sensitively. Returns a test for the stored column.
 */
export function likeContains(value: string): (stored: string) => boolean {
  let source = '';
  const chars = [...value];
  for (let i = 0; i < chars.length; i += 1) {
    const c = chars[i]!;
    if (c === '%') source += '[\\s\\S]*';
    else if (c === '_') source += '[\\s\\S]';
    else if (c === '\\' && i + 1 < chars.length) source += escapeRegExp(chars[++i]!);
    // A trailing backslash escapes the closing `%`: the column must end with the value and a literal %.
    else if (c === '\\') source += '%$';
    else source += escapeRegExp(c);
  }
  const pattern = new RegExp(source, 'u');
  return (stored) => pattern.test(stored);
}

const escapeRegExp = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Ruby's String#capitalize, which the service applies to each efficiency_rating[] value. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1).toLowerCase();
}
