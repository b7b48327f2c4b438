/**
 * SQL derived from a register's declaration: the expression that reads a column's value out of a
 * certificate document. It calls the `epc_value_*` functions of migration 0009, which read values
 * exactly as `values.ts` does (sentinels and unreadable text become NULL, never an error); a column's
 * own "unknown" values (`Field.unknown`) become NULL too.
 */
import type { Field } from './field.js';
import type { ValueType } from './values.js';

const SQL_TYPE: Record<ValueType, string> = {
  text: 'text',
  term: 'integer',
  integer: 'integer',
  real: 'real',
  date: 'date',
  timestamptz: 'timestamptz',
  band: 'text',
  uprn: 'bigint',
};

export function sqlType(type: ValueType): string {
  return SQL_TYPE[type];
}

/** `text` of a value as stored, typed: e.g. `epc_value_real(x)`; text stays text; a term becomes its id. */
export function typedSql(type: ValueType, textExpr: string): string {
  if (type === 'text') return `nullif(${textExpr}, '')`;
  if (type === 'term') return `epc_term_id(nullif(${textExpr}, ''))`;
  return `epc_value_${type}(${textExpr})`;
}

const pathSql = (doc: string, path: string) => `${doc} #>> '{${path.split('.').join(',')}}'`;

/** The field's value in a document (`doc`: a jsonb expression), or null when it has no document path. */
export function documentValueSql(field: Field, doc: string): string | null {
  if (field.documentList) {
    const { path, item } = field.documentList;
    const list = `${doc} #> '{${path.split('.').join(',')}}'`;
    const text = `coalesce(${item.map((p) => pathSql('e', p)).join(', ')})`;
    const joined = `(SELECT string_agg(${text}, ', ' ORDER BY n) FROM jsonb_array_elements(CASE WHEN jsonb_typeof(${list}) = 'array' THEN ${list} END) WITH ORDINALITY AS l(e, n) WHERE nullif(${text}, '') IS NOT NULL)`;
    return typedSql(field.type, joined);
  }
  if (!field.document) return null;
  const text = field.document.length === 1 ? pathSql(doc, field.document[0]!) : `coalesce(${field.document.map((p) => pathSql(doc, p)).join(', ')})`;
  return unknownAsNull(field, text, typedSql(field.type, text));
}

const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** The column's own "unknown" values (a display rating of 9999) are NULL, as the register's sentinels are. */
function unknownAsNull(field: Field, text: string, typed: string): string {
  if (!field.unknown?.length) return typed;
  return `CASE WHEN btrim(${text}) IN (${field.unknown.map(literal).join(', ')}) THEN NULL ELSE ${typed} END`;
}
