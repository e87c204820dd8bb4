import type { Deps, RequestInfo } from '../platform/context.js';
import { AppError, errors } from '../platform/errors.js';
import { advanceFlow, requireState } from '../platform/flows.js';
import { enqueueMessage, spendMessageBudget } from '../notify/enqueue.js';
import { recordEvent } from '../activity/audit.js';
import { isProblem, parseIdentifier } from '../accounts/identifiers.js';
import { findAccountByIdentifier, getAccount, listIdentifiers } from '../accounts/store.js';
import { endOtherSessions } from '../sessions/store.js';
import { availableMethods } from '../methods/available.js';
import { isRememberedDevice } from '../methods/remembered-device/remembered-devices.js';
import { codeDeps, consumeCode, findPending, issueCode, reissueCode } from '../verification/codes.js';
import { takeAttempt } from './attempts.js';
import { completeSignin, type SignedIn } from './complete.js';
import { loadSignin, type SecondStepNeeded } from './password-signin.js';
import { SMS_SIGNIN_TTL_MS } from './second-factor.js';

/**
 * Passwordless sign-in with a phone number and a texted code: one factor. An account with two-step
 * verification is then asked for a second that is not SMS. The answer never says whether the number has an
 * account: an unknown number gets a code nobody receives. Pre-hijacking defence (Sudhodanan & Paverd 2022): on
 * an account whose email was never confirmed, whatever password someone set is removed and its sessions end.
 */
export async function requestSmsSignin(deps: Deps, flowId: string, info: RequestInfo): Promise<void> {
  const flow = await loadSignin(deps, flowId);
  requireState(flow, 'password');
  const phone = parseIdentifier(flow.data.identifier ?? '', deps.config.defaultPhoneRegion);
  if (isProblem(phone) || phone.kind !== 'phone') {
    throw new AppError(400, 'signin.sms_needs_phone', 'To sign in with a texted code, start with your mobile phone number.');
  }
  const account = await findAccountByIdentifier(deps.db, phone);
  await deps.db.transaction().execute(async (trx) => {
    const tx = codeDeps({ ...deps, db: trx });
    const pending = await findPending(tx, { flowId }, 'signin_sms');
    const issued = pending
      ? await reissueCode(tx, pending, SMS_SIGNIN_TTL_MS)
      : await issueCode(tx, { purpose: 'signin_sms', channel: 'sms', target: phone.normalized, ttlMs: SMS_SIGNIN_TTL_MS, flowId });
    // An unknown number spends the same budget as a known one, so a 429 can't tell them apart.
    const cause = { kind: 'code', ip: info.ip } as const;
    if (account) {
      await enqueueMessage({ ...deps, db: trx }, {
        accountId: account.id, channel: 'sms', template: 'signinCodeSms', recipient: phone.normalized, subject: 'Sign-in code',
        text: `Custos: ${issued.code} is your sign-in code. It expires in 10 minutes. Don't share it with anyone — we will never ask for it.`,
      }, cause);
    } else {
      await spendMessageBudget({ ...deps, db: trx }, { channel: 'sms', recipient: phone.normalized }, cause);
    }
  });
  deps.notifyOutbox();
}

export async function verifySmsSignin(deps: Deps, flowId: string, code: string, info: RequestInfo): Promise<SignedIn | SecondStepNeeded> {
  const flow = await loadSignin(deps, flowId);
  requireState(flow, 'password');
  const attempt = await takeAttempt(deps, { scope: 'sms_signin', subject: flow.data.subject ?? 'unknown', accountId: flow.accountId, info, method: 'sms' });
  const account = flow.accountId ? await getAccount(deps.db, flow.accountId) : undefined;
  try {
    await consumeCode(codeDeps(deps), await findPending(codeDeps(deps), { flowId }, 'signin_sms'), code);
    if (!account || account.status !== 'active') throw errors.signInFailed();
  } catch (error) {
    await recordEvent(deps.db, deps.clock, { accountId: account?.id ?? null, type: 'signin.failed', info, detail: { method: 'sms', reason: 'wrong_code' } });
    await attempt.failed();
    throw error;
  }
  await attempt.succeeded();
  await removeUnprovenPassword(deps, account.id, info);

  const hasSmsFactor = (await availableMethods(deps.db, account.id)).includes('sms');
  const others = await availableMethods(deps.db, account.id, ['sms']);
  if (others.length > 0 && !(await isRememberedDevice(deps.db, deps.clock, account.id, info.rememberToken))) {
    await advanceFlow(deps.db, deps.clock, flow, 'password', { state: 'second_factor', accountId: account.id, factorsPassed: ['sms'] });
    await recordEvent(deps.db, deps.clock, { accountId: account.id, type: 'signin.second_factor_required', info, detail: { method: 'sms' } });
    return { state: 'second_factor', flowId, methods: others };
  }
  if (hasSmsFactor && others.length === 0) {
    // Two-step verification by SMS alone: a texted code can't be both factors.
    throw new AppError(403, 'signin.password_required', 'Your account uses text messages for two-step verification, so please sign in with your password.');
  }
  return completeSignin(deps, flow, { from: 'password', accountId: account.id, factors: ['sms'], method: 'sms', info });
}

async function removeUnprovenPassword(deps: Deps, accountId: string, info: RequestInfo): Promise<void> {
  const emailConfirmed = (await listIdentifiers(deps.db, accountId)).some((i) => i.kind === 'email' && i.verified);
  if (emailConfirmed) return;
  await deps.db.transaction().execute(async (trx) => {
    await trx.updateTable('accounts').set({ password_hash: null, updated_at: deps.clock.now() }).where('id', '=', accountId).execute();
    await endOtherSessions({ ...deps, db: trx }, accountId, null);
    await recordEvent(trx, deps.clock, { accountId, type: 'password.removed_unproven', info });
  });
}
