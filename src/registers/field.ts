/**
 * What one column of a register's bulk file is: its name in the file, the column of `certificates`
 * it fills, its type, and where the API's certificate document carries the same value. A register
 * declares its columns once (`domestic.ts`); the schema, the bulk parser, the COPY, the upgrade of
 * 0.1.0's stored rows and the document path are all derived from that list.
 */
import type { ValueType } from './values.js';

export interface Field {
  /** Name in the file's header, lower-case (headers are matched without regard to case). */
  file: string;
  /** Column of `certificates`. */
  column: string;
  type: ValueType;
  /**
   * A column of the search row too (address, postcode, band, day, UPRN…): the API's day walk writes
   * it, and the file never overwrites a certificate the API wrote.
   */
  shared?: true;
  /**
   * Where a certificate document (`/api/certificate`) carries the same value, as dotted paths (array
   * elements by index); the first one present wins. Coded values (property type, built form, fuel…)
   * are left out: the document has the code where the file has the label.
   */
  document?: readonly string[];
  /** For a list in the document whose items' descriptions the file joins with ', ' (main heating). */
  documentList?: { path: string; item: readonly string[] };
}

/** A column of the recommendations file and of the `recommendations` table. */
export interface RecommendationField {
  file: string;
  column: string;
  type: ValueType;
}
