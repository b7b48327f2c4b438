/**
 * Drizzle over our `Queryable`, through drizzle's proxy driver: typed queries run unchanged on the
 * pool, on PGlite and inside a transaction, because all three are just a `Queryable`.
 */
import { drizzle, type PgRemoteDatabase } from 'drizzle-orm/pg-proxy';
import type { Queryable } from './client.js';
import * as schema from './schema.js';

export type Orm = PgRemoteDatabase<typeof schema>;

export function orm(q: Queryable): Orm {
  return drizzle(
    async (text, params, method) => {
      // 'all' maps columns by position (select builders); 'execute' returns keyed rows (raw sql).
      if (method === 'execute') return { rows: await q.query(text, params) };
      return { rows: await q.queryArrays(text, params) };
    },
    { schema },
  );
}
