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
      const items = set.size === 1 ? [...set.keys()] : [...set.keys()].sort((a, b) => Number(a) - Number(b));
      const values = items.map((item) => set.get(item)!);
      let row = `${prefix}${certificate}\t{${items.join(',')}}`;
      for (let v = 0; v < this.text.length; v += 1) {
        // Always the whole array, NULLs included: a set continued by a later batch is appended to, and
        // its arrays must stay aligned with its items.
        let array = '{';
        for (let i = 0; i < values.length; i += 1) {
          const value = values[i]![v] ?? null;
          if (i > 0) array += ',';
          array += value === null ? 'NULL' : this.text[v] ? quoted(value) : value;
        }
        // Only a text array can hold a character COPY escapes; ids and numbers cannot.
        row += `\t${this.text[v] ? copyField(`${array}}`) : `${array}}`}`;
      }
      rows.push(`${row}\n`);
    }
    this.sets = new Map();
    return rows.join('');
  }
}
