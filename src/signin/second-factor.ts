import type { ReopenNeeded } from '../closing/reopen.js';
import type { Deps, RequestInfo } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { requireState } from '../platform/flows.js';
import { inTransaction } from '../platform/db/transaction.js';
import { enqueueMessage } from '../notify/enqueue.js';
import { getAccount } from '../accounts/store.js';
import { sendSecurityNotice } from '../notify/security-notices.js';
import { customer } from '../methods/method.js';
import { methodNeeding, secondStepMethods, type SecondStepMethod } from '../methods/registry.js';
import { countUnusedBackupCodes } from '../methods/store.js';
import { verifiedPhone } from '../methods/sms/phone.js';
import { issueSigninCode, signinCodeSms } from '../methods/sms/signin-code.js';
import type { SignedIn } from './complete.js';
import { loadSignin } from './flow.js';
import { nextStep, type SecondStepNeeded } from './next-step.js';
import { verifyAttempt } from './verify-attempt.js';

/**
 * The second step of sign-in with a typed code (a passkey answers a challenge, on its own route:
 * passkey-signin.ts). The flow waits in `second_factor` holding only what the first step proved; no session
 * exists until one of the account's own methods succeeds here (Better Auth GHSA-xg6x-h9c9-2m83, Kratos
 * CVE-2024-45042). Every method shares one throttle per account (ASVS 6.3.4, NIST §3.2.2).
 */
export function methodUnavailable(message = 'That way of confirming is not set up for this account.'): AppError {
  return new AppError(400, 'signin.method_unavailable', message);
}

/** Texts a sign-in code for the waiting flow (or a fresh one, at most once a minute). */
export async function sendSigninSms(deps: Deps, flowId: string, info: RequestInfo): Promise<void> {
  const flow = await loadSignin(deps, flowId);
  requireState(flow, 'second_factor');
  const principal = customer(flow.accountId!);
  if (!(await secondStepMethods(deps, principal, flow.factorsPassed)).includes('sms')) throw methodUnavailable('Text message codes are not set up for this account.');
  const phone = (await verifiedPhone(deps.db, principal.id))!;
  await inTransaction(deps, async (tx) => {
    const issued = await issueSigninCode(tx, { flowId, phone, accountId: principal.id });
    // The first factor is proven: this code draws on the second-step allowance, which anonymous requests can't spend.
    await enqueueMessage(tx, signinCodeSms({ to: phone, code: issued.code, accountId: principal.id }), { kind: 'second_step', ip: info.ip, accountId: principal.id });
  });
}

export async function submitSecondFactor(
  deps: Deps,
  flowId: string,
  input: { method: SecondStepMethod; code: string; rememberDevice?: boolean },
  info: RequestInfo,
): Promise<SignedIn | SecondStepNeeded | ReopenNeeded> {
  const flow = await loadSignin(deps, flowId);
  requireState(flow, 'second_factor');
  const principal = customer(flow.accountId!);
  const offered = await secondStepMethods(deps, principal, flow.factorsPassed);
  const method = methodNeeding('code', input.method);
  if (!method || !offered.includes(input.method)) throw methodUnavailable();
  await verifyAttempt(
    deps,
    {
      scope: 'second_factor', subject: principal.id, accountId: principal.id, info, method: input.method, reason: 'wrong_second_factor',
      // An expired or used-up code keeps its own answer; it is a failed attempt all the same.
      refuse: (error) => error ?? new AppError(401, 'signin.second_factor_failed', 'That code is not correct. Check it and try again, or try another way.'),
    },
    () => method.verify(deps, principal, { code: input.code }, { info, flowId }),
  );
  if (input.method === 'backup_code') await noticeBackupCodeUsed(deps, principal.id, info);
  return nextStep(deps, { flow, from: 'second_factor', principal, factors: [...flow.factorsPassed, input.method], rememberDevice: input.rememberDevice }, info);
}

/** Using a backup code is worth telling the customer about (SECURITY.md "Backup codes"). */
async function noticeBackupCodeUsed(deps: Deps, accountId: string, info: RequestInfo): Promise<void> {
  const account = await getAccount(deps.db, accountId);
  const left = await countUnusedBackupCodes(deps.db, accountId);
  await inTransaction(deps, async (tx) => {
    await sendSecurityNotice(tx, { accountId, name: account?.name ?? '', change: 'backup_code_used', info, detail: `${left} left` });
  });
}
