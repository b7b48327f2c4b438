/**
 * The registers whose bulk files epc-sync reads, and the COPY layout derived from each declaration:
 * the same column lists feed the parser (`bulk/row.ts`), the COPY and the merge (`db/bulk.ts`).
 */
import { DISPLAY_FIELDS } from './display.js';
import { DOMESTIC_FIELDS, DOMESTIC_RECOMMENDATION_FIELDS } from './domestic.js';
import { NON_DOMESTIC_FIELDS, REPORT_RECOMMENDATION_FIELDS } from './non-domestic.js';
import { BulkFileError } from '../errors.js';
import type { Field, RecommendationField } from './field.js';

export interface RegisterFile {
  register: string;
  fields: readonly Field[];
  recommendations: readonly RecommendationField[];
}

const FILES: Readonly<Record<string, Omit<RegisterFile, 'register'>>> = {
  domestic: { fields: DOMESTIC_FIELDS, recommendations: DOMESTIC_RECOMMENDATION_FIELDS },
  'non-domestic': { fields: NON_DOMESTIC_FIELDS, recommendations: REPORT_RECOMMENDATION_FIELDS },
  display: { fields: DISPLAY_FIELDS, recommendations: REPORT_RECOMMENDATION_FIELDS },
};

/** The registers whose bulk files epc-sync reads, in the API's order. */
export const BULK_REGISTERS: readonly string[] = Object.keys(FILES);

/** A register's columns the search row does not carry: its details, filled by the file and by documents. */
export function detailFields(register: string): readonly Field[] {
  return registerFile(register).fields.filter((f) => !f.shared);
}

/**
 * Every detail column of `certificates`, once: registers share a column where the file's value means
 * the same (inspection date, property type, floor area…), and must then agree on its type.
 */
export const DETAIL_COLUMNS: readonly Field[] = (() => {
  const byColumn = new Map<string, Field>();
  for (const register of Object.keys(FILES)) {
    for (const field of detailFields(register)) {
      const seen = byColumn.get(field.column);
      if (seen && seen.type !== field.type) {
        throw new Error(`registers: column ${field.column} is ${seen.type} in one register and ${field.type} in another`);
      }
      if (!seen) byColumn.set(field.column, field);
    }
  }
  return [...byColumn.values()];
})();

export function registerFile(register: string): RegisterFile {
  const file = FILES[register];
  if (!file) throw new BulkFileError(`the ${register} register's bulk file is not supported yet (only: ${Object.keys(FILES).join(', ')})`);
  return { register, ...file };
}

/** `certificates` columns a certificates record fills, in COPY order (`row.ts` writes them so). */
export function certificateCopyColumns(file: RegisterFile): string[] {
  return ['register', 'source', ...file.fields.map((f) => f.column), 'bulk_extra'];
}

/** The recommendation fields a set holds as arrays: every declared one but the certificate and the item. */
export function setFields(file: RegisterFile): readonly RecommendationField[] {
  return file.recommendations.filter((f) => f.column !== 'certificate_number' && f.column !== 'item');
}

/** `recommendation_sets` columns a certificate's set fills, in COPY order (`bulk/recommendation-sets.ts`). */
export function recommendationCopyColumns(file: RegisterFile): string[] {
  return ['register', 'source', 'import_id', 'certificate_number', 'items', ...setFields(file).map((f) => f.column)];
}

/** What `row.ts` writes before a record's own values: the constants of `*CopyColumns`. */
export function copyPrefixes(register: string, importId: number): { certificates: string; recommendations: string } {
  return { certificates: `${register}\tbulk\t`, recommendations: `${register}\tbulk\t${importId}\t` };
}
