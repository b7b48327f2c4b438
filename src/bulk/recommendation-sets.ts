/**
 * A batch's recommendations, gathered into one row per certificate: the set's items and each declared
 * value as parallel arrays (`recommendation_sets`, read item by item through the `recommendations`
 * view). A certificate has about four; one row instead of four is a quarter of the tuples and of the
 * primary key's entries, which is most of what storing them costs. Pure.
 */
import { copyField } from '../db/copy-text.js';
import type { RecommendationField } from '../registers/field.js';

/** An array element of a text column: quoted, with `"` and `\` escaped, as array input reads it. */
const quoted = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;

export class RecommendationSets {
  /** certificate → item → values (in the order of `fields`). */
  private sets = new Map<string, Map<string, Array<string | null>>>();
  private readonly text: boolean[];

  /** `fields`: the declared values after the certificate number and the item, in order. */
  constructor(fields: readonly RecommendationField[]) {
    this.text = fields.map((f) => f.type === 'text');
  }

  /** Adds an item; false when the batch had this certificate's item already (the later one wins). */
  add(certificate: string, item: string, values: Array<string | null>): boolean {
    let set = this.sets.get(certificate);
    if (!set) this.sets.set(certificate, (set = new Map()));
    const had = set.has(item);
    set.set(item, values);
    return !had;
  }

  /** COPY text: `prefix` + certificate number + items + one array per value, a row per certificate. */
  take(prefix: string): string {
    const rows: string[] = [];
    for (const [certificate, set] of this.sets) {
      const items = [...set.keys()].sort((a, b) => Number(a) - Number(b));
      const columns = [certificate, `{${items.join(',')}}`];
      this.text.forEach((isText, v) => {
        const elements = items.map((item) => {
          const value = set.get(item)![v] ?? null;
          return value === null ? 'NULL' : isText ? quoted(value) : value;
        });
        // Always the whole array, NULLs included: a set continued by a later batch is appended to, and
        // its arrays must stay aligned with its items.
        columns.push(copyField(`{${elements.join(',')}}`));
      });
      rows.push(`${prefix}${columns.join('\t')}\n`);
    }
    this.sets = new Map();
    return rows.join('');
  }
}
