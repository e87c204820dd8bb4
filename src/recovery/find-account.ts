import type { Deps, RequestInfo } from '../platform/context.js';
import { HOUR, MINUTE } from '../platform/clock.js';
import { enqueueMessage, enqueueWithheld } from '../notify/enqueue.js';
import { spendSourceAllowance, type ThrottlePolicy } from '../platform/throttle.js';
import { maskEmail, maskPhone } from '../notify/mask.js';
import { recordEvent } from '../activity/audit.js';
import { requireIdentifier } from '../accounts/identifiers.js';
import { findAccountByIdentifier, listIdentifiers } from '../accounts/store.js';
import { findAccountEmail, findAccountSms } from './messages.js';
import { inTransaction } from '../platform/db/transaction.js';

/**
 * "Find your account": a customer who forgot which email they used enters a phone number or another address.
 * If it belongs to an account, a masked hint of the account's other identifiers goes THERE — to the contact
 * that was entered, never to the screen — and the screen says the same either way (ASVS 6.3.8).
 */
const FIND_SOURCE_POLICY: ThrottlePolicy = { freeFailures: 5, firstWaitMs: MINUTE, maxWaitMs: HOUR, forgetAfterMs: HOUR };

export async function findAccount(deps: Deps, input: string, info: RequestInfo): Promise<void> {
  const identifier = requireIdentifier(input, deps.config.defaultPhoneRegion);
  await spendSourceAllowance(deps.db, deps.clock, 'find-account', info.ip, FIND_SOURCE_POLICY);

  const account = await findAccountByIdentifier(deps.db, identifier);
  // No early return for an unknown contact: the same reads, the same rows queued (a withheld one), the same
  // audit row — so neither time nor load says whether it has an account (SECURITY.md same work).
  const cause = { kind: 'code', ip: info.ip } as const;
  const others = (await listIdentifiers(deps.db, account?.id ?? ''))
    .filter((i) => i.verified && i.normalized !== identifier.normalized)
    .map((i) => (i.kind === 'email' ? maskEmail(i.value) : maskPhone(i.normalized)));
  if (others.length === 0) others.push(identifier.kind === 'email' ? 'this email address' : 'this phone number');
  const channel = identifier.kind === 'email' ? 'email' : 'sms';
  const message = channel === 'email'
    ? findAccountEmail({ to: identifier.value, others, publicUrl: deps.config.publicUrl, accountId: account?.id ?? '' })
    : findAccountSms({ to: identifier.normalized, others, publicUrl: deps.config.publicUrl, accountId: account?.id ?? '' });
  await inTransaction(deps, async (tx) => {
    // An unknown contact spends the same budget as a known one, so a 429 can't tell them apart either.
    if (account) await enqueueMessage(tx, message, cause);
    else await enqueueWithheld(tx, message, cause);
    await recordEvent(tx.db, tx.clock, { accountId: account?.id ?? null, type: 'find_account.requested', info, detail: { via: identifier.kind } });
  });
}
