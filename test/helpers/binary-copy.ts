/**
 * Reads a binary COPY batch (`src/bulk/copy-binary.ts`) back into records of text values, for tests
 * that compare what two writers made: integers and days as numbers, reals as every digit of their
 * float32, timestamps in microseconds, text and jsonb as text (jsonb without its version byte).
 */
import { BINARY_HEADER, type BinaryType } from '../../src/bulk/copy-binary.js';

export function decodeBinaryCopy(bytes: Uint8Array, types: readonly BinaryType[]): Array<Array<string | null>> {
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
