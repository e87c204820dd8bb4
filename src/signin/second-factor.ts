import type { Deps, RequestInfo } from '../platform/context.js';
import { MINUTE } from '../platform/clock.js';
import { AppError } from '../platform/errors.js';
import { requireState } from '../platform/flows.js';
import { enqueueMessage } from '../notify/enqueue.js';
import { recordEvent } from '../activity/audit.js';
import { countUnusedBackupCodes } from '../methods/store.js';
import { availableMethods, verifiedPhone, type SecondFactorMethod } from '../methods/available.js';
import { useTotpCode } from '../methods/totp/totp-factor.js';
import { consumeBackupCode } from '../methods/backup-codes/backup-codes.js';
import { getAccount } from '../accounts/store.js';
import { sendSecurityNotice } from '../notify/security-notices.js';
import { codeDeps, consumeCode, findPending, issueCode, reissueCode } from '../verification/codes.js';
import { phoneCodeSms } from '../notify/messages.js';
import { takeAttempt } from './attempts.js';
import { completeSignin, type SignedIn } from './complete.js';
import { loadSignin } from './password-signin.js';

/**
 * The second step of sign-in. The flow waits in `second_factor` holding only what the first step proved; no
 * session exists until one of the account's own methods succeeds here (Better Auth GHSA-xg6x-h9c9-2m83,
 * Kratos CVE-2024-45042). Every method shares one throttle per account (ASVS 6.3.4, NIST §3.2.2).
 */
export const SMS_SIGNIN_TTL_MS = 10 * MINUTE;

/** Texts a sign-in code for the waiting flow (or a fresh one, at most once a minute). */
export async function sendSigninSms(deps: Deps, flowId: string, info: RequestInfo): Promise<void> {
  const flow = await loadSignin(deps, flowId);
  requireState(flow, 'second_factor');
  const accountId = flow.accountId!;
  if (!(await availableMethods(deps.db, accountId, flow.factorsPassed)).includes('sms')) throw new AppError(400, 'signin.method_unavailable', 'Text message codes are not set up for this account.');
  const phone = (await verifiedPhone(deps.db, accountId))!;
  await deps.db.transaction().execute(async (trx) => {
    const tx = codeDeps({ ...deps, db: trx });
    const pending = await findPending(tx, { flowId }, 'signin_sms');
    const issued = pending
      ? await reissueCode(tx, pending, SMS_SIGNIN_TTL_MS)
      : await issueCode(tx, { purpose: 'signin_sms', channel: 'sms', target: phone, ttlMs: SMS_SIGNIN_TTL_MS, flowId, accountId });
    // The password is proven: this code draws on the second-step allowance, which anonymous requests can't spend.
    await enqueueMessage({ ...deps, db: trx }, { ...phoneCodeSms({ to: phone, code: issued.code, accountId }), template: 'signinCodeSms', subject: 'Sign-in code', text: `Custos: ${issued.code} is your sign-in code. It expires in 10 minutes. Don't share it with anyone — we will never ask for it.` }, { kind: 'second_step', ip: info.ip, accountId });
  });
  deps.notifyOutbox();
}

export async function submitSecondFactor(
  deps: Deps,
  flowId: string,
  input: { method: SecondFactorMethod; code: string; rememberDevice?: boolean },
  info: RequestInfo,
): Promise<SignedIn> {
  const flow = await loadSignin(deps, flowId);
  requireState(flow, 'second_factor');
  const accountId = flow.accountId!;
  const methods = await availableMethods(deps.db, accountId, flow.factorsPassed);
  // A passkey answers a challenge rather than a typed code, so it has its own route (passkey-signin.ts).
  if (input.method === 'passkey' || !methods.includes(input.method)) throw new AppError(400, 'signin.method_unavailable', 'That way of confirming is not set up for this account.');
  // Reserved before the code is checked: a spent allowance answers 429 without checking anything.
  const attempt = await takeAttempt(deps, { scope: 'second_factor', subject: accountId, accountId, info, method: input.method });

  const failed = async (error: AppError) => {
    await recordEvent(deps.db, deps.clock, { accountId, type: 'signin.failed', info, detail: { method: input.method, reason: 'wrong_second_factor' } });
    await attempt.failed();
    return error;
  };
  let accepted: boolean;
  try {
    accepted = await checkMethod(deps, flowId, accountId, input);
  } catch (error) {
    // An expired or used-up code is a failed attempt too: it counts, and it is logged.
    throw error instanceof AppError && error.code.startsWith('code.') ? await failed(error) : error;
  }
  if (!accepted) throw await failed(new AppError(401, 'signin.second_factor_failed', 'That code is not correct. Check it and try again, or try another way.'));
  await attempt.succeeded();
  if (input.method === 'backup_code') await noticeBackupCodeUsed(deps, accountId, info);
  return completeSignin(deps, flow, {
    from: 'second_factor',
    accountId,
    factors: [...flow.factorsPassed, input.method],
    method: `${flow.factorsPassed.join('+')}+${input.method}`,
    info,
    rememberDevice: input.rememberDevice,
  });
}

async function checkMethod(deps: Deps, flowId: string, accountId: string, input: { method: SecondFactorMethod; code: string }): Promise<boolean> {
  switch (input.method) {
    case 'passkey':
      return false;
    case 'totp':
      return (await useTotpCode(deps.db, deps.clock, deps.config.keys, accountId, input.code)) !== undefined;
    case 'backup_code':
      return consumeBackupCode(deps.db, deps.clock, deps.config.keys, accountId, input.code);
    case 'sms': {
      const record = await findPending(codeDeps(deps), { flowId }, 'signin_sms');
      try {
        await consumeCode(codeDeps(deps), record, input.code);
        return true;
      } catch (error) {
        if (error instanceof AppError && error.code === 'code.invalid') return false;
        throw error;
      }
    }
  }
}

/** Using a backup code is worth telling the customer about (SECURITY.md "Backup codes"). */
async function noticeBackupCodeUsed(deps: Deps, accountId: string, info: RequestInfo): Promise<void> {
  const account = await getAccount(deps.db, accountId);
  const left = await countUnusedBackupCodes(deps.db, accountId);
  await deps.db.transaction().execute((trx) =>
    sendSecurityNotice({ ...deps, db: trx }, { accountId, name: account?.name ?? '', change: 'backup_code_used', info, detail: `${left} left` }),
  );
  deps.notifyOutbox();
}
