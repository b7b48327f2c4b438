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
  /**
   * Values of this column that mean "unknown" besides the register-wide sentinels (`values.ts`): a
   * display certificate's operational rating of 9999 (a "default" DEC). NULL in the typed column.
   */
  unknown?: readonly string[];
  /** For a list in the document whose items' descriptions the file joins with ', ' (main heating). */
  documentList?: { path: string; item: readonly string[] };
  /**
   * The document carries this value as a code (non-domestic `transaction_type: 1`) where the file has
   * the label: the register views (`views.ts`) decode it through the codes lookup. Kept out of
   * `document`, so a typed column never holds a code.
   */
  coded?: { attribute: string; path: string };
  /**
   * The document words this value otherwise than the file (a DEC's `ac_present` is `Yes`/`No`, the
   * file's `aircon_present` `Y`/`N`, as the warehouse view maps it): the register views map it.
   */
  documentWords?: { path: string; words: Readonly<Record<string, string>> };
}

/** A column of the recommendations file and of the `recommendations` table. */
export interface RecommendationField {
  file: string;
  column: string;
  type: ValueType;
  /**
   * The export writes the certificate's own number here (it joins the report's items to the
   * certificate on this column and drops the report's number): a value that only repeats
   * `certificate_number` is stored NULL, since it does not name the report.
   */
  repeatsCertificate?: true;
}
