/**
 * A bulk ZIP's entries as streams (`bulk/source.ts`): a deflated entry is read from where its local
 * header says its data lies and inflated here, a stored one through yauzl, and an entry whose bytes
 * do not match what the ZIP's directory says fails with "damaged" instead of importing part of it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { openBulkFile } from '../../src/bulk/source.js';

const dir = mkdtempSync(join(tmpdir(), 'epc-bulk-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CERTIFICATES = `certificate_number,lodgement_date\n${Array.from({ length: 3000 }, (_, i) => `0000-0000-0000-0000-${String(i).padStart(4, '0')},2025-01-02`).join('\n')}\n`;
const RECOMMENDATIONS = 'certificate_number,improvement_item\n0000-0000-0000-0000-0001,1\n';

/** A ZIP of a deflated and a stored entry, then `damage` done to its bytes. */
async function zipFile(name: string, damage: (bytes: Buffer) => void = () => undefined): Promise<string> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(CERTIFICATES), 'certificates-2025.csv');
  zip.addBuffer(Buffer.from(RECOMMENDATIONS), 'recommendations-2025.csv', { compress: false });
  zip.end();
  const bytes = await buffer(zip.outputStream);
  damage(bytes);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** Each entry's text, or its error's message. */
async function read(path: string): Promise<Array<[string, string]>> {
  const source = await openBulkFile(path);
  try {
    const texts: Array<[string, string]> = [];
    for (const entry of source.entries) {
      try {
        texts.push([entry.name, (await buffer(await entry.open())).toString('utf8')]);
      } catch (error) {
        texts.push([entry.name, `error: ${(error as Error).message}`]);
      }
    }
    return texts;
  } finally {
    source.close();
  }
}

/** Where the first central directory header is. */
const central = (bytes: Buffer) => bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));

describe('a bulk ZIP\'s entries', () => {
  it('reads a deflated entry and a stored one whole', async () => {
    expect(await read(await zipFile('good.zip'))).toEqual([
      ['certificates-2025.csv', CERTIFICATES],
      ['recommendations-2025.csv', RECOMMENDATIONS],
    ]);
  });

  it('fails an entry that inflates to other than the size its directory entry says', async () => {
    const path = await zipFile('lying.zip', (bytes) => {
      // The first entry's uncompressed size, in its central directory header, made larger.
      const at = central(bytes) + 24;
      bytes.writeUInt32LE(bytes.readUInt32LE(at) + 10, at);
    });
    const [certificates] = await read(path);
    expect(certificates![1]).toMatch(/^error: certificates-2025\.csv is damaged: it inflates to \d+ bytes, the ZIP says \d+$/);
  });

  it('fails an entry whose directory entry points at no local header', async () => {
    const path = await zipFile('moved.zip', (bytes) => {
      // The first entry's local header offset, in its central directory header, moved by a byte.
      const at = central(bytes) + 42;
      bytes.writeUInt32LE(bytes.readUInt32LE(at) + 1, at);
    });
    const [certificates, recommendations] = await read(path);
    expect(certificates![1]).toBe('error: certificates-2025.csv is damaged: no local header where the ZIP\'s directory says; download the file again');
    // The other entry is untouched and reads as before.
    expect(recommendations).toEqual(['recommendations-2025.csv', RECOMMENDATIONS]);
  });

  it('fails an entry whose deflated data is corrupt', async () => {
    const good = readFileSync(await zipFile('plain.zip'));
    const path = await zipFile('corrupt.zip', (bytes) => {
      // Bytes inside the first entry's deflated data overwritten.
      bytes.fill(0xff, 60, 90);
    });
    expect(good.equals(readFileSync(path))).toBe(false);
    const [certificates] = await read(path);
    expect(certificates![1]).toMatch(/^error: /);
  });
});
