/**
 * Rows for `COPY … FROM STDIN` in PostgreSQL's text format: tab between fields, `\N` for NULL, and a
 * backslash before a backslash, tab, newline or carriage return in a value. Chosen over CSV because
 * the whole-row JSON of a bulk record holds hundreds of double quotes, which CSV would double (a new
 * string per row); text format leaves them alone, and most values need no escaping at all.
 * Text goes through byte for byte.
 */
export type CopyValue = string | number | null;

const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

export function copyField(value: CopyValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return SPECIAL.test(value) ? value.replace(SPECIALS, (c) => ESCAPES[c]!) : value;
}

/** One record, with its line end. */
export function copyRecord(values: readonly CopyValue[]): string {
  return `${values.map(copyField).join('\t')}\n`;
}
