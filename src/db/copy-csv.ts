/**
 * Text for `COPY … FROM STDIN WITH (FORMAT csv)`: every value quoted (so an empty string stays an empty
 * string) and NULL as an unquoted empty field. Text goes through byte for byte: quotes are doubled,
 * newlines and commas stay inside the quotes.
 */
export type CopyValue = string | number | null;

export function copyField(value: CopyValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  return value.includes('"') ? `"${value.replace(/"/g, '""')}"` : `"${value}"`;
}

/** One record, with its line end. */
export function copyRecord(values: readonly CopyValue[]): string {
  let line = copyField(values[0] ?? null);
  for (let i = 1; i < values.length; i += 1) line += `,${copyField(values[i] ?? null)}`;
  return `${line}\n`;
}
