/**
 * The parse worker's side of the term dictionary (`epc_terms`): a term column's text becomes the id
 * of its term. Known terms come from the database at the start of the import; a text seen for the
 * first time gets the next id of the range the import reserved for this worker (`db/terms.ts`), and is
 * handed over with the batch that first uses it, so the database stores a term in the same
 * transaction as, or before, the first row that refers to it. Pure: no database here.
 *
 * The dictionary is keyed by the text's UTF-8 bytes, so the byte parser (`record-bytes.ts`) looks a
 * field up where it lies in the file's buffer, without making a string of it: most fields of a row
 * are terms, and a string per field was a third of the parsing's cost.
 *
 * Two workers may each meet a new text and give it an id of their own: the dictionary then holds it
 * twice, under two ids, which decode alike. Uniqueness is not worth a round trip per new text.
 */
import { copyField } from '../db/copy-text.js';
import { BulkFileError } from '../errors.js';

/** What a worker starts from: the terms the database has, and its own range of ids for new ones. */
export interface TermSeed {
  /** [id, text] of terms already stored (possibly only some: a text not among them is added again). */
  known: ReadonlyArray<readonly [number, string]>;
  /**
   * The worker's ids for new terms: `size` of them, `first`, `first + stride`, … Workers sharing a
   * reservation interleave (worker k of n: `first + k`, stride n), so every worker's ids stay as short
   * as the dictionary is small: an id is written in every row, and 8-digit ids made a fifth of the
   * COPY text.
   */
  first: number;
  size: number;
  stride?: number;
}

/**
 * Bytes of text remembered at most (~8 MB of a worker's heap): a register's repeated texts,
 * improvement descriptions of several hundred characters included, take a fraction of it; free text a
 * term column might carry must not grow the heap without bound. Past it, a new text still gets an id
 * (it is stored again), it is only not remembered. `db/terms.ts` reads no more characters than this.
 */
export const REMEMBERED_CHARACTERS = 8_000_000;

const QUOTE = 0x22;
/** Bytes past which a field is compared with the arena natively (`Buffer.compare`), not byte by byte. */
const LONG_FIELD = 32;
const encoder = new TextEncoder();

/**
 * A hash of a field's bytes: all of a short one; of a long one its length, first, middle and last
 * 16 bytes (descriptions of one kind differ at their ends: "… 0.25 W/m²K"). Collisions cost a byte
 * comparison, never a wrong id.
 */
function hashOf(b: Uint8Array, s: number, e: number): number {
  const n = e - s;
  let h = Math.imul(n, 0x9e3779b1);
  if (n <= 48) {
    for (let i = s; i < e; i += 1) h = Math.imul(h ^ b[i]!, 0x01000193);
  } else {
    const m = s + (n >> 1) - 8;
    for (let i = s; i < s + 16; i += 1) h = Math.imul(h ^ b[i]!, 0x01000193);
    for (let i = m; i < m + 16; i += 1) h = Math.imul(h ^ b[i]!, 0x01000193);
    for (let i = e - 16; i < e; i += 1) h = Math.imul(h ^ b[i]!, 0x01000193);
  }
  return h ^ (h >>> 15);
}

export class TermWriter {
  /** Open addressing: entry index + 1, 0 for an empty slot. */
  private slots = new Int32Array(1 << 14);
  private hashes = new Int32Array(1 << 13);
  private starts = new Int32Array(1 << 13);
  private lengths = new Int32Array(1 << 13);
  private ids = new Int32Array(1 << 13);
  private count = 0;
  /** The remembered texts' bytes, end to end. */
  private arena = new Uint8Array(1 << 16);
  /** The arena as a Buffer, for its native `compare`. */
  private arenaBuffer = Buffer.from(this.arena.buffer);
  private used = 0;
  /** A field with doubled quotes, unquoted. */
  private scratch = new Uint8Array(1 << 12);
  private next: number;
  private readonly end: number;
  private readonly size: number;
  private readonly stride: number;
  private fresh: string[] = [];

  constructor(seed: TermSeed) {
    for (const [id, text] of seed.known) {
      const bytes = encoder.encode(text);
      const h = hashOf(bytes, 0, bytes.length);
      if (this.find(bytes, 0, bytes.length, h) < 0) this.remember(bytes, 0, bytes.length, h, id);
    }
    this.stride = seed.stride ?? 1;
    this.next = seed.first;
    this.end = seed.first + seed.size * this.stride;
    this.size = seed.size;
  }

