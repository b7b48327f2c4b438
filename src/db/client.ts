/**
 * One small interface over the two databases the tool runs on: a node-postgres pool (a real server)
 * or PGlite (embedded, the default). Everything above this file speaks `Db` / `Queryable` only, so
 * the same SQL and the same migrations run on both.
 */
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Logger } from 'pino';
import type { DatabaseConfig } from '../config/types.js';
import { DatabaseError } from '../errors.js';
import { ensureDataDir } from './data-dir.js';
import { lockDataDir } from './lockfile.js';

export interface Queryable {
  /** Rows as objects keyed by column name. */
  query<R extends object = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** Rows as arrays in column order (what drizzle's proxy driver wants). */
  queryArrays(text: string, params?: readonly unknown[]): Promise<unknown[][]>;
  /**
   * COPY … FROM of rows in COPY's text format (`db/copy-text.ts`) into `table (columns)`: the fastest
   * way in. `format: 'binary'`: the rows are in the binary format (`bulk/copy-binary.ts`), which the
   * server stores without parsing.
   */
  copyText(table: string, columns: readonly string[], text: string | Uint8Array, format?: CopyFormat): Promise<void>;
}

export type CopyFormat = 'text' | 'binary';

export interface Db extends Queryable {
  readonly dialect: 'postgres' | 'pglite';
  /** Where the database is, for messages: host, port and database name, never the password. */
  readonly target: string;
  /** Runs `fn` in one transaction on one connection; rolls back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// Dates stay 'yyyy-MM-dd' strings (a registration day has no time zone) and int8 counts become
// numbers (UPRNs and row counts stay far below 2^53).
const DATE_OID = pgliteTypes.DATE;
const INT8_OID = pgliteTypes.INT8;
const parseInt8 = (v: string): number => Number(v);
const keepText = (v: string): string => v;

export async function openDatabase(config: DatabaseConfig, logger: Logger, poolSize = 10): Promise<Db> {
  return config.url ? openPostgres(config.url, logger, poolSize) : openPglite(config.dataDir, logger);
}

function openPostgres(url: string, logger: Logger, max: number): Db {
  const pgTypes = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
      if (oid === DATE_OID) return keepText;
      if (oid === INT8_OID) return parseInt8;
      return pg.types.getTypeParser(oid, format);
    }) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({ connectionString: url, max, types: pgTypes, connectionTimeoutMillis: 10_000 });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', (err) => logger.warn({ err: { message: err.message } }, 'database connection lost'));

  const wrap = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query<R extends object>(text: string, params?: readonly unknown[]) {
      const result = await client.query(text, params as unknown[] | undefined);
      return result.rows as R[];
    },
    async queryArrays(text: string, params?: readonly unknown[]) {
      const result = await client.query({ text, values: params as unknown[] | undefined, rowMode: 'array' });
      return result.rows as unknown[][];
    },
    async copyText(table: string, columns: readonly string[], text: string | Uint8Array, format: CopyFormat = 'text') {
      const run = async (c: pg.PoolClient | pg.Client) => {
        const stream = c.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN (FORMAT ${format})`));
        await pipeline(Readable.from([text]), stream);
      };
      if (client instanceof pg.Pool) {
        const c = await client.connect();
        try {
          await run(c);
        } finally {
          c.release();
        }
      } else {
        await run(client);
      }
    },
  });

  let closed = false;
  return {
    dialect: 'postgres',
    target: describeDatabaseUrl(url),
    ...wrap(pool),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true; // the connection itself failed: do not hand it back to the pool
        }
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

/**
 * The input of PGlite's COPY, which reads `/dev/blob` through the Blob's `arrayBuffer()`. A new Blob
 * per COPY left a copy of every batch behind for the collector, which the importing thread, making
 * little else, seldom ran: the bulk import's peak RSS grew with the file (1.7 GB at 1M certificates;
 * 540 MB with the collector forced). This one buffer is written over for each COPY instead.
 */
class CopyInput extends Blob {
  /** Resizable: it holds exactly the COPY's bytes (the reader takes the whole buffer), and grows in place. */
  private data = new ArrayBuffer(0, { maxByteLength: 1 << 30 });
  private readonly encoder = new TextEncoder();

  fill(input: string | Uint8Array): this {
    const most = typeof input === 'string' ? input.length * 3 : input.length;
    if (most > this.data.maxByteLength) this.data = new ArrayBuffer(0, { maxByteLength: most });
    this.data.resize(most);
    const view = new Uint8Array(this.data);
    if (typeof input === 'string') this.data.resize(this.encoder.encodeInto(input, view).written);
    else view.set(input);
    return this;
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    return Promise.resolve(this.data);
  }
}

async function openPglite(dataDir: string, logger: Logger): Promise<Db> {
  ensureDataDir(dataDir);
  const unlock = lockDataDir(dataDir);
  const parsers = { [pgliteTypes.DATE]: keepText, [pgliteTypes.INT8]: parseInt8 };
  let db: PGlite;
  try {
    db = await PGlite.create({ dataDir, parsers });
  } catch (cause) {
    unlock();
    throw new DatabaseError(
      'DB_UNAVAILABLE',
      `cannot open the embedded database in ${dataDir}: is another epc-sync process using it? (set DATABASE_URL to share one database between processes)`,
      { cause },
    );
  }
  logger.debug({ dataDir }, 'embedded database open');

  const copyInput = new CopyInput([]);
  type Pgq = Pick<PGlite, 'query'>;
  const wrap = (client: Pgq): Queryable => ({
    async query<R extends object>(text: string, params?: readonly unknown[]) {
      const result = await client.query<R>(text, params as unknown[] | undefined);
      return result.rows;
    },
    async queryArrays(text: string, params?: readonly unknown[]) {
      const result = await client.query<unknown[]>(text, params as unknown[] | undefined, { rowMode: 'array' });
      return result.rows;
    },
    async copyText(table: string, columns: readonly string[], text: string | Uint8Array, format: CopyFormat = 'text') {
      // PGlite reads COPY input from a virtual /dev/blob file. One COPY at a time: PGlite runs one
      // statement at a time, and the input is read before the statement returns.
      await client.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob' (FORMAT ${format})`, [], { blob: copyInput.fill(text) });
    },
  });

  let closed = false;
  return {
    dialect: 'pglite',
    target: `the embedded database in ${dataDir} (EPC_DATA_DIR)`,
    ...wrap(db),
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) => db.transaction((tx) => fn(wrap(tx))),
    async close() {
      if (closed) return;
      closed = true;
      await db.close();
      unlock();
    },
  };
}

/** "PostgreSQL at db.example:5432/epc (DATABASE_URL)": what a message may say about a URL. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    const host = u.hostname || process.env.PGHOST || 'localhost';
    return `PostgreSQL at ${host}:${u.port || '5432'}/${decodeURIComponent(u.pathname.slice(1)) || '(default database)'} (DATABASE_URL)`;
  } catch {
    return 'the PostgreSQL server in DATABASE_URL';
  }
}
