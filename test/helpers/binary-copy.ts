/**
 * Reads a binary COPY batch (`src/bulk/copy-binary.ts`, `src/bulk/recommendation-sets.ts`) back into
 * records of text values, for tests that compare what two writers made: integers and days as numbers,
 * reals as every digit of their float32, timestamps in microseconds, text and jsonb as text (jsonb
 * without its version byte), an array as array text (`{1,NULL,3}`, a text element JSON-quoted).
 */
import { BINARY_HEADER, type BinaryType } from '../../src/bulk/copy-binary.js';
import { setFields, type RegisterFile } from '../../src/registers/index.js';
import { sqlType } from '../../src/registers/sql.js';

/** The element oids `array_send` writes, by array type. */
const ARRAYS = { 'smallint[]': 21, 'integer[]': 23, 'text[]': 25 } as const;
type ArrayType = keyof typeof ARRAYS;
export type DecodedType = BinaryType | ArrayType;

/** The columns of a batch of recommendation sets (`recommendationCopyColumns`), as their types. */
export function recommendationSetTypes(file: RegisterFile): DecodedType[] {
  return ['text', 'text', 'integer', 'text', 'smallint[]', ...setFields(file).map((f) => `${sqlType(f.type)}[]` as ArrayType)];
}

function decodeArray(view: DataView, bytes: Uint8Array, at: number, length: number, type: ArrayType): string {
  const decoder = new TextDecoder();
  const [dims, , oid, n, lower] = [0, 4, 8, 12, 16].map((k) => view.getInt32(at + k));
  if (dims !== 1 || lower !== 1 || oid !== ARRAYS[type]) throw new Error(`not a one-dimensional ${type}: ${dims} dims, oid ${oid}, from ${lower}`);
  const elements: string[] = [];
  let p = at + 20;
  for (let i = 0; i < n!; i += 1) {
    const size = view.getInt32(p);
    p += 4;
    if (size === -1) elements.push('NULL');
    else if (type === 'text[]') elements.push(JSON.stringify(decoder.decode(bytes.subarray(p, p + size))));
    else elements.push(String(type === 'smallint[]' ? view.getInt16(p) : view.getInt32(p)));
    p += Math.max(size, 0);
  }
  if (p !== at + length) throw new Error(`an array of ${length} bytes holds ${p - at}`);
  return `{${elements.join(',')}}`;
}

export function decodeBinaryCopy(bytes: Uint8Array, types: readonly DecodedType[]): Array<Array<string | null>> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder();
  const records: Array<Array<string | null>> = [];
  let at = BINARY_HEADER.length;
  for (;;) {
    const count = view.getInt16(at);
    at += 2;
    if (count === -1) break;
    if (count !== types.length) throw new Error(`a record of ${count} fields for ${types.length} columns`);
    const record: Array<string | null> = [];
    for (const type of types) {
      const length = view.getInt32(at);
      at += 4;
      if (length === -1) {
        record.push(null);
        continue;
      }
      const value = (() => {
        switch (type) {
          case 'integer':
          case 'date':
            return String(view.getInt32(at));
          case 'bigint':
          case 'timestamptz':
            return String(view.getBigInt64(at));
          case 'real':
            return String(view.getFloat32(at));
          case 'jsonb':
            return decoder.decode(bytes.subarray(at + 1, at + length));
          case 'text':
            return decoder.decode(bytes.subarray(at, at + length));
          default:
            return decodeArray(view, bytes, at, length, type);
        }
      })();
      record.push(value);
      at += length;
    }
    records.push(record);
  }
  if (at !== bytes.length) throw new Error(`${bytes.length - at} bytes after the trailer`);
  return records;
}
