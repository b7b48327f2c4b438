/** Rows → an aligned text table for `epc-sync sql` (JSON values and newlines shown escaped). */
export function formatRows(rows: ReadonlyArray<Record<string, unknown>>): string {
  if (rows.length === 0) return '(0 rows)';
  const columns = Object.keys(rows[0] ?? {});
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    if (v instanceof Date) return v.toISOString();
    const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
    return text.replace(/\n/g, '\\n');
  };
  const cells = rows.map((row) => columns.map((c) => cell(row[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i] ?? 0)).join(' | ').trimEnd();
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('-+-'), ...cells.map(line), `(${rows.length} row${rows.length === 1 ? '' : 's'})`].join('\n');
}
