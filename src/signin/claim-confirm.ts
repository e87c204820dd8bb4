import type { ReopenNeeded } from '../closing/reopen.js';
import type { Deps, RequestInfo } from '../platform/context.js';
import { MINUTE } from '../platform/clock.js';
import { AppError, errors } from '../platform/errors.js';
import { advanceFlow, requireState } from '../platform/flows.js';
import { inTransaction } from '../platform/db/transaction.js';
import type { OutgoingMessage } from '../platform/outbox.js';
import { enqueueMessage } from '../notify/enqueue.js';
import { code as codeBlock, greeting, text } from '../notify/message-layout.js';
import { composeEmail } from '../notify/messages.js';
import { recordEvent } from '../activity/audit.js';
import { isProblem, parseIdentifier, type ParsedIdentifier } from '../accounts/identifiers.js';
import { getAccount } from '../accounts/store.js';
import { proveClaim } from '../accounts/imported-accounts.js';
import { sendClaimProvenNotice } from '../imports/claim-notice.js';
import { customer } from '../methods/method.js';
import { codeDeps, consumeCode, findPending, issueCode, reissueCode } from '../verification/codes.js';
import { attemptSecret } from './attempts.js';
import type { SignedIn } from './complete.js';
import { loadSignin, type SigninFlow } from './flow.js';
import { nextStep, type SecondStepNeeded } from './next-step.js';

/**
 * An imported account's unverified email or phone ("confirmed at first use", issue 14) is nobody's until proven
 * (SECURITY.md: unverified claims never block the real owner). The identifier step answers it like any other (no
 * enumeration), and the right password does not sign in yet: a code goes to that address and the flow waits in
 * `confirm_identifier`. The code proves the address, which becomes verified — unless someone else proved it
 * meanwhile — and then next-step.ts decides as after any password (a second step still applies).
 */
export const CLAIM_CODE_TTL_MS = 10 * MINUTE;

export interface IdentifierConfirmNeeded {
  state: 'confirm_identifier';
  flowId: string;
  channel: 'email' | 'sms';
}

/** After the right password on an unproven claim: a code to the address typed, inside one transaction with the step. */
export async function askToConfirmClaim(deps: Deps, flow: SigninFlow, accountId: string, info: RequestInfo): Promise<IdentifierConfirmNeeded> {
  const identifier = claimedIdentifier(deps, flow);
  const channel = identifier.kind === 'email' ? 'email' : 'sms';
  const account = await getAccount(deps.db, accountId);
  await inTransaction(deps, async (tx) => {
    await advanceFlow(tx.db, tx.clock, flow, 'password', { state: 'confirm_identifier', accountId, factorsPassed: ['password'] });
    const codes = codeDeps(tx);
    const pending = await findPending(codes, { flowId: flow.id }, 'claim_confirm');
    const issued = pending
      ? await reissueCode(codes, pending, CLAIM_CODE_TTL_MS)
      : await issueCode(codes, { purpose: 'claim_confirm', channel, target: identifier.normalized, ttlMs: CLAIM_CODE_TTL_MS, flowId: flow.id, accountId });
    const message = channel === 'email'
      ? claimCodeEmail({ to: identifier.value, name: account?.name ?? '', code: issued.code, publicUrl: tx.config.publicUrl, accountId })
      : claimCodeSms({ to: identifier.normalized, code: issued.code, accountId });
    await enqueueMessage(tx, message, { kind: 'code', ip: info.ip });
  });
  return { state: 'confirm_identifier', flowId: flow.id, channel };
}

/** The code sent to the claimed address: proves it, makes it the account's, and moves on as after a password. */
export async function confirmClaim(deps: Deps, flowId: string, code: string, info: RequestInfo): Promise<SignedIn | SecondStepNeeded | ReopenNeeded> {
  const flow = await loadSignin(deps, flowId);
  requireState(flow, 'confirm_identifier');
  const identifier = claimedIdentifier(deps, flow);
  const accountId = flow.accountId;
  if (!accountId) throw errors.flowState();
  await attemptSecret(deps, { scope: 'reset_code', subject: accountId, accountId, info, method: 'claim_code' }, async () =>
    consumeCode(codeDeps(deps), await findPending(codeDeps(deps), { flowId }, 'claim_confirm'), code),
  );
  const account = await getAccount(deps.db, accountId);
  if (account?.status !== 'active') throw errors.signInFailed();
  await inTransaction(deps, async (tx) => {
    if (!(await proveClaim(tx.db, tx.clock, accountId, identifier))) {
      throw new AppError(409, 'signin.identifier_claimed', 'Another account confirmed this address first, so it no longer signs in to this one. Sign in with that account, or contact the shop.');
    }
    await recordEvent(tx.db, tx.clock, { accountId, type: identifier.kind === 'email' ? 'email.verified' : 'phone.verified', info, detail: { via: 'imported_first_use' } });
    await sendClaimProvenNotice(tx, { accountId, name: account.name, kind: identifier.kind, value: identifier.value });
  });
  return nextStep(deps, { flow, from: 'confirm_identifier', principal: customer(accountId), factors: ['password'] }, info);
}

function claimedIdentifier(deps: Deps, flow: SigninFlow): ParsedIdentifier {
  const parsed = parseIdentifier(flow.data.identifier ?? '', deps.config.defaultPhoneRegion);
  if (isProblem(parsed)) throw errors.flowState();
  return parsed;
}

function claimCodeEmail(m: { to: string; name: string; code: string; publicUrl: string; accountId: string }): OutgoingMessage {
  return composeEmail('claimCodeEmail', m.to, 'Confirm your email address to sign in', [
    greeting(m.name),
    text('Your account was moved to this shop’s new sign-in. To sign in with this email address for the first time, enter this code:'),
    codeBlock(m.code),
    text("It expires in 10 minutes. If you didn't try to sign in, someone knows your old password: choose a new one with “Forgot your password?”."),
  ], m.publicUrl, m.accountId);
}

function claimCodeSms(m: { to: string; code: string; accountId: string }): OutgoingMessage {
  return {
    accountId: m.accountId, channel: 'sms', template: 'claimCodeSms', recipient: m.to, subject: 'Confirm your number',
    text: `Custos: ${m.code} confirms this number for your account. It expires in 10 minutes. Don't share it with anyone.`,
  };
}