  /** The id of `text` as COPY text; null when the text cannot be stored (a NUL character). */
  id(text: string): string | null {
    const bytes = encoder.encode(text);
    const id = this.idOfBytes(bytes, 0, bytes.length);
    return id < 0 ? null : String(id);
  }

  /**
   * The id of the text in bytes `s`..`e` of `b` (a CSV field: `doubledQuotes` when `""` in it stands
   * for `"`); -1 when the text cannot be stored (a NUL character).
   */
  idOfBytes(b: Uint8Array, s: number, e: number, doubledQuotes = false): number {
    if (doubledQuotes) {
      const n = this.unquote(b, s, e);
      return this.idOfBytes(this.scratch, 0, n);
    }
    const h = hashOf(b, s, e);
    const found = this.find(b, s, e, h);
    if (found >= 0) return this.ids[found]!;
    for (let i = s; i < e; i += 1) if (b[i] === 0) return -1;
    if (this.next >= this.end) {
      throw new BulkFileError(`the file has more new distinct texts than the ${this.size} ids an import reserves for each parser; report this file`);
    }
    const id = this.next;
    this.next += this.stride;
    this.remember(b, s, e, h, id);
    // The text as a string only here, once per new term: invalid UTF-8 reads as U+FFFD, as a decoder would.
    this.fresh.push(`${id}\t${copyField(Buffer.from(b.buffer, b.byteOffset + s, e - s).toString('utf8'))}\n`);
    return id;
  }

  /** COPY text (`id`, `value`) of the terms added since the last call. */
  takeNew(): string {
    const out = this.fresh.join('');
    this.fresh = [];
    return out;
  }

  private find(b: Uint8Array, s: number, e: number, h: number): number {
    const n = e - s;
    const mask = this.slots.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]! - 1;
      if (entry < 0) return -1;
      if (this.hashes[entry] !== h || this.lengths[entry] !== n) continue;
      const at = this.starts[entry]!;
      // A long text (an improvement's description) is compared natively: a byte loop over hundreds
      // of bytes cost more than the call.
      if (n > LONG_FIELD) {
        if (this.arenaBuffer.compare(b, s, e, at, at + n) === 0) return entry;
        continue;
      }
      let i = 0;
      while (i < n && this.arena[at + i] === b[s + i]) i += 1;
      if (i === n) return entry;
    }
  }

  private remember(b: Uint8Array, s: number, e: number, h: number, id: number): void {
    const n = e - s;
    if (this.used + n > REMEMBERED_CHARACTERS) return;
    if (this.used + n > this.arena.length) {
      this.arena = grow(this.arena, this.used + n);
      this.arenaBuffer = Buffer.from(this.arena.buffer);
    }
    this.arena.set(b.subarray(s, e), this.used);
    const entry = this.count;
    if (entry === this.ids.length) {
      this.hashes = grow(this.hashes, entry + 1);
      this.starts = grow(this.starts, entry + 1);
      this.lengths = grow(this.lengths, entry + 1);
      this.ids = grow(this.ids, entry + 1);
    }
    this.hashes[entry] = h;
    this.starts[entry] = this.used;
    this.lengths[entry] = n;
    this.ids[entry] = id;
    this.used += n;
    this.count += 1;
    // At most half full, so a probe ends soon.
    if (this.count * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(entry);
  }

  private place(entry: number): void {
    const mask = this.slots.length - 1;
    let slot = this.hashes[entry]! & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = entry + 1;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    for (let entry = 0; entry < this.count; entry += 1) this.place(entry);
  }

  /** Bytes `s`..`e` into the scratch buffer with each `""` made `"`; returns the length. */
  private unquote(b: Uint8Array, s: number, e: number): number {
    if (this.scratch.length < e - s) this.scratch = new Uint8Array(e - s);
    let n = 0;
    for (let i = s; i < e; i += 1) {
      this.scratch[n] = b[i]!;
      n += 1;
      if (b[i] === QUOTE && b[i + 1] === QUOTE && i + 1 < e) i += 1;
    }
    return n;
  }
}

/** A typed array of at least `size` elements holding `a`'s. */
function grow<T extends Uint8Array | Int32Array>(a: T, size: number): T {
  let length = a.length * 2;
  while (length < size) length *= 2;
  const bigger = new (a.constructor as new (n: number) => T)(length);
  bigger.set(a);
  return bigger;
}
