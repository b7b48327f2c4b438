/**
 * The register views, derived from the declarations: `domestic_certificates`,
 * `non_domestic_certificates` and `display_certificates` show each register's certificates under the
 * bulk file's column names, in the file's order and typed (terms as their text), whichever source brought them (the file, or the API's search row and
 * document: both fill the same typed columns), then where they came from. Where a document says a
 * value otherwise than the file (a code, `Yes` for `Y`), the view reads it the file's way, so a
 * certificate reads the same from either source. `scripts/register-views.ts` prints this SQL for a
 * migration; a column added to a declaration needs a migration that creates the view again.
 *
 * `domestic_certificates` is the domestic file's; `certificate_details` (its own column names, which
 * predate these, and its coded values decoded) stays beside it.
 */
import { getTableConfig } from 'drizzle-orm/pg-core';
import { certificates } from '../db/schema.js';
import type { Field } from './field.js';
import { DETAIL_COLUMNS, registerFile } from './index.js';
import { sqlType } from './sql.js';
import type { ValueType } from './values.js';

/** The type a view shows a declared column as: a term as its text. */
export function viewType(type: ValueType): string {
  return type === 'term' ? 'text' : sqlType(type);
}

/** Term columns of `certificates`: each decoded by a join the planner drops when its column is not read. */
const TERM_COLUMNS = new Set(DETAIL_COLUMNS.filter((f) => f.type === 'term').map((f) => f.column));

/**
 * `certificates_decoded`: every column of `certificates`, in its order, with each term column's text
 * in place of its id. The views below (and `certificate_details`, `latest_certificates`) read it, so
 * they are written as if the texts were in the table. A left join to `epc_terms` on its primary key
 * that a query does not read is removed by the planner, so a query pays only for the texts it reads.
 */
export function decodedViewSql(): string {
  const columns = getTableConfig(certificates).columns.map((c) => c.name);
  const select = columns.map((name) => (TERM_COLUMNS.has(name) ? `  "t_${name}".value AS "${name}"` : `  c."${name}"`)).join(',\n');
  const joins = columns.filter((name) => TERM_COLUMNS.has(name)).map((name) => `LEFT JOIN epc_terms "t_${name}" ON "t_${name}".id = c."${name}"`).join('\n');
  return `DROP VIEW IF EXISTS certificates_decoded;\n--> statement-breakpoint\nCREATE VIEW certificates_decoded AS\nSELECT\n${select}\nFROM certificates c\n${joins};\n`;
}

export const VIEW_REGISTERS = ['domestic', 'non-domestic', 'display'] as const;
export type ViewRegister = (typeof VIEW_REGISTERS)[number];

export function viewName(register: ViewRegister): string {
  return `${register.replace('-', '_')}_certificates`;
}

interface ViewColumn {
  name: string;
  /** The SQL type the view gives it. */
  type: string;
  sql: string;
}

const text = (path: string) => {
  const keys = path.split('.');
  return keys.length === 1 ? `c.document ->> '${keys[0]}'` : `c.document #>> '{${keys.join(',')}}'`;
};
const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** How the view reads a declared column: the typed column, or the document where it says it otherwise. */
function fieldSql(field: Field): string {
  const column = `c.${field.column}`;
  if (field.coded) {
    // The file's label, else the document's code decoded by the codes lookup (epc_code, migration
    // 0014), else the code as sent when the lookup does not know it.
    const code = text(field.coded.path);
    return `coalesce(${column}, epc_code(${literal(field.coded.attribute)}, ${code}, c.schema_type, c.document ->> 'assessment_type'), ${code})`;
  }
  if (field.documentWords) {
    const words = Object.entries(field.documentWords.words).map(([from, to]) => `WHEN ${literal(from)} THEN ${literal(to)}`).join(' ');
    return `coalesce(${column}, CASE ${text(field.documentWords.path)} ${words} END)`;
  }
  // The file's `address` is the three lines joined as the warehouse joins them (CONCAT_WS(', ', …)).
  if (field.column === 'address') return `coalesce(${column}, nullif(concat_ws(', ', c.address_line1, c.address_line2, c.address_line3), ''))`;
  return column;
}

/**
 * What every register view ends with: the certificate's recommendation report (the file does not
 * carry it: search's `relatedRrn` for non-domestic, the document's `related_certificate_number`),
 * who wrote the row, its document, and whether it is still in the register.
 */
const TRAILER: readonly ViewColumn[] = [
  { name: 'related_certificate_number', type: 'text', sql: 'c.related_certificate_number' },
  { name: 'source', type: 'text', sql: 'c.source' },
  { name: 'document_status', type: 'text', sql: 'c.document_status' },
  { name: 'removed_at', type: 'timestamptz', sql: 'c.removed_at' },
  { name: 'missing_since', type: 'timestamptz', sql: 'c.missing_since' },
];

/** The view's columns in order: the file's, then the trailer. */
export function viewColumns(register: ViewRegister): readonly ViewColumn[] {
  const file = registerFile(register).fields.map((f): ViewColumn => ({ name: f.file, type: viewType(f.type), sql: fieldSql(f) }));
  return [...file, ...TRAILER];
}

/** The statements that (re)create the register's view, for a migration (drizzle's breakpoints between them). */
export function viewSql(register: ViewRegister): string {
  const name = viewName(register);
  const columns = viewColumns(register).map((c) => `  ${c.sql === `c.${c.name}` ? c.sql : `${c.sql} AS ${c.name}`}`).join(',\n');
  return `DROP VIEW IF EXISTS ${name};\n--> statement-breakpoint\nCREATE VIEW ${name} AS\nSELECT\n${columns}\nFROM certificates_decoded c\nWHERE c.register = ${literal(register)};\n`;
}
