/**
 * The parse workers' hand-over (`bulk/parse-thread.ts`, `bulk/parse-worker.ts`): a batch's bytes sit
 * in a buffer shared with the worker that wrote them, and the worker writes its next batches in
 * others until the importing thread asks for the batch after. A worker that wrote over a batch still
 * being stored would corrupt rows without any error, so this reads every batch again after the
 * workers have had time to run ahead.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateBinaryTypes } from '../../src/bulk/copy-binary.js';
import { parseOffThread } from '../../src/bulk/parse-thread.js';
import { registerFile } from '../../src/registers/index.js';
import { generateDay, writeBulkZip } from '../fake-api/index.js';
import { decodeBinaryCopy, recommendationSetTypes } from '../helpers/binary-copy.js';

const DAYS = ['2024-03-04', '2024-03-05', '2025-06-02', '2025-06-03'];
const domestic = registerFile('domestic');
let dir: string;
let zip: string;
let written: { certificates: number; recommendations: number };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'epc-parse-thread-'));
  zip = join(dir, 'domestic.zip');
  written = await writeBulkZip(zip, DAYS.map((day) => generateDay(day, 150, { seed: 4 })));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const digest = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('batches from the parse workers', () => {
  it('stay as they came while the importing thread holds them, however far the workers parse ahead', async () => {
    const options = {
      register: 'domestic', latestDay: '2026-12-01', importId: 1,
      // Small batches: many per entry, so each worker writes over its buffers again and again.
      batchSize: { certificates: 40, recommendations: 150 },
      terms: { known: [], first: 1, size: 1_000_000 },
    };
    const certificates = new Set<string>();
    let items = 0;
    let batches = 0;
    // Each worker up to two batches ahead (the import allows one): a buffer freed before its batch is
    // acknowledged would be written over while this loop still holds it.
    for await (const batch of parseOffThread(zip, options, 2, 2)) {
      batches += 1;
      expect(batch.copy.buffer).toBeInstanceOf(SharedArrayBuffer);
      const before = digest(batch.copy);
      // The workers run on meanwhile: each parses its next batch, and the one after waits for this.
      await sleep(5);
      expect(digest(batch.copy), `batch ${batches} (${batch.entry}) was written over while held`).toBe(before);
      if (batch.kind === 'certificates') {
        for (const [, , number] of decodeBinaryCopy(batch.copy, certificateBinaryTypes(domestic))) certificates.add(number!);
      } else {
        for (const row of decodeBinaryCopy(batch.copy, recommendationSetTypes(domestic))) items += row[4]!.split(',').length;
      }
    }
    expect(batches).toBeGreaterThan(25);
    // Every certificate and recommendation of the file, each once.
    expect(certificates.size).toBe(written.certificates);
    expect(items).toBe(written.recommendations);
  });
});
