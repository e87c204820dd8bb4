import type { Deps, RequestInfo } from '../platform/context.js';
import { HOUR, MINUTE } from '../platform/clock.js';
import { AppError, errors } from '../platform/errors.js';
import { constantTimeEqual, randomToken, sha256 } from '../platform/crypto.js';
import { advanceFlow, createFlow, flowKind, loadFlow, requireState, type Flow } from '../platform/flows.js';
import { enqueueMessage, enqueueWithheld } from '../notify/enqueue.js';
import { reserveAttempt, spendSourceAllowance, type ThrottlePolicy } from '../platform/throttle.js';
import { attemptSecret, clearAccountAttempts, identifierSubject } from '../signin/attempts.js';
import { hashPassword } from '../passwords/hashing.js';
import { checkPassword, normalizePassword } from '../passwords/policy.js';
import { recordEvent } from '../activity/audit.js';
import { requireIdentifier } from '../accounts/identifiers.js';
import { findAccountByIdentifier, getAccount, listIdentifiers, updatePasswordHash } from '../accounts/store.js';
import { isRecentPassword, REUSED_PASSWORD } from '../passwords/password-history.js';
import { sendSecurityNotice } from '../notify/security-notices.js';
import { endOtherSessions } from '../sessions/store.js';
import { forgetRememberedDevices } from '../methods/remembered-device/remembered-devices.js';
import { hasSecondFactor } from '../methods/store.js';
import { codeDeps, consumeCode, consumeLink, findPending, issueCode, voidAccountCodes } from '../verification/codes.js';
import { passwordResetEmail, passwordResetSms } from './messages.js';
import { inTransaction } from '../platform/db/transaction.js';
import { proveClaim } from '../accounts/imported-accounts.js';
import { findImportedClaim } from '../imports/store.js';
import { sendClaimProvenNotice } from '../imports/claim-notice.js';

/**
 * Forgot password (SECURITY.md "Recovery"): a code or link to a verified email or phone → a new password. The
 * answer is the same whether or not the identifier has an account (ASVS 6.3.8). The reset signs nobody in and
 * skips no second factor (ASVS 6.4.3): the customer then signs in with the new password. It ends every session,
 * cancels pending email/phone changes, forgets remembered devices, clears the sign-in lockout (lockout must
 * not block recovery) and tells every verified contact (NIST §4.6).
 */
export const RESET_EMAIL_TTL_MS = HOUR;
export const RESET_SMS_TTL_MS = 10 * MINUTE;
const RESET_SOURCE_POLICY: ThrottlePolicy = { freeFailures: 10, firstWaitMs: MINUTE, maxWaitMs: HOUR, forgetAfterMs: HOUR };
/** Reset messages one account receives: RESET_SENDS_PER_HOUR, then nothing until the hour has passed. */
export const RESET_SENDS_PER_HOUR = 3;
const RESET_SENDS_POLICY: ThrottlePolicy = { freeFailures: RESET_SENDS_PER_HOUR - 1, firstWaitMs: HOUR, maxWaitMs: HOUR, forgetAfterMs: HOUR };

interface ResetData {
  channel: 'email' | 'sms';
  destination: string;
  /** Hash of the secret handed to whoever gave the proof; only they may choose the new password. */
  proofHash?: string;
  /** The destination is an imported account's unverified email or phone: the proof makes it verified. */
  claim?: boolean;
}

const RESET_FLOW = flowKind<ResetData>('recovery');

