/**
 * A batch's recommendations, gathered into one row per certificate: the set's items and each declared
 * value as parallel arrays (`recommendation_sets`, read item by item through the `recommendations`
 * view). A certificate has about four; one row instead of four is a quarter of the tuples and of the
 * primary key's entries, which is most of what storing them costs.
 *
 * Written in COPY's binary format (`copy-binary.ts`; an array as `array_send` writes it). Items are
 * kept in flat arrays, not an object per item: a file has four recommendations per certificate, and
 * the parse worker spent more on the objects of the old text sets (and on collecting them) than on
 * reading the records. Pure.
 */
import type { RecommendationField } from '../registers/field.js';
import { sqlType } from '../registers/sql.js';
import { ByteSink } from './byte-sink.js';
import { BINARY_HEADER, BINARY_TRAILER, writeBinaryValue, type BinaryType } from './copy-binary.js';

/** An item's value: a term id, text, or null. Ids may come as their text (`row.ts`). */
export type SetValue = number | string | null;

/** One recommendation as either parser reads it: its certificate, its item, its set's values in order. */
export interface SetItem {
  certificate: string;
  item: number;
  values: ArrayLike<SetValue>;
}

/** Element type oids of the arrays a set writes (`array_recv` checks them against the column's). */
const INT2 = 21;
const INT4 = 23;
const TEXT = 25;
const ELEMENT: Readonly<Record<string, number>> = { integer: INT4, text: TEXT };

/** The constants before a set's certificate number (`recommendationCopyColumns`): register, source, import_id. */
const HEAD_TYPES: readonly BinaryType[] = ['text', 'text', 'integer'];

export class RecommendationSets {
  /** Each value column's array element type (an oid). */
  private readonly elements: number[];
  private readonly width: number;
  /** The record's field count and its constant first fields, in binary. */
  private readonly head: Uint8Array;
  /** The batch's certificates in order of first appearance, and each one's index. */
  private certificates: string[] = [];
  private indexOf = new Map<string, number>();
  /** Per certificate: the slot of its newest item. Per slot: the same certificate's item before it (-1: none). */
  private newest: number[] = [];
  private before: number[] = [];
  private items: number[] = [];
  /** `width` values a slot. */
  private values: SetValue[] = [];
  private count = 0;
  private readonly out = new ByteSink(1 << 18);
  /** A set's slots, ordered by item (reused). */
  private order: number[] = [];

  /**
   * `fields`: the declared values after the certificate number and the item, in order; `prefix`: the
   * constants of `copyPrefixes(…).recommendations` (register, source, import id).
   */
  constructor(fields: readonly RecommendationField[], prefix: string) {
    this.elements = fields.map((f) => {
      const oid = ELEMENT[sqlType(f.type)];
      if (oid === undefined) throw new Error(`no array element for a ${f.type} recommendation value (${f.column})`);
      return oid;
    });
    this.width = fields.length;
    const constants = prefix.split('\t').slice(0, HEAD_TYPES.length);
    const sink = new ByteSink(64);
    sink.int16(HEAD_TYPES.length + 2 + this.width);
    constants.forEach((value, i) => writeBinaryValue(sink, HEAD_TYPES[i]!, value));
    this.head = sink.take();
    this.out.bytes(BINARY_HEADER, 0, BINARY_HEADER.length);
  }

  /**
   * Adds an item (its `values` are copied: the caller may reuse the array); false when the batch had
   * this certificate's item already (the later one wins).
   */
  add(certificate: string, item: number, values: ArrayLike<SetValue>): boolean {
    let c = this.indexOf.get(certificate);
    if (c === undefined) {
      c = this.certificates.length;
      this.indexOf.set(certificate, c);
      this.certificates.push(certificate);
      this.newest.push(-1);
    }
    for (let slot = this.newest[c]!; slot >= 0; slot = this.before[slot]!) {
      if (this.items[slot] === item) {
        this.setValues(slot, values);
        return false;
      }
    }
    const slot = this.count++;
    this.items[slot] = item;
    this.before[slot] = this.newest[c]!;
    this.newest[c] = slot;
    this.setValues(slot, values);
    return true;
  }

  private setValues(slot: number, values: ArrayLike<SetValue>): void {
    const at = slot * this.width;
    for (let v = 0; v < this.width; v += 1) this.values[at + v] = values[v] ?? null;
  }

  /** The batch as binary COPY, a row per certificate (in order of first appearance); the sets start over. */
  take(): Uint8Array {
    const { out, width } = this;
    for (let c = 0; c < this.certificates.length; c += 1) {
      const order = this.slotsOf(c);
      out.bytes(this.head, 0, this.head.length);
      out.lengthPrefixed(this.certificates[c]!);
      this.itemArray(order);
      // Always the whole array, NULLs included: a set continued by a later batch is appended to, and
      // its arrays must stay aligned with its items.
      for (let v = 0; v < width; v += 1) this.valueArray(order, v);
    }
    out.bytes(BINARY_TRAILER, 0, BINARY_TRAILER.length);
    const copy = out.take();
    out.bytes(BINARY_HEADER, 0, BINARY_HEADER.length);
    this.certificates = [];
    this.indexOf = new Map();
    this.newest.length = 0;
    this.count = 0;
    return copy;
  }

  /** Certificate `c`'s slots by item number (a handful: insertion sort). */
  private slotsOf(c: number): number[] {
    const order = this.order;
    order.length = 0;
    for (let slot = this.newest[c]!; slot >= 0; slot = this.before[slot]!) order.push(slot);
    // Newest first; the file lists a certificate's items in order, so reversed they are mostly sorted.
    order.reverse();
    for (let i = 1; i < order.length; i += 1) {
      const slot = order[i]!;
      const item = this.items[slot]!;
      let j = i - 1;
      while (j >= 0 && this.items[order[j]!]! > item) {
        order[j + 1] = order[j]!;
        j -= 1;
      }
      order[j + 1] = slot;
    }
    return order;
  }

  /** `array_send`'s layout: dimensions, null flag, element oid, length and lower bound, then the elements. */
  private arrayHead(bytes: number, hasNull: boolean, oid: number, n: number): void {
    const { out } = this;
    out.int32(bytes);
    out.int32(1);
    out.int32(hasNull ? 1 : 0);
    out.int32(oid);
    out.int32(n);
    out.int32(1);
  }

  private itemArray(order: readonly number[]): void {
    this.arrayHead(20 + order.length * 6, false, INT2, order.length);
    for (const slot of order) {
      this.out.int32(2);
      this.out.int16(this.items[slot]!);
    }
  }

  private valueArray(order: readonly number[], v: number): void {
    const { out, values, width } = this;
    const oid = this.elements[v]!;
    let hasNull = false;
    for (const slot of order) if (values[slot * width + v] === null) hasNull = true;
    const mark = out.length;
    this.arrayHead(0, hasNull, oid, order.length);
    for (const slot of order) {
      const value = values[slot * width + v] ?? null;
      if (value === null) out.int32(-1);
      else if (oid === TEXT) out.lengthPrefixed(String(value));
      else {
        out.int32(4);
        out.int32(typeof value === 'number' ? value : Number(value));
      }
    }
    // The array's own length, now that its elements are written.
    out.patchInt32(mark, out.length - mark - 4);
  }
}
