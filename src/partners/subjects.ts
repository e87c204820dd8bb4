import type { Deps } from '../platform/context.js';
import { randomToken } from '../platform/crypto.js';

/**
 * The `sub` a partner knows a customer by (OpenID Connect pairwise identifiers): random, kept, and different for
 * every partner, so two partners cannot join what they know about one customer, and none learns the account id.
 * Kept rather than derived from SECRET, so rotating the secret never changes who a partner thinks it signed in.
 */
export async function subjectFor(deps: Pick<Deps, 'db' | 'clock' | 'random'>, partnerId: string, accountId: string): Promise<string> {
  const existing = await findSubject(deps, partnerId, accountId);
  if (existing) return existing;
  // Two first sign-ins at once: one insert wins, the other does nothing and reads the winner's subject.
  await deps.db
    .insertInto('partner_subjects')
    .values({ partner_id: partnerId, account_id: accountId, subject: randomToken(deps.random, 16), created_at: deps.clock.now() })
    .onConflict((conflict) => conflict.columns(['partner_id', 'account_id']).doNothing())
    .execute();
  return (await findSubject(deps, partnerId, accountId))!;
}

/** The account a partner's `sub` names, or null; a subject is only ever looked up with its own partner. */
export async function accountForSubject(deps: Pick<Deps, 'db'>, partnerId: string, subject: string): Promise<string | null> {
  if (typeof subject !== 'string' || subject.length > 64) return null;
  const row = await deps.db
    .selectFrom('partner_subjects')
    .select('account_id')
    .where('partner_id', '=', partnerId)
    .where('subject', '=', subject)
    .executeTakeFirst();
  return row?.account_id ?? null;
}

async function findSubject(deps: Pick<Deps, 'db'>, partnerId: string, accountId: string): Promise<string | null> {
  const row = await deps.db
    .selectFrom('partner_subjects')
    .select('subject')
    .where('partner_id', '=', partnerId)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return row?.subject ?? null;
}
