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

/** The query side of the address filter: lower case, every non-alphanumeric a space, squished. */
export function cleanAddressQuery(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * The stored side: address lines and town joined with spaces and lower-cased, punctuation kept. So
 * "St. Mary's" can never match (the query loses its punctuation, the column keeps it): faithful.
 */
export function storedAddress(lines: ReadonlyArray<string | null>): string {
  return lines
    .filter((l): l is string => l !== null && l !== '')
    .join(' ')
    .toLowerCase();
}

/** Ruby's String#capitalize, which the service applies to each efficiency_rating[] value. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1).toLowerCase();
}
