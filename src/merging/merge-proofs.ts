import type { Deps, RequestInfo } from '../platform/context.js';
import { MINUTE } from '../platform/clock.js';
import { AppError, errors } from '../platform/errors.js';
import { claimPeriodicSlot } from '../platform/throttle.js';
import { inTransaction } from '../platform/db/transaction.js';
import { advanceFlow } from '../platform/flows.js';
import type { AuthenticatedSession } from '../sessions/store.js';
import { getAccount, listIdentifiers } from '../accounts/store.js';
import { enqueueMessage, enqueueWithheld } from '../notify/enqueue.js';
import { customer, type Verdict } from '../methods/method.js';
import { methodNeeding, type SecondStepMethod } from '../methods/registry.js';
import { passwordMethod } from '../methods/password/password-method.js';
import { verifiedPhone } from '../methods/sms/phone.js';
import { issueSigninCode, signinCodeSms } from '../methods/sms/signin-code.js';
import { verifyAttempt } from '../signin/verify-attempt.js';
import { claimCode, checkCode, codeDeps, findPending, issueCode, type CodePurpose, type VerificationRecord } from '../verification/codes.js';
import { afterFirstFactor, loadMerge, mergeErrors, proofComplete, requireStep, type MergeFlow } from './merge-flow.js';
import { mergeCodeEmail, mergeCodeSms } from './messages.js';

/**
 * Each proof of B goes through the sign-in attempt gate (signin/verify-attempt.ts) on B's own counters: a wrong
 * password here is a wrong password for B (scope `password`, keyed by the identifier typed, as at sign-in), and a
 * wrong second step or code spends B's second-step allowance. The attempt is reserved before anything is checked,
 * so a burst of concurrent guesses gets no more checks than the allowance.
 */
const CODE_TTL_MS = 10 * MINUTE;

export async function submitMergePassword(deps: Deps, session: AuthenticatedSession, flowId: string, password: string, info: RequestInfo): Promise<MergeFlow> {
  const flow = await loadMerge(deps, session, flowId);
  requireStep(flow, 'password');
  const targetId = flow.data.targetId;
  await verifyAttempt(
    deps,
    { scope: 'password', subject: flow.data.subject, accountId: targetId, info, method: 'merge_password', refuse: (error) => error ?? mergeErrors.proofFailed() },
    () => checkPassword(deps, targetId, password, info),
  );
  const next = await afterFirstFactor(deps, flow, 'password', 'password');
  if (next.state === 'email_code') await sendEmailCode(deps, next, 'merge_email', info);
  return next;
}

/** The password was right but B can't be merged: a clear answer, since whoever typed it knows B's password. */
async function checkPassword(deps: Deps, targetId: string | null, password: string, info: RequestInfo): Promise<Verdict> {
  const verdict = await passwordMethod.verify(deps, targetId ? customer(targetId) : null, { password }, { info });
  if (!verdict.ok && verdict.reason === 'account_locked') return { ...verdict, error: mergeErrors.locked() };
  if (!verdict.ok && verdict.reason === 'account_closed') return { ...verdict, error: mergeErrors.closed() };
  return verdict;
}

/**
 * "That account has no password": codes to B's verified email and phone. For an unknown B, one with a password, or
 * one without a phone, the same lookups run and a withheld message stands in for each code not sent (SECURITY.md
 * same work), and the answer is the same: an email code field and a text code field, whatever B is. Otherwise the
 * extra field would say that B exists, has no password and has a verified phone. Codes for B are only ever issued
 * for an eligible B, so a withheld one never matches.
 */
