/**
 * Reading the fake's bulk ZIPs back for its tests, independently of the fake's own writer and of the
 * tool's reader: the entries as yauzl gives them, and each CSV through csv-parse, keeping what Spark's
 * writer distinguishes (an unquoted empty field is a null, `""` an empty string).
 */
import { parse } from 'csv-parse/sync';
import yauzl from 'yauzl';

/** The entries of a ZIP, in their order, as yauzl reads them. */
export function entries(zip: Buffer): Promise<Array<[string, Buffer]>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, file) => {
      if (error) return reject(error);
      const out: Array<[string, Buffer]> = [];
      file.on('entry', (entry: yauzl.Entry) => {
        file.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.push([entry.fileName, Buffer.concat(chunks)]);
            file.readEntry();
          });
        });
      });
      file.on('end', () => resolve(out));
      file.on('error', reject);
      file.readEntry();
    });
  });
}

export interface Parsed {
  header: string[];
  records: Array<Record<string, string | null>>;
  /** Each record's raw text, and for each field whether it was quoted. */
  raw: string[];
  quoted: boolean[][];
}

/** Parses a CSV entry keeping what Spark distinguishes: an unquoted empty field is a null, `""` an empty string. */
export function parseCsv(text: string): Parsed {
  const quoted: boolean[][] = [];
  const rows = parse(text, {
    raw: true,
    cast: (value, context) => {
      (quoted[context.records] ??= [])[context.index] = context.quoting;
      return value === '' && !context.quoting ? null : value;
    },
  }) as unknown as Array<{ record: Array<string | null>; raw: string }>;
  const [head, ...body] = rows;
  const header = head!.record as string[];
  return {
    header,
    records: body.map(({ record }) => Object.fromEntries(header.map((name, i) => [name, record[i] ?? null]))),
    raw: rows.map((r) => r.raw),
    quoted: quoted.slice(1),
  };
}
