import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { Engine } from './connect.js';

/**
 * Serialises the transactions that act on one name (an email address being signed up, say) when no row exists
 * yet to lock: a PostgreSQL advisory lock held until commit, so a second transaction — from this instance or
 * another — waits instead of acting on what the first has not committed. SQLite already runs write
 * transactions one at a time. Call it first inside the transaction.
 */
export async function lockName(trx: Kysely<Database>, engine: Engine, name: string): Promise<void> {
  if (engine !== 'postgres') return;
  await sql`select pg_advisory_xact_lock(hashtextextended(${name}, 0))`.execute(trx);
}