export async function requestMergeCodes(deps: Deps, session: AuthenticatedSession, flowId: string, info: RequestInfo): Promise<MergeFlow> {
  const flow = await loadMerge(deps, session, flowId);
  requireStep(flow, 'password');
  const target = await getAccount(deps.db, flow.data.targetId ?? '');
  const eligible = target !== undefined && target.passwordHash === null;
  const phone = await verifiedPhone(deps.db, target?.id ?? '');
  const sms = eligible && phone !== undefined;
  return inTransaction(deps, async (tx) => {
    const moved = await advanceFlow(tx.db, tx.clock, flow, 'password', { state: 'codes', data: { ...flow.data, sent: { email: eligible, sms } } });
    if (eligible) await sendEmailCode(tx, moved, 'merge_email', info);
    else await withholdCode(tx, moved, 'email', info);
    if (sms) await sendSmsCode(tx, moved, phone, info);
    else await withholdCode(tx, moved, 'sms', info);
    return moved;
  });
}

/**
 * A code's stand-in: issued bound to no flow and no account (so nothing can ever match it), composed, and queued
 * withheld. A text's budget is drawn for a destination of this flow alone and charged to A, who asked.
 */
async function withholdCode(tx: Deps, flow: MergeFlow, channel: 'email' | 'sms', info: RequestInfo): Promise<void> {
  const to = `withheld-${flow.id}`;
  const issued = await issueCode(codeDeps(tx), { purpose: channel === 'email' ? 'merge_email' : 'merge_sms', channel, target: to, ttlMs: CODE_TTL_MS });
  const message = channel === 'email'
    ? mergeCodeEmail({ to, name: '', code: issued.code, publicUrl: tx.config.publicUrl, accountId: '' })
    : mergeCodeSms({ to, code: issued.code, accountId: '' });
  await enqueueWithheld(tx, message, { kind: 'second_step', ip: info.ip, accountId: flow.accountId! });
}

export async function submitMergeCodes(deps: Deps, session: AuthenticatedSession, flowId: string, codes: { emailCode: string; smsCode?: string }, info: RequestInfo): Promise<MergeFlow> {
  const flow = await loadMerge(deps, session, flowId);
  requireStep(flow, 'codes');
  const needed: Array<[CodePurpose, string]> = [['merge_email', codes.emailCode]];
  if (flow.data.sent?.sms) needed.push(['merge_sms', codes.smsCode ?? '']);
  await verifyAttempt(
    deps,
    { scope: 'password', subject: flow.data.subject, accountId: flow.data.targetId, info, method: 'merge_codes', reason: 'wrong_code', refuse: (error) => error ?? mergeErrors.proofFailed() },
    () => checkCodes(deps, flow.id, needed),
  );
  return afterFirstFactor(deps, flow, 'codes', 'codes');
}

export async function submitMergeEmailCode(deps: Deps, session: AuthenticatedSession, flowId: string, code: string, info: RequestInfo): Promise<MergeFlow> {
  const flow = await loadMerge(deps, session, flowId);
  requireStep(flow, 'email_code');
  const targetId = flow.data.targetId!;
  await verifyAttempt(
    deps,
    { scope: 'second_factor', subject: targetId, accountId: targetId, info, method: 'merge_email_code', reason: 'wrong_code', refuse: (error) => error ?? mergeErrors.proofFailed() },
    () => checkCodes(deps, flow.id, [['merge_email', code]]),
  );
  return proofComplete(deps, flow, 'email_code', 'email_code');
}

/** A new code to B's email for the waiting flow, at most once a minute (the old one stops working). */
export async function resendMergeEmailCode(deps: Deps, session: AuthenticatedSession, flowId: string, info: RequestInfo): Promise<void> {
  const flow = await loadMerge(deps, session, flowId);
  requireStep(flow, 'email_code');
  if (!(await claimPeriodicSlot(deps.db, deps.clock, `merge-email:${flow.id}`, MINUTE))) throw errors.resendTooSoon(60);
  await sendEmailCode(deps, flow, 'merge_email', info);
}

