import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.js';
import { newId } from '../platform/crypto.js';
import type { Database } from '../platform/db/schema.js';
import { verifyPassword } from './hashing.js';

/**
 * SECURITY.md Recovery: after "This wasn't me" the compromised password is refused on reset, and so are the
 * previous five. A password that is replaced or switched off keeps its argon2 hash here (never the password);
 * the newest few per account are kept. Checking costs at most HISTORY_CHECKED argon2 verifies, and callers run
 * it only once the new password has passed every other rule.
 */
const HISTORY_CHECKED = 6;

export const REUSED_PASSWORD =
  'You have used this password before on this account, or it was switched off when the account was secured. Choose one you have not used here.';

/** Keeps the account's current password hash (if any) as history, before it is replaced or switched off. */
export async function retireCurrentPassword(db: Kysely<Database>, clock: Clock, accountId: string): Promise<void> {
  const account = await db.selectFrom('accounts').select('password_hash').where('id', '=', accountId).executeTakeFirst();
  if (!account?.password_hash) return;
  await db.insertInto('password_history').values({ id: newId(), account_id: accountId, password_hash: account.password_hash, retired_at: clock.now() }).execute();
  const keep = await db
    .selectFrom('password_history')
    .select('id')
    .where('account_id', '=', accountId)
    .orderBy('retired_at', 'desc')
    .orderBy('id', 'desc')
    .limit(HISTORY_CHECKED)
    .execute();
  await db.deleteFrom('password_history').where('account_id', '=', accountId).where('id', 'not in', keep.map((row) => row.id)).execute();
}

/** Whether `password` (normalised) is the current one or one of the most recent retired ones. */
export async function isRecentPassword(db: Kysely<Database>, accountId: string, password: string): Promise<boolean> {
  const account = await db.selectFrom('accounts').select('password_hash').where('id', '=', accountId).executeTakeFirst();
  const retired = await db
    .selectFrom('password_history')
    .select('password_hash')
    .where('account_id', '=', accountId)
    .orderBy('retired_at', 'desc')
    .orderBy('id', 'desc')
    .limit(HISTORY_CHECKED)
    .execute();
  const hashes = [account?.password_hash, ...retired.map((row) => row.password_hash)].filter((hash): hash is string => !!hash).slice(0, HISTORY_CHECKED);
  for (const hash of hashes) {
    if (await verifyPassword(hash, password)) return true;
  }
  return false;
}
