import type { Deps, RequestInfo } from '../platform/context.js';
import { DAY, HOUR, MINUTE } from '../platform/clock.js';
import { AppError } from '../platform/errors.js';
import { newId, randomToken, sha256 } from '../platform/crypto.js';
import { requireState } from '../platform/flows.js';
import { inTransaction } from '../platform/db/transaction.js';
import { enqueueMessage, enqueueWithheld } from '../notify/enqueue.js';
import { reserveAttempt, type ThrottlePolicy } from '../platform/throttle.js';
import { recordEvent } from '../activity/audit.js';
import { getAccount, listIdentifiers } from '../accounts/store.js';
import { retryLinkEmail } from '../recovery/messages.js';
import { loadSignin } from './flow.js';

/**
 * "Let this browser try again" (NIST §3.2.2, lockout must not lock the owner out): an owner on a new device,
 * paused by strangers' guesses, asks for an emailed link. Opened in the browser that asked (its device cookie),
 * the link lets that browser guess on a counter of its own for a day. Email is not an authenticator: the pass
 * replaces neither the password nor the second step. Single-use, short-lived, stored hashed. The answer and
 * the work are the same whether or not the identifier has an account.
 */
export const RETRY_LINK_TTL_MS = 30 * MINUTE;
const RETRY_TRUST_MS = DAY;
/** Three links an hour per account (or unknown identifier): the owner's inbox is not a target either. */
const RETRY_SENDS_POLICY: ThrottlePolicy = { freeFailures: 2, firstWaitMs: HOUR, maxWaitMs: HOUR, forgetAfterMs: HOUR };

export async function requestRetryLink(deps: Deps, flowId: string, info: RequestInfo): Promise<void> {
  const flow = await loadSignin(deps, flowId);
  requireState(flow, 'password');
  const allowed = await reserveAttempt(deps.db, deps.clock, `retry:sends:${flow.accountId ?? flow.data.subject}`, RETRY_SENDS_POLICY);
  const accountId = allowed.granted ? flow.accountId : null;
  const account = await getAccount(deps.db, accountId ?? '');
  const emails = (await listIdentifiers(deps.db, accountId ?? '')).filter((i) => i.kind === 'email' && i.verified);
  const token = randomToken(deps.random);
  const now = deps.clock.now();
  const message = retryLinkEmail({
    to: emails[0]?.value ?? '', name: account?.name ?? '', publicUrl: deps.config.publicUrl, accountId: accountId ?? '',
    link: `${deps.config.publicUrl}/signin/retry?token=${encodeURIComponent(token)}`,
  });
  await inTransaction(deps, async (tx) => {
    await tx.db
      .insertInto('retry_passes')
      .values({ id: newId(), account_id: accountId, device_hash: sha256(info.deviceToken ?? ''), link_hash: sha256(token), expires_at: now + RETRY_LINK_TTL_MS, used_at: null, trusted_until: null, created_at: now })
      .execute();
    const cause = { kind: 'code', ip: info.ip } as const;
    if (account && emails.length > 0) for (const email of emails) await enqueueMessage(tx, { ...message, recipient: email.value }, cause);
    else await enqueueWithheld(tx, { ...message, recipient: flow.data.identifier ?? '' }, cause);
    await recordEvent(tx.db, deps.clock, { accountId, type: 'signin.retry_link_requested', info });
  });
}

/** Uses the link in the browser that asked for it; any other browser, or a second use, is refused. */
export async function useRetryLink(deps: Deps, token: string, info: RequestInfo): Promise<void> {
  const now = deps.clock.now();
  const pass = await deps.db.selectFrom('retry_passes').select(['id', 'account_id']).where('link_hash', '=', sha256(token)).executeTakeFirst();
  const claimed = await deps.db
    .updateTable('retry_passes')
    .set({ used_at: now, trusted_until: now + RETRY_TRUST_MS })
    .where('id', '=', pass?.id ?? '')
    .where('account_id', 'is not', null)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    // Bound to the browser that asked: someone who reads the email elsewhere gains nothing from it.
    .where('device_hash', '=', sha256(info.deviceToken ?? ''))
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) {
    throw new AppError(410, 'signin.retry_link_invalid', 'This link has expired, was already used, or was opened in a different browser. Open it in the browser where you asked for it, or ask for a new one from the sign-in page.');
  }
  await recordEvent(deps.db, deps.clock, { accountId: pass!.account_id, type: 'signin.retry_link_used', info });
}
