import type { Deps, RequestInfo } from '../platform/context.js';
import { MINUTE } from '../platform/clock.js';
import { AppError, errors } from '../platform/errors.js';
import { claimPeriodicSlot } from '../platform/throttle.js';
import { requireState } from '../platform/flows.js';
import { enqueueMessage } from '../notify/enqueue.js';
import { recordEvent } from '../activity/audit.js';
import { getAccount, listIdentifiers } from '../accounts/store.js';
import { sendSecurityNotice } from '../notify/security-notices.js';
import { removeEverySecondStep } from '../methods/store.js';
import { forgetRememberedDevices } from '../methods/remembered-device/remembered-devices.js';
import { loadSignin } from '../signin/flow.js';
import { completeSignin, type SignedIn } from '../signin/complete.js';
import type { ReopenNeeded } from '../closing/reopen.js';
import { clearAccountAttempts } from '../signin/attempts.js';
import { verifyAttempt } from '../signin/verify-attempt.js';
import type { Verdict } from '../methods/method.js';
import { claimCode, checkCode, codeDeps, findPending, issueCode, type VerificationRecord } from '../verification/codes.js';
import { lostFactorEmail, lostFactorSms } from './messages.js';
import { inTransaction } from '../platform/db/transaction.js';

/**
 * Lost second factor (ASVS 6.4.4: proof as strong as enrolment). From the second step of sign-in — so the
 * first factor (password, or a texted code) is already proven — a code to the verified email AND a code to the verified phone, both entered,
 * stand in for the lost factor. Then every second factor is removed so the customer enrols again, and every
 * contact is told. Without both contacts, support must help (a later capability).
 */
const CODE_TTL_MS = 10 * MINUTE;

export const NEEDS_SUPPORT_MESSAGE =
  "We can't confirm it's you without a second step: this account needs both a confirmed email address and a confirmed phone number for that. Please contact the store's customer service: they can start a supervised recovery, which includes a waiting period and a notice to every address on the account.";

export async function startLostFactor(deps: Deps, flowId: string, info: RequestInfo): Promise<{ email: string; phone: string }> {
  const flow = await loadSignin(deps, flowId);
  requireState(flow, 'second_factor');
  const accountId = flow.accountId!;
  const contacts = await verifiedContacts(deps, accountId);
  if (!contacts) throw new AppError(409, 'recovery.needs_support', NEEDS_SUPPORT_MESSAGE);
  // Each request sends an email and a text: at most one pair a minute.
  if (!(await claimPeriodicSlot(deps.db, deps.clock, `lost-factor:${accountId}`, MINUTE))) throw errors.resendTooSoon(60);
  const account = await getAccount(deps.db, accountId);
  await inTransaction(deps, async (tx) => {
    const codes = codeDeps(tx);
    const email = await issueCode(codes, { purpose: 'lost_factor_email', channel: 'email', target: contacts.email.normalized, ttlMs: CODE_TTL_MS, flowId, accountId });
    const sms = await issueCode(codes, { purpose: 'lost_factor_sms', channel: 'sms', target: contacts.phone.normalized, ttlMs: CODE_TTL_MS, flowId, accountId });
    // Asked for at the second step, after the password: the second-step allowance.
    const cause = { kind: 'second_step', ip: info.ip, accountId } as const;
    await enqueueMessage(tx, lostFactorEmail({ to: contacts.email.value, name: account?.name ?? '', code: email.code, publicUrl: tx.config.publicUrl, accountId }), cause);
    await enqueueMessage(tx, lostFactorSms({ to: contacts.phone.normalized, code: sms.code, accountId }), cause);
  });
  return { email: contacts.email.value, phone: contacts.phone.value };
}

export async function finishLostFactor(deps: Deps, flowId: string, codes: { emailCode: string; smsCode: string }, info: RequestInfo): Promise<SignedIn | ReopenNeeded> {
  const flow = await loadSignin(deps, flowId);
  requireState(flow, 'second_factor');
  const accountId = flow.accountId!;
  // Both codes are one guess on the second step's allowance, reserved before either is checked.
  await verifyAttempt(
    deps,
    { scope: 'second_factor', subject: accountId, accountId, info, method: 'lost_factor', reason: 'wrong_code', refuse: (error) => error ?? errors.codeInvalid() },
    () => checkBothCodes(deps, flowId, codes),
  );
  // Recovery proved the owner: every counter on the account starts again (lockout must not outlive it).
  await clearAccountAttempts(deps, accountId);
  const account = await getAccount(deps.db, accountId);
  await inTransaction(deps, async (tx) => {
    await removeEverySecondStep(tx.db, accountId);
    await forgetRememberedDevices(tx.db, tx.clock, accountId);
    await sendSecurityNotice(tx, { accountId, name: account?.name ?? '', change: 'second_factors_reset', info });
    await recordEvent(tx.db, tx.clock, { accountId, type: 'second_factors.reset', info });
  });
  // The first step may have been a password or a texted code (SMS sign-in): record what this flow really saw.
  const factors = [...flow.factorsPassed, 'email_code', 'sms_code'];
  return completeSignin(deps, flow, { from: 'second_factor', accountId, factors, method: factors.join('+'), info });
}

/**
 * Both are checked (and both spend an attempt); neither is used up unless both match, so one typo doesn't cost
 * the customer the other code.
 */
async function checkBothCodes(deps: Deps, flowId: string, codes: { emailCode: string; smsCode: string }): Promise<Verdict> {
  const cd = codeDeps(deps);
  try {
    const results = await Promise.allSettled([
      checkCode(cd, await findPending(cd, { flowId }, 'lost_factor_email'), codes.emailCode),
      checkCode(cd, await findPending(cd, { flowId }, 'lost_factor_sms'), codes.smsCode),
    ]);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    for (const result of results) await claimCode(cd, (result as PromiseFulfilledResult<VerificationRecord>).value);
    return { ok: true };
  } catch (error) {
    // An expired, used-up or missing code is a failed guess too: it counts, and it is logged.
    if (!(error instanceof AppError)) throw error;
    return { ok: false, reason: 'wrong_code', error };
  }
}

async function verifiedContacts(deps: Deps, accountId: string) {
  const identifiers = await listIdentifiers(deps.db, accountId);
  const email = identifiers.find((i) => i.kind === 'email' && i.verified);
  const phone = identifiers.find((i) => i.kind === 'phone' && i.verified);
  return email && phone ? { email, phone } : undefined;
}
