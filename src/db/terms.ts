/**
 * The term dictionary (`epc_terms`, migration 0016): the texts the register repeats (descriptions,
 * ratings, labels) stored once, referred to by id from `certificates` and `recommendation_sets`. The
 * views decode them. SQL writers (the document path, the upgrade) go through `epc_term_id()`; a bulk
 * import's parse workers hand out ids themselves, from a range reserved here, so parsing never waits
 * for the database.
 */
import { REMEMBERED_CHARACTERS } from '../bulk/terms.js';
import type { Db, Queryable } from './client.js';

/** Terms a worker starts from: as many as it remembers (`bulk/terms.ts`), oldest first. */
export async function readTerms(q: Queryable, characters = REMEMBERED_CHARACTERS): Promise<Array<[number, string]>> {
  const rows = await q.query<{ id: number; value: string }>(
    `SELECT id, value FROM (SELECT id, value, sum(length(value)) OVER (ORDER BY id) AS upto FROM epc_terms) t
     WHERE upto <= $1 ORDER BY id`,
    [characters],
  );
  return rows.map((r) => [r.id, r.value]);
}

/**
 * Reserves `count` ids for new terms and returns the first. Under a lock that also holds back
 * `epc_term_id()`'s inserts, so no id of the range is handed out twice.
 */
export async function reserveTermIds(q: Db, count: number): Promise<number> {
  return q.transaction(async (tx) => {
    await tx.query('LOCK TABLE epc_terms IN EXCLUSIVE MODE');
    const [row] = await tx.query<{ first: string }>(
      `SELECT setval('epc_terms_id_seq', greatest((SELECT last_value FROM epc_terms_id_seq), (SELECT coalesce(max(id), 0) FROM epc_terms)) + $1) - $1 + 1 AS first`,
      [count],
    );
    return Number(row!.first);
  });
}

/**
 * Gives back the unused rest of a reservation ending at `last`, unless ids were handed out after it
 * (another import's reservation, a document's new term): then there is nothing to give back safely.
 */
export async function releaseTermIds(q: Db, last: number): Promise<void> {
  await q.transaction(async (tx) => {
    await tx.query('LOCK TABLE epc_terms IN EXCLUSIVE MODE');
    await tx.query(
      `SELECT setval('epc_terms_id_seq', greatest((SELECT coalesce(max(id), 0) FROM epc_terms), 1))
       WHERE (SELECT last_value FROM epc_terms_id_seq) = $1`,
      [last],
    );
  });
}

/** A batch's new terms (COPY text of `id`, `value`), before the rows that refer to them. */
export async function storeTerms(tx: Queryable, copy: Uint8Array): Promise<void> {
  if (copy.length > 0) await tx.copyText('epc_terms', ['id', 'value'], copy);
}
