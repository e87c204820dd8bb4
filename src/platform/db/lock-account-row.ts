import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Serialises one account's multi-row changes (its cards' default, its address book's defaults and cap): a no-op
 * write to the account row, whose lock PostgreSQL holds until commit, so a second transaction for the same
 * account waits instead of leaving two defaults or none. SQLite already runs write transactions one at a time.
 * Call it first inside the transaction.
 */
export async function lockAccountRow(trx: Kysely<Database>, accountId: string): Promise<void> {
  await trx
    .updateTable('accounts')
    .set((eb) => ({ updated_at: eb.ref('updated_at') }))
    .where('id', '=', accountId)
    .execute();
}
