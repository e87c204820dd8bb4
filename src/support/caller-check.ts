import type { Deps, RequestInfo } from '../platform/context.js';
import { DAY, HOUR, MINUTE } from '../platform/clock.js';
import { AppError, errors } from '../platform/errors.js';
import { inTransaction } from '../platform/db/transaction.js';
import { createFlow, flowKind } from '../platform/flows.js';
import { claimPeriodicSlot, releaseAttempt, reserveAttempt, resetFailures, type ThrottlePolicy } from '../platform/throttle.js';
import { getAccount } from '../accounts/store.js';
import { recordEvent } from '../activity/audit.js';
import { maskRecipient } from '../notify/mask.js';
import { enqueueMessage } from '../notify/enqueue.js';
import { claimCode, codeDeps, findPending, issueCode, reserveAttempt as reserveCodeAttempt } from '../verification/codes.js';
import { matchesKeyedHash } from '../platform/keyring.js';
import { requirePermission, type StaffMember } from '../staff/staff-guard.js';
import { callerCodeEmail, callerCodeSms } from './messages.js';
import { tellCustomer } from './notices.js';
import { completeChallenge, findChallenge, insertChallenge, insertWindow, openWindowOf } from './store.js';
import { contactOnFile, hasOrderTotal, postcodesOf } from './record-queries.js';
import { cleanTicket } from './ticket.js';
import { spendAgentAllowance } from './agent-limits.js';

/**
 * Checking who is calling (SECURITY.md "Recovery"; the 2012 Mat Honan chain): the agent picks a contact already
 * on file — by its id; no route takes a number or address — and a one-time code goes there. The caller reads it
 * back; a correct code opens a window of WINDOW_MS in which this agent, and only this agent, sees and acts on
 * this customer, filed under the ticket typed when the check started. Every guess is reserved first: five per
 * code (verification/codes.ts) and CALLER_GUESSES a day per customer across all codes and agents, so new codes
 * buy no more guesses. A wrong code is audited and the customer is emailed (once an hour at most).
 */
export const CODE_TTL_MS = 10 * MINUTE;
export const WINDOW_MS = 15 * MINUTE;
export const CALLER_GUESSES = 10;

const CALLER_CHECK_FLOW = flowKind<Record<string, never>>('support_caller_check');
const CALLER_POLICY: ThrottlePolicy = { freeFailures: CALLER_GUESSES, firstWaitMs: HOUR, maxWaitMs: DAY, forgetAfterMs: DAY };
const SIGNAL_POLICY: ThrottlePolicy = { freeFailures: 10, firstWaitMs: HOUR, maxWaitMs: DAY, forgetAfterMs: DAY };

export interface StartedCheck {
  challengeId: string;
  channel: 'email' | 'sms';
  sentTo: string;
  expiresAt: number;
}

export async function startCallerCheck(
  deps: Deps,
  staff: StaffMember,
  input: { accountId: string; identifierId: string; ticket: unknown; info: RequestInfo },
): Promise<StartedCheck> {
  requirePermission(staff, 'callers.verify');
  const ticket = cleanTicket(input.ticket);
  const account = await getAccount(deps.db, input.accountId);
  const contact = account && (await contactOnFile(deps.db, input.accountId, input.identifierId));
  if (!account || !contact) throw errors.notFound('contact');
  if (account.status === 'closed') throw new AppError(409, 'support.account_closed', 'This account is closed.');
  await spendAgentAllowance(deps, staff, 'check');
  const now = deps.clock.now();
  const channel = contact.kind === 'email' ? 'email' : 'sms';
  const challengeId = await inTransaction(deps, async (tx) => {
    // A code belongs to a flow (verifications.flow_id): the check's flow row, whose id the challenge shares.
    const { id } = await createFlow(tx.db, tx.clock, { kind: CALLER_CHECK_FLOW, state: 'code_sent', ttlMs: CODE_TTL_MS, accountId: account.id, data: {} });
    await insertChallenge(tx.db, { id, staff_id: staff.id, account_id: account.id, identifier_id: contact.id, ticket, created_at: now, expires_at: now + CODE_TTL_MS });
    const issued = await issueCode(codeDeps(tx), { purpose: 'support_caller', channel, target: contact.normalized, ttlMs: CODE_TTL_MS, accountId: account.id, flowId: id });
    const message =
      channel === 'email'
        ? callerCodeEmail({ to: contact.value, name: account.name, code: issued.code, storeName: tx.config.storeName, publicUrl: tx.config.publicUrl, accountId: account.id })
        : callerCodeSms({ to: contact.normalized, code: issued.code, storeName: tx.config.storeName, accountId: account.id });
    await enqueueMessage(tx, message, { kind: 'code', ip: input.info.ip, accountId: account.id });
    return id;
  });
  return { challengeId, channel, sentTo: maskRecipient(contact.normalized), expiresAt: now + CODE_TTL_MS };
}

