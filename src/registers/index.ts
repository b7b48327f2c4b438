/**
 * The registers whose bulk files epc-sync reads, and the COPY layout derived from each declaration:
 * the same column lists feed the parser (`bulk/row.ts`), the COPY and the merge (`db/bulk.ts`).
 */
import { DOMESTIC_FIELDS, DOMESTIC_RECOMMENDATION_FIELDS } from './domestic.js';
import { BulkFileError } from '../errors.js';
import type { Field, RecommendationField } from './field.js';

export interface RegisterFile {
  register: string;
  fields: readonly Field[];
  recommendations: readonly RecommendationField[];
}

const FILES: Readonly<Record<string, Omit<RegisterFile, 'register'>>> = {
  domestic: { fields: DOMESTIC_FIELDS, recommendations: DOMESTIC_RECOMMENDATION_FIELDS },
};

export function registerFile(register: string): RegisterFile {
  const file = FILES[register];
  if (!file) throw new BulkFileError(`the ${register} register's bulk file is not supported yet (only: ${Object.keys(FILES).join(', ')})`);
  return { register, ...file };
}

/** `certificates` columns a certificates record fills, in COPY order (`row.ts` writes them so). */
export function certificateCopyColumns(file: RegisterFile): string[] {
  return ['register', 'source', ...file.fields.map((f) => f.column), 'bulk_extra'];
}

/** `recommendations` columns a recommendations record fills, in COPY order. */
export function recommendationCopyColumns(file: RegisterFile): string[] {
  return ['register', 'source', 'import_id', ...file.recommendations.map((f) => f.column)];
}

/** What `row.ts` writes before a record's own values: the constants of `*CopyColumns`. */
export function copyPrefixes(register: string, importId: number): { certificates: string; recommendations: string } {
  return { certificates: `${register}\tbulk\t`, recommendations: `${register}\tbulk\t${importId}\t` };
}