export async function startPasswordReset(deps: Deps, input: string, info: RequestInfo): Promise<{ flowId: string; channel: 'email' | 'sms' }> {
  const identifier = requireIdentifier(input, deps.config.defaultPhoneRegion);
  await spendSourceAllowance(deps.db, deps.clock, 'reset', info.ip, RESET_SOURCE_POLICY);

  // An imported account's unverified email or phone gets a code like a verified one: proving it confirms it
  // (issue 14, "confirmed at first use"), which is how a customer imported without a password chooses one.
  // Both looked up for every identifier: the same work whether it is verified, claimed or unknown.
  const verified = await findAccountByIdentifier(deps.db, identifier);
  const claimant = await findImportedClaim(deps.db, identifier);
  const claimed = await getAccount(deps.db, claimant ?? '');
  const found = verified ?? claimed;
  // The owner is not flooded: past RESET_SENDS_PER_HOUR for the account the request answers alike but sends
  // nothing and leaves the live proof alone. An unknown identifier spends an allowance of its own alike.
  const sendsKey = `reset:sends:${found?.id ?? identifierSubject(identifier.normalized)}`;
  const mayProve = await reserveAttempt(deps.db, deps.clock, sendsKey, RESET_SENDS_POLICY);
  const account = mayProve.granted ? found : undefined;
  const channel = identifier.kind === 'email' ? 'email' : 'sms';
  const flowId = await inTransaction(deps, async (tx) => {
    const flow = await createFlow<ResetData>(tx.db, tx.clock, {
      kind: RESET_FLOW,
      state: 'confirm',
      ttlMs: RESET_EMAIL_TTL_MS,
      accountId: account?.id ?? null,
      data: { channel, destination: identifier.normalized, ...(account && claimant ? { claim: true } : {}) },
    });
    // Unknown identifiers get a code nobody receives, so every later step behaves the same. The account's id
    // on the code voids its older reset proofs: one live proof per account, whichever channel asked.
    const issued = await issueCode(codeDeps(tx), {
      purpose: 'password_reset',
      channel,
      target: identifier.normalized,
      ttlMs: channel === 'email' ? RESET_EMAIL_TTL_MS : RESET_SMS_TTL_MS,
      flowId: flow.id,
      accountId: account?.id,
      withLink: channel === 'email',
    });
    // The message is composed either way and a withheld row queued in its place: the same work, and an unknown
    // identifier spends the same budget as a known one, so a 429 can't tell them apart (SECURITY.md).
    const cause = { kind: 'code', ip: info.ip } as const;
    const message = channel === 'email'
      ? passwordResetEmail({ to: identifier.value, name: account?.name ?? '', code: issued.code, link: resetLink(tx, flow.id, issued.linkToken!), publicUrl: tx.config.publicUrl, accountId: account?.id ?? '' })
      : passwordResetSms({ to: identifier.normalized, code: issued.code, accountId: account?.id ?? '' });
    if (account) await enqueueMessage(tx, message, cause);
    else await enqueueWithheld(tx, message, cause);
    await recordEvent(tx.db, tx.clock, { accountId: account?.id ?? null, type: 'password.reset_requested', info, detail: { channel } });
    return flow.id;
  });
  return { flowId, channel };
}

/** From the configured public URL only, never request headers (GHSA-569q-mpph-wgww). */
function resetLink(deps: Deps, flowId: string, token: string): string {
  return `${deps.config.publicUrl}/recovery/password/link?flow=${encodeURIComponent(flowId)}&token=${encodeURIComponent(token)}`;
}

export async function loadResetFlow(deps: Deps, flowId: string): Promise<Flow<ResetData>> {
  return loadFlow(deps.db, deps.clock, flowId, RESET_FLOW);
}

/** Returns the proof secret that the new-password step requires. */
export async function confirmResetCode(deps: Deps, flowId: string, code: string, info: RequestInfo): Promise<string> {
  const flow = await loadResetFlow(deps, flowId);
  requireState(flow, 'confirm');
  // Guesses are limited per account (and per identifier and network), not only by the code's own five tries.
  await attemptSecret(deps, { scope: 'reset_code', subject: identifierSubject(flow.data.destination), accountId: flow.accountId, info, method: 'reset_code' }, async () =>
    consumeCode(codeDeps(deps), await findPending(codeDeps(deps), { flowId }, 'password_reset'), code),
  );
  return afterProof(deps, flow);
}

export async function confirmResetLink(deps: Deps, flowId: string, token: string): Promise<string> {
  const flow = await loadResetFlow(deps, flowId);
  requireState(flow, 'confirm');
  const record = await consumeLink(codeDeps(deps), token, 'password_reset');
  if (record.flow_id !== flow.id) throw errors.codeExpired();
  return afterProof(deps, flow);
}

