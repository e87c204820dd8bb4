import type { Deps, RequestInfo } from '../platform/context.js';
import { DAY } from '../platform/clock.js';
import { AppError, errors } from '../platform/errors.js';
import { iso } from '../platform/format.js';
import { inTransaction } from '../platform/db/transaction.js';
import { getAccount, setAccountStatus } from '../accounts/store.js';
import { recordClosure } from '../accounts/closures.js';
import { recordEvent } from '../activity/audit.js';
import { endOtherSessions } from '../sessions/store.js';
import { endPartnerGrants } from '../partners/oidc/end-grants.js';
import { accountClosedEmail, accountClosedSms } from './messages.js';
import { tellContacts } from './notices.js';

/** What the page (and the API's description) tells the customer before they confirm. */
export const WHAT_CLOSING_DOES = (graceDays: number, quarantineDays: number): string[] => [
  'You are signed out everywhere, and you cannot sign in to shop with this account.',
  'Partner sites you use “Sign in with” or “Pay with” on lose access at once.',
  `For ${graceDays} days you can change your mind: sign in with your password and you will be asked whether to reopen it.`,
  'After that your personal data is erased: your name, addresses, saved cards, two-step methods, messages and activity. Orders the store must keep for its accounts are kept, without your name or address.',
  `Your email address and phone number are then held for ${quarantineDays} days before anyone else can use them.`,
];

/**
 * "Close your account": after a recent password confirmation (ASVS 7.5.1) and the customer's confirm. One
 * transaction: the status moves active → closed by one conditional update, so of 200 requests at once one closes
 * and the rest are refused (one closure row, one notice); a closure row says when the erasure job may erase the
 * personal data (CLOSE_GRACE_DAYS on); every session ends (ASVS 7.4.2); partner grants end; every verified contact
 * is told, so a close the owner did not make is noticed while it can still be undone by signing in.
 */
export async function closeAccount(deps: Deps, accountId: string, info: RequestInfo): Promise<{ eraseAfter: number }> {
  const account = await getAccount(deps.db, accountId);
  if (!account) throw errors.notFound('account');
  return inTransaction(deps, async (tx) => {
    // The one conditional update every concurrent close races on: only the winner goes on.
    const closed = await setAccountStatus(tx.db, tx.clock, accountId, { from: 'active', to: 'closed' });
    if (!closed) throw new AppError(409, 'account.not_active', 'This account is already closed or locked.');
    const now = tx.clock.now();
    const eraseAfter = now + tx.config.closeGraceDays * DAY;
    await recordClosure(tx.db, tx.clock, { accountId, reason: 'customer', eraseAfter });
    const sessions = await endOtherSessions(tx, accountId, null);
    const grants = await endPartnerGrants(tx, accountId, 'account_closed');
    await recordEvent(tx.db, tx.clock, { accountId, type: 'account.closed', info, detail: { eraseAfter: iso(eraseAfter), sessions, grants } });
    await tellContacts(tx, accountId, (to, kind) =>
      kind === 'email'
        ? accountClosedEmail({ to, name: account.name, at: now, eraseAfter, publicUrl: tx.config.publicUrl, accountId })
        : accountClosedSms({ to, publicUrl: tx.config.publicUrl, accountId }),
    );
    return { eraseAfter };
  });
}
