/**
 * The parse worker's side of the term dictionary (`epc_terms`): a term column's text becomes the id
 * of its term. Known terms come from the database at the start of the import; a text seen for the
 * first time gets the next id of the range the import reserved for this worker (`db/terms.ts`), and is
 * handed over with the batch that first uses it, so the database stores a term in the same
 * transaction as, or before, the first row that refers to it. Pure: no database here.
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
  /** The first id of the worker's range and the range's size. */
  first: number;
  size: number;
}

/**
 * Characters of text remembered at most (~16 MB of a worker's heap): a register's repeated texts,
 * improvement descriptions of several hundred characters included, take a fraction of it; free text a
 * term column might carry must not grow the heap without bound. Past it, a new text still gets an id
 * (it is stored again), it is only not remembered. `db/terms.ts` reads no more than this either.
 */
export const REMEMBERED_CHARACTERS = 8_000_000;

export class TermWriter {
  private readonly ids = new Map<string, string>();
  private next: number;
  private readonly end: number;
  private readonly size: number;
  private fresh: string[] = [];
  private remembered = 0;

  constructor(seed: TermSeed) {
    for (const [id, text] of seed.known) this.remember(text, String(id));
    this.next = seed.first;
    this.end = seed.first + seed.size;
    this.size = seed.size;
  }

  /** The id of `text` as COPY text; null when the text cannot be stored (a NUL character). */
  id(text: string): string | null {
    const known = this.ids.get(text);
    if (known !== undefined) return known;
    if (text.includes('\u0000')) return null;
    if (this.next >= this.end) {
      throw new BulkFileError(`the file has more new distinct texts than the ${this.size} ids an import reserves for each parser; report this file`);
    }
    const id = String(this.next);
    this.next += 1;
    this.remember(text, id);
    this.fresh.push(`${id}\t${copyField(text)}\n`);
    return id;
  }

  private remember(text: string, id: string): void {
    if (this.remembered + text.length > REMEMBERED_CHARACTERS || this.ids.has(text)) return;
    this.remembered += text.length;
    this.ids.set(text, id);
  }

  /** COPY text (`id`, `value`) of the terms added since the last call. */
  takeNew(): string {
    const out = this.fresh.join('');
    this.fresh = [];
    return out;
  }
}
