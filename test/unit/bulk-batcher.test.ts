/**
 * An entry's records into batches: a batch of recommendations ends where a certificate does, so the
 * straight COPY of the next batch never meets a certificate the batch before stored (which would send
 * the whole batch through the slower staged merge).
 */
import { describe, expect, it } from 'vitest';
import { EntryBatcher } from '../../src/bulk/batcher.js';
import { TermWriter } from '../../src/bulk/terms.js';
import { registerFile } from '../../src/registers/index.js';
import { decodeBinaryCopy, recommendationSetTypes } from '../helpers/binary-copy.js';

const HEADER = ['certificate_number', 'improvement_item', 'improvement_id', 'improvement_summary_text', 'improvement_descr_text', 'indicative_cost'];
const A = '0000-0000-0000-0000-0001';
const B = '0000-0000-0000-0000-0002';
const C = '0000-0000-0000-0000-0003';
const item = (certificate: string, n: number) => [certificate, String(n), '5', 'Loft insulation', 'Insulate the loft.', '£100 - £350'];

/** The certificates of a batch's COPY rows, with their items. */
const sets = (copy: Uint8Array) => decodeBinaryCopy(copy, recommendationSetTypes(registerFile('domestic'))).map(([, , , certificate, items]) => `${certificate} ${items}`);

describe('EntryBatcher, recommendations', () => {
  it('ends a full batch where the next certificate begins, never inside a certificate\'s items', () => {
    const batcher = new EntryBatcher({ name: 'recommendations-2026.csv', kind: 'recommendations' }, registerFile('domestic'), 'domestic\tbulk\t1\t', '2026-12-01', 3, new TermWriter({ known: [], first: 1, size: 100 }));
    expect(batcher.add(HEADER)).toBe(false);
    const records = [item(A, 1), item(A, 2), item(B, 1), item(B, 2), item(B, 3), item(C, 1)];
    const full = records.map((r) => batcher.add(r));
    // Full at the third record, but B goes on: the batch is taken when C begins.
    expect(full).toEqual([false, false, false, false, false, true]);
    const first = batcher.take(0, null);
    expect(first).toMatchObject({ kind: 'recommendations', rows: 5, read: 5 });
    expect(sets(first.copy)).toEqual([`${A} {1,2}`, `${B} {1,2,3}`]);
    // C's first item, read when the batch was full, begins the next batch.
    expect(batcher.empty).toBe(false);
    const rest = batcher.take(0, null);
    expect(rest).toMatchObject({ rows: 1, read: 1 });
    expect(sets(rest.copy)).toEqual([`${C} {1}`]);
    // The texts went with the first batch, once.
    expect(new TextDecoder().decode(first.terms).split('\n').filter(Boolean)).toHaveLength(4);
    expect(rest.terms).toHaveLength(0);
  });
});