/**
 * Whoever started a reset knows its flow id (it is in the emailed link too). If the real owner then gives the
 * proof, the starter must not be able to choose the password: the next step requires a secret handed only to
 * the client that gave the proof.
 */
async function afterProof(deps: Deps, flow: Flow<ResetData>): Promise<string> {
  // A code for an unknown identifier is never sent, so it can't be proven; this is defence in depth.
  if (!flow.accountId) throw errors.codeExpired();
  if (flow.data.claim) await proveImportedClaim(deps, flow.accountId, flow.data);
  const proof = randomToken(deps.random);
  await advanceFlow(deps.db, deps.clock, flow, 'confirm', { state: 'new_password', data: { ...flow.data, proofHash: sha256(proof) } });
  return proof;
}

async function proveImportedClaim(deps: Deps, accountId: string, data: ResetData): Promise<void> {
  const identifier = { kind: data.channel === 'email' ? 'email' : 'phone', normalized: data.destination } as const;
  const account = await getAccount(deps.db, accountId);
  await inTransaction(deps, async (tx) => {
    if (!(await proveClaim(tx.db, tx.clock, accountId, identifier))) {
      throw new AppError(409, 'recovery.identifier_claimed', 'Another account confirmed this address first, so it no longer belongs to this one. Contact the shop.');
    }
    await recordEvent(tx.db, tx.clock, { accountId, type: identifier.kind === 'email' ? 'email.verified' : 'phone.verified', detail: { via: 'imported_reset' } });
    await sendClaimProvenNotice(tx, { accountId, name: account?.name ?? '', kind: identifier.kind, value: data.destination });
  });
}

export async function setNewPassword(deps: Deps, flowId: string, proof: string, password: string, info: RequestInfo): Promise<void> {
  const flow = await loadResetFlow(deps, flowId);
  requireState(flow, 'new_password');
  if (!flow.data.proofHash || !constantTimeEqual(sha256(proof), flow.data.proofHash)) {
    throw new AppError(403, 'recovery.proof_required', 'Please open the reset link or enter the code in this browser to choose a new password.');
  }
  const accountId = flow.accountId!;
  const account = await getAccount(deps.db, accountId);
  if (!account) throw errors.flowExpired();
  // A locked account (by support, or waiting out a supervised recovery) changes nothing until it is unlocked.
  if (account.status !== 'active') throw new AppError(409, 'account.locked', 'This account is locked. Contact support.');
  const identifiers = await listIdentifiers(deps.db, accountId);
  const verdict = checkPassword(password, {
    name: account.name,
    email: identifiers.find((i) => i.kind === 'email')?.normalized,
    phone: identifiers.find((i) => i.kind === 'phone')?.normalized,
    hasSecondFactor: await hasSecondFactor(deps.db, accountId),
  });
  if (!verdict.ok) throw errors.invalidInput({ password: verdict.message! });
  // SECURITY.md Recovery: the password switched off by "This wasn't me", and the five before it, stay refused.
  if (await isRecentPassword(deps.db, accountId, normalizePassword(password))) throw errors.invalidInput({ password: REUSED_PASSWORD });
  const passwordHash = await hashPassword(normalizePassword(password));
  await inTransaction(deps, async (tx) => {
    await advanceFlow(tx.db, tx.clock, flow, 'new_password', { state: 'done', done: true });
    await updatePasswordHash(tx.db, tx.clock, accountId, passwordHash, true);
    await endOtherSessions(tx, accountId, null);
    await cancelPendingChanges(tx, accountId);
    await forgetRememberedDevices(tx.db, tx.clock, accountId);
    await sendSecurityNotice(tx, { accountId, name: account.name, change: 'password_reset', info });
    await recordEvent(tx.db, tx.clock, { accountId, type: 'password.reset', info, detail: { channel: flow.data.channel } });
  });
  // Lockout must not outlive recovery: every counter on the account starts again, second step included.
  await clearAccountAttempts(deps, accountId);
}

/** Pre-hijacking defence: an email or phone change started before a reset must not complete after it. */
export async function cancelPendingChanges(deps: Deps, accountId: string): Promise<void> {
  await voidAccountCodes(codeDeps(deps), accountId, ['email_change', 'phone_confirm']);
}
