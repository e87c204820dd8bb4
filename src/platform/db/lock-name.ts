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

/**
 * lockName for many names in one statement, taken in one global order (by lock key), so two transactions that lock
 * overlapping sets queue instead of waiting on each other in a circle.
 */
export async function lockNames(trx: Kysely<Database>, engine: Engine, names: string[]): Promise<void> {
  if (engine !== 'postgres' || names.length === 0) return;
  await sql`select count(pg_advisory_xact_lock(k)) from (select distinct hashtextextended(n, 0) as k from unnest(${names}::text[]) as n order by k) as ordered`.execute(trx);
}