/** Texts B's second-step code, bound to this flow (at most once a minute, as at sign-in). */
export async function sendMergeSecondStepSms(deps: Deps, session: AuthenticatedSession, flowId: string, info: RequestInfo): Promise<void> {
  const flow = await loadMerge(deps, session, flowId);
  requireStep(flow, 'second_factor');
  const targetId = flow.data.targetId!;
  const phone = await verifiedPhone(deps.db, targetId);
  if (!flow.data.methods?.includes('sms') || !phone) throw new AppError(400, 'merge.method_unavailable', 'Text message codes are not set up for that account.');
  await inTransaction(deps, async (tx) => {
    const issued = await issueSigninCode(tx, { flowId, phone, accountId: targetId });
    await enqueueMessage(tx, signinCodeSms({ to: phone, code: issued.code, accountId: targetId }), { kind: 'second_step', ip: info.ip, accountId: targetId });
  });
}

export async function submitMergeSecondFactor(deps: Deps, session: AuthenticatedSession, flowId: string, input: { method: string; code: string }, info: RequestInfo): Promise<MergeFlow> {
  const flow = await loadMerge(deps, session, flowId);
  requireStep(flow, 'second_factor');
  const targetId = flow.data.targetId!;
  const method = methodNeeding('code', input.method);
  if (!method || !flow.data.methods?.includes(input.method as SecondStepMethod)) throw new AppError(400, 'merge.method_unavailable', 'That way of confirming is not set up for that account.');
  await verifyAttempt(
    deps,
    { scope: 'second_factor', subject: targetId, accountId: targetId, info, method: input.method, reason: 'wrong_second_factor', refuse: (error) => error ?? mergeErrors.proofFailed() },
    () => method.verify(deps, customer(targetId), { code: input.code }, { info, flowId }),
  );
  return proofComplete(deps, flow, 'second_factor', input.method);
}

async function sendEmailCode(deps: Deps, flow: MergeFlow, purpose: CodePurpose, info: RequestInfo): Promise<void> {
  const targetId = flow.data.targetId!;
  const target = await getAccount(deps.db, targetId);
  const email = (await listIdentifiers(deps.db, targetId)).find((i) => i.kind === 'email' && i.verified);
  if (!email) return;
  await inTransaction(deps, async (tx) => {
    const issued = await issueCode(codeDeps(tx), { purpose, channel: 'email', target: email.normalized, ttlMs: CODE_TTL_MS, flowId: flow.id, accountId: targetId });
    await enqueueMessage(tx, mergeCodeEmail({ to: email.value, name: target?.name ?? '', code: issued.code, publicUrl: tx.config.publicUrl, accountId: targetId }), { kind: 'second_step', ip: info.ip, accountId: targetId });
  });
}

async function sendSmsCode(tx: Deps, flow: MergeFlow, phone: string, info: RequestInfo): Promise<void> {
  const targetId = flow.data.targetId!;
  const issued = await issueCode(codeDeps(tx), { purpose: 'merge_sms', channel: 'sms', target: phone, ttlMs: CODE_TTL_MS, flowId: flow.id, accountId: targetId });
  await enqueueMessage(tx, mergeCodeSms({ to: phone, code: issued.code, accountId: targetId }), { kind: 'second_step', ip: info.ip, accountId: targetId });
}

/** Every code is checked (each spends a try); none is used up unless all match, so one typo doesn't cost the other. */
async function checkCodes(deps: Deps, flowId: string, codes: Array<[CodePurpose, string]>): Promise<Verdict> {
  const cd = codeDeps(deps);
  const records = await Promise.all(codes.map(([purpose]) => findPending(cd, { flowId }, purpose)));
  // No code was sent (an unknown account, or one with a password): the same answer as a wrong code.
  if (records.some((r) => r === undefined)) return { ok: false, reason: 'wrong_code' };
  try {
    const results = await Promise.allSettled(codes.map(([, typed], n) => checkCode(cd, records[n], typed)));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    for (const result of results) await claimCode(cd, (result as PromiseFulfilledResult<VerificationRecord>).value);
    return { ok: true };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { ok: false, reason: 'wrong_code', error: error.code === 'code.invalid' ? undefined : error };
  }
}
