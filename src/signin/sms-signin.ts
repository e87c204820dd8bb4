import type { ReopenNeeded } from '../closing/reopen.js';
import type { Deps, RequestInfo } from '../platform/context.js';
import { AppError, errors } from '../platform/errors.js';
import { requireState } from '../platform/flows.js';
import { inTransaction } from '../platform/db/transaction.js';
import { enqueueMessage, spendMessageBudget } from '../notify/enqueue.js';
import { recordEvent } from '../activity/audit.js';
import { isProblem, parseIdentifier } from '../accounts/identifiers.js';
import { findAccountByIdentifier, getAccount, listIdentifiers, removePassword } from '../accounts/store.js';
import { endOtherSessions } from '../sessions/store.js';
import { customer } from '../methods/method.js';
import { smsMethod } from '../methods/sms/sms-method.js';
import { issueSigninCode, signinCodeSms } from '../methods/sms/signin-code.js';
import type { SignedIn } from './complete.js';
import { loadSignin } from './flow.js';
import { nextStep, type SecondStepNeeded } from './next-step.js';
import { verifyAttempt } from './verify-attempt.js';

/**
 * Passwordless sign-in with a phone number and a texted code: one factor, then whatever next-step.ts asks.
 * The answer never says whether the number has an account: an unknown number gets a code nobody receives.
 * Pre-hijacking defence (Sudhodanan & Paverd 2022): on an account whose email was never confirmed, whatever
 * password someone set is removed and its sessions end.
 */
export async function requestSmsSignin(deps: Deps, flowId: string, info: RequestInfo): Promise<void> {
  const flow = await loadSignin(deps, flowId);
  requireState(flow, 'password');
  const phone = parseIdentifier(flow.data.identifier ?? '', deps.config.defaultPhoneRegion);
  if (isProblem(phone) || phone.kind !== 'phone') {
    throw new AppError(400, 'signin.sms_needs_phone', 'To sign in with a texted code, start with your mobile phone number.');
  }
  const account = await findAccountByIdentifier(deps.db, phone);
  await inTransaction(deps, async (tx) => {
    const issued = await issueSigninCode(tx, { flowId, phone: phone.normalized });
    // An unknown number spends the same budget as a known one, so a 429 can't tell them apart.
    const cause = { kind: 'code', ip: info.ip } as const;
    if (account) await enqueueMessage(tx, signinCodeSms({ to: phone.normalized, code: issued.code, accountId: account.id }), cause);
    else await spendMessageBudget(tx, { channel: 'sms', recipient: phone.normalized }, cause);
  });
}

export async function verifySmsSignin(deps: Deps, flowId: string, code: string, info: RequestInfo): Promise<SignedIn | SecondStepNeeded | ReopenNeeded> {
  const flow = await loadSignin(deps, flowId);
  requireState(flow, 'password');
  const principal = flow.accountId ? customer(flow.accountId) : null;
  await verifyAttempt(
    deps,
    { scope: 'sms_signin', subject: flow.data.subject ?? 'unknown', accountId: flow.accountId, info, method: 'sms', reason: 'wrong_code', refuse: (error) => error ?? errors.codeInvalid() },
    async () => {
      const verdict = await smsMethod.verify(deps, principal, { code }, { info, flowId });
      const account = principal ? await getAccount(deps.db, principal.id) : undefined;
      // A locked or closed account gets no token by this route either.
      return verdict.ok && account?.status !== 'active' ? { ok: false, reason: 'wrong_code', error: errors.signInFailed() } : verdict;
    },
  );
  await removeUnprovenPassword(deps, principal!.id, info);
  return nextStep(deps, { flow, from: 'password', principal: principal!, factors: ['sms'] }, info);
}

async function removeUnprovenPassword(deps: Deps, accountId: string, info: RequestInfo): Promise<void> {
  const emailConfirmed = (await listIdentifiers(deps.db, accountId)).some((i) => i.kind === 'email' && i.verified);
  if (emailConfirmed) return;
  await inTransaction(deps, async (tx) => {
    await removePassword(tx.db, tx.clock, accountId);
    await endOtherSessions(tx, accountId, null);
    await recordEvent(tx.db, deps.clock, { accountId, type: 'password.removed_unproven', info });
  });
}
