/**
 * The columns every register's bulk file starts and ends with (address, ONS codes and names, UPRN),
 * and the helpers the declarations share. The non-domestic and display files put `posttown` before
 * `postcode`; the domestic file (`domestic.ts`) has the other order, so it lists its own.
 */
import type { Field } from './field.js';
import type { ValueType } from './values.js';

/** A detail column named as in the file, with the document paths that carry the same value. */
export function doc(file: string, type: ValueType, document?: readonly string[], extra: Partial<Field> = {}): Field {
  return { file, column: file, type, ...(document ? { document } : {}), ...extra };
}

/** `certificate_number … local_authority_label` of the non-domestic and display files. */
export const COMMON_HEAD: readonly Field[] = [
  { file: 'certificate_number', column: 'certificate_number', type: 'text', shared: true },
  { file: 'address1', column: 'address_line1', type: 'text', shared: true },
  { file: 'address2', column: 'address_line2', type: 'text', shared: true },
  { file: 'address3', column: 'address_line3', type: 'text', shared: true },
  { file: 'posttown', column: 'post_town', type: 'text', shared: true },
  { file: 'postcode', column: 'postcode', type: 'text', shared: true },
  { file: 'address', column: 'address', type: 'text' },
  // ONS codes (E14…) beside the names the search API calls `constituency` and `council`.
  { file: 'constituency', column: 'constituency_code', type: 'term' },
  { file: 'constituency_label', column: 'constituency', type: 'text', shared: true },
  { file: 'local_authority', column: 'local_authority_code', type: 'term' },
  { file: 'local_authority_label', column: 'council', type: 'text', shared: true },
];

/** `uprn, uprn_source`: the last two columns of every file. */
export function commonTail(): Field[] {
  return [
    { file: 'uprn', column: 'uprn', type: 'uprn', shared: true },
    { file: 'uprn_source', column: 'uprn_source', type: 'term', document: ['uprn_source'] },
  ];
}
