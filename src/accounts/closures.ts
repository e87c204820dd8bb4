import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.js';
import type { ClosureReason, Database } from '../platform/db/schema.js';

/**
 * Why and until when a closed account is kept. Closing by the customer and merging both close an account and write
 * one row here; the erasure job removes or anonymises the personal data once `eraseAfter` has passed (after the
 * grace period in which signing in reopens it, or the window in which support can undo a merge).
 */
export interface Closure {
  accountId: string;
  reason: ClosureReason;
  mergedInto: string | null;
  requestedAt: number;
  eraseAfter: number;
  erasedAt: number | null;
}

export async function recordClosure(
  db: Kysely<Database>,
  clock: Clock,
  input: { accountId: string; reason: ClosureReason; eraseAfter: number; mergedInto?: string },
): Promise<void> {
  await db
    .insertInto('account_closures')
    .values({ account_id: input.accountId, reason: input.reason, merged_into: input.mergedInto ?? null, requested_at: clock.now(), erase_after: input.eraseAfter, erased_at: null })
    .execute();
}

export async function findClosure(db: Kysely<Database>, accountId: string): Promise<Closure | undefined> {
  const row = await db.selectFrom('account_closures').selectAll().where('account_id', '=', accountId).executeTakeFirst();
  return row && toClosure(row);
}

/** Reopening in the grace period, or undoing a merge: the account is no longer closed. False when it was erased or not closed. */
export async function removeClosure(db: Kysely<Database>, accountId: string): Promise<boolean> {
  const result = await db.deleteFrom('account_closures').where('account_id', '=', accountId).where('erased_at', 'is', null).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** Closures whose personal data is due for erasure, oldest first. */
export async function listClosuresDue(db: Kysely<Database>, now: number, limit: number): Promise<Closure[]> {
  const rows = await db
    .selectFrom('account_closures')
    .selectAll()
    .where('erased_at', 'is', null)
    .where('erase_after', '<=', now)
    .orderBy('erase_after')
    .limit(limit)
    .execute();
  return rows.map(toClosure);
}

/** Marks the erasure done, once; false when another instance got there first. */
export async function markErased(db: Kysely<Database>, clock: Clock, accountId: string): Promise<boolean> {
  const result = await db
    .updateTable('account_closures')
    .set({ erased_at: clock.now() })
    .where('account_id', '=', accountId)
    .where('erased_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

function toClosure(row: { account_id: string; reason: ClosureReason; merged_into: string | null; requested_at: number; erase_after: number; erased_at: number | null }): Closure {
  return { accountId: row.account_id, reason: row.reason, mergedInto: row.merged_into, requestedAt: row.requested_at, eraseAfter: row.erase_after, erasedAt: row.erased_at };
}