export async function confirmCallerCheck(
  deps: Deps,
  staff: StaffMember,
  input: { challengeId: string; code: string; info: RequestInfo },
): Promise<{ accountId: string; ticket: string; expiresAt: number }> {
  requirePermission(staff, 'callers.verify');
  const challenge = await findChallenge(deps.db, input.challengeId, staff.id);
  if (!challenge) throw errors.notFound('check');
  const now = deps.clock.now();
  if (challenge.completed_at !== null || challenge.expires_at <= now) throw errors.codeExpired();
  const gateKey = `support_caller:account:${challenge.account_id}`;
  const gate = await reserveAttempt(deps.db, deps.clock, gateKey, CALLER_POLICY, CALLER_GUESSES);
  if (!gate.granted) throw errors.throttled(gate.retryAfterSeconds);
  const codes = codeDeps(deps);
  const record = await findPending(codes, { flowId: challenge.id }, 'support_caller');
  if (!record) {
    // Replaced by a newer check on this customer: not a guess.
    await releaseAttempt(deps.db, gateKey);
    throw errors.codeExpired();
  }
  // The code's own allowance is taken first (five tries per code); a try refused there checked nothing, so it is
  // not a wrong guess: it gives back the customer's slot and tells nobody.
  try {
    if (record.expires_at <= now) throw errors.codeExpired();
    await reserveCodeAttempt(codes, record);
  } catch (error) {
    await releaseAttempt(deps.db, gateKey);
    throw error;
  }
  if (!matchesKeyedHash(deps.config.keys, record.key_id, record.code_hash, record.id, input.code.replace(/\s+/g, ''))) {
    await failedCheck(deps, staff, challenge.account_id, challenge.ticket);
    throw record.attempts + 1 >= record.max_attempts ? errors.codeExhausted() : errors.codeInvalid();
  }
  const expiresAt = now + WINDOW_MS;
  // A right code that lost the race to a concurrent confirmation (code.expired) gives its slot back too.
  await inTransaction(deps, async (tx) => {
    await claimCode(codeDeps(tx), record);
    if (!(await completeChallenge(tx.db, challenge.id, now))) throw errors.codeExpired();
    await insertWindow(tx.db, { staffId: staff.id, accountId: challenge.account_id, ticket: challenge.ticket, openedAt: now, expiresAt });
    await recordEvent(tx.db, tx.clock, { accountId: challenge.account_id, type: 'support.caller_verified', detail: { staff: staff.id, ticket: challenge.ticket } });
  }).catch(async (error: unknown) => {
    await releaseAttempt(deps.db, gateKey);
    throw error;
  });
  await resetFailures(deps.db, gateKey);
  return { accountId: challenge.account_id, ticket: challenge.ticket, expiresAt };
}

async function failedCheck(deps: Deps, staff: StaffMember, accountId: string, ticket: string): Promise<void> {
  await recordEvent(deps.db, deps.clock, { accountId, type: 'support.caller_failed', detail: { staff: staff.id, ticket } });
  deps.log.warn({ staffId: staff.id, ticket }, 'a caller read a wrong support code');
  // One email an hour is enough to warn the owner; more would let a caller mail-bomb them through us.
  const account = await getAccount(deps.db, accountId);
  if (!account) return;
  // The hour's slot and the email together: a failed send must not silence the next hour's warning.
  await inTransaction(deps, async (tx) => {
    if (await claimPeriodicSlot(tx.db, tx.clock, `support_failed_check_notice:${accountId}`, HOUR)) await tellCustomer(tx, { accountId, name: account.name, notice: 'failed_check', ticket });
  });
}

export type SignalKind = 'postcode' | 'order_amount';

/**
 * A second thing the caller knows, typed by the agent as the caller says it: only "match" or "no match" comes
 * back, never the value on file. Allowed while this agent's check or window on the customer is live, ten a day
 * per customer, so it can't be used to read a postcode out by trying them all.
 */
export async function checkSecondSignal(deps: Deps, staff: StaffMember, input: { challengeId: string; kind: SignalKind; value: string }): Promise<boolean> {
  requirePermission(staff, 'callers.verify');
  const challenge = await findChallenge(deps.db, input.challengeId, staff.id);
  if (!challenge) throw errors.notFound('check');
  const now = deps.clock.now();
  const live = challenge.expires_at > now || (await openWindowOf(deps.db, staff.id, challenge.account_id, now)) !== undefined;
  if (!live) throw errors.codeExpired();
  const typed = input.kind === 'postcode' ? foldPostcode(input.value) : minorUnits(input.value);
  const gate = await reserveAttempt(deps.db, deps.clock, `support_signal:account:${challenge.account_id}`, SIGNAL_POLICY, 10);
  if (!gate.granted) throw errors.throttled(gate.retryAfterSeconds);
  if (typeof typed === 'number') return hasOrderTotal(deps.db, challenge.account_id, typed);
  return (await postcodesOf(deps, challenge.account_id)).some((p) => p.toUpperCase().replace(/[\s-]/g, '') === typed);
}

function foldPostcode(value: string): string {
  const folded = value.normalize('NFKC').toUpperCase().replace(/[\s-]/g, '');
  if (!/^[A-Z0-9]{2,10}$/.test(folded)) throw errors.invalidInput({ value: 'A postcode is 2 to 10 letters and digits.' });
  return folded;
}

/** "12.34" or "12" → 1234: amounts in currencies with cents, as the caller reads them off a receipt. */
function minorUnits(value: string): number {
  const match = value.trim().replace(/^[$€£]/, '').match(/^(\d{1,9})(?:\.(\d{2}))?$/);
  if (!match) throw errors.invalidInput({ value: 'Type the amount as on the receipt, e.g. 42.50.' });
  return Number(match[1]) * 100 + Number(match[2] ?? '0');
}

/** What the check page shows: whose check, where the code went (masked), whether it is still live. */
export async function describeCheck(deps: Deps, staff: StaffMember, challengeId: string): Promise<{ accountId: string; sentTo: string; ticket: string; live: boolean }> {
  requirePermission(staff, 'callers.verify');
  const challenge = await findChallenge(deps.db, challengeId, staff.id);
  const contact = challenge && (await contactOnFile(deps.db, challenge.account_id, challenge.identifier_id));
  if (!challenge) throw errors.notFound('check');
  return {
    accountId: challenge.account_id,
    sentTo: contact ? maskRecipient(contact.normalized) : 'a contact no longer on file',
    ticket: challenge.ticket,
    live: challenge.completed_at === null && challenge.expires_at > deps.clock.now(),
  };
}
