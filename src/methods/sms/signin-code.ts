import type { Deps } from '../../platform/context.js';
import { MINUTE } from '../../platform/clock.js';
import type { OutgoingMessage } from '../../platform/outbox.js';
import { codeDeps, findPending, issueCode, reissueCode, type IssuedCode } from '../../verification/codes.js';

/**
 * The texted sign-in code, whether it is the first factor (passwordless, by phone number) or the second: one
 * live code per sign-in flow, replaced by a resend (which keeps its failure count), and one wording.
 */
const SMS_SIGNIN_TTL_MS = 10 * MINUTE;

/** A code for the flow, or a fresh one in place of the code already sent (at most once a minute). Inside the caller's transaction. */
export async function issueSigninCode(tx: Deps, input: { flowId: string; phone: string; accountId?: string }): Promise<IssuedCode> {
  const codes = codeDeps(tx);
  const pending = await findPending(codes, { flowId: input.flowId }, 'signin_sms');
  if (pending) return reissueCode(codes, pending, SMS_SIGNIN_TTL_MS);
  return issueCode(codes, { purpose: 'signin_sms', channel: 'sms', target: input.phone, ttlMs: SMS_SIGNIN_TTL_MS, flowId: input.flowId, accountId: input.accountId });
}

export function signinCodeSms(m: { to: string; code: string; accountId: string }): OutgoingMessage {
  return {
    accountId: m.accountId,
    channel: 'sms',
    template: 'signinCodeSms',
    recipient: m.to,
    subject: 'Sign-in code',
    text: `Custos: ${m.code} is your sign-in code. It expires in 10 minutes. Don't share it with anyone — we will never ask for it.`,
  };
}
