import type { Deps, RequestInfo } from '../platform/context.js';
import { MINUTE } from '../platform/clock.js';
import { AppError, errors } from '../platform/errors.js';
import { advanceFlow, createFlow, flowKind, loadFlow, requireState, type Flow } from '../platform/flows.js';
import type { AuthenticatedSession } from '../sessions/store.js';
import { requireIdentifier } from '../accounts/identifiers.js';
import { findAccountByIdentifier, getAccount, listIdentifiers } from '../accounts/store.js';
import { recordEvent } from '../activity/audit.js';
import { identifierSubject } from '../signin/attempts.js';
import { customer } from '../methods/method.js';
import { secondStepMethods, type SecondStepMethod } from '../methods/registry.js';
import { maskEmail, maskPhone } from '../notify/mask.js';

/**
 * Merging account B into account A is a flow of A's session: name B (an email or phone) → prove B with B's FULL
 * sign-in → see what moves → confirm. Proving B (merge-proofs.ts):
 * - a password, then B's own second step when B has one (passkey, authenticator, text code, backup code);
 * - a password and no second step: the password AND a code sent to B's verified email — a stolen password alone must
 *   not move someone's orders and cards into an attacker's account;
 * - no password (an imported account): a code to B's verified email AND one to its verified phone — or the email code
 *   alone when B has no phone, since that is how such an account signs in at all (the forgot-password path), never
 *   weaker than B's own way in — then B's second step, if it has one.
 * Never a matching email alone: naming an identifier proves nothing, and only a verified identifier names an account
 * (an unverified claim is nobody's, so a planted "trojan" identifier can never be what proves B).
 *
 * The flow row holds A's account and the id of the session that began it: another session, even A's own, and
 * another account get 404 for it. Whether B exists is not told while naming it: an unknown identifier moves on to
 * the password and fails there like a wrong one, on the same throttle as sign-in.
 */
export const MERGE_TTL_MS = 20 * MINUTE;

export type MergeStep = 'password' | 'codes' | 'second_factor' | 'email_code' | 'ready' | 'done';

export interface MergeData {
  /** The session of A that began the flow: the only one that may advance it. */
  sessionId: string;
  /** B, when the identifier named an account; null flows fail at every proof, like sign-in's unknown identifiers. */
  targetId: string | null;
  /** Throttle subject for B's first factor: a hash of the identifier typed (signin/attempts.ts). */
  subject: string;
  /** What A typed, masked, to show back. */
  named: string;
  /** B's second-step methods still open to this flow, once its first factor is proven. */
  methods?: SecondStepMethod[];
  /** The codes sent for a password-less B (which of email and phone). */
  sent?: { email: boolean; sms: boolean };
  /** What proved B, for the merge record and activity. */
  proven?: string[];
  /** The live passkey challenge record for B's passkey, when one was asked for (merge-passkey.ts). */
  passkeyChallengeFlow?: string;
}

export type MergeFlow = Flow<MergeData>;

export const MERGE_FLOW = flowKind<MergeData>('account_merge');

export const mergeErrors = {
  sameAccount: () => new AppError(409, 'merge.same_account', 'That email address or phone number already signs in to this account. Name the other account.'),
  locked: () => new AppError(409, 'merge.account_locked', "That account is locked, so it can't be merged. Contact customer service."),
  closed: () => new AppError(409, 'merge.account_closed', "That account is closed, so it can't be merged."),
  changed: () => new AppError(409, 'merge.account_changed', 'One of the two accounts changed meanwhile (merged, closed or locked), so this merge cannot go ahead.'),
  proofFailed: () => new AppError(401, 'merge.proof_failed', "We couldn't confirm the other account with those details. Check them and try again."),
};

export async function startMerge(deps: Deps, session: AuthenticatedSession, input: string, info: RequestInfo): Promise<MergeFlow> {
  const identifier = requireIdentifier(input, deps.config.defaultPhoneRegion);
  // A's own identifiers are A's to know: naming one is a mistake worth saying, and tells nothing about anyone else.
  const own = await listIdentifiers(deps.db, session.accountId);
  if (own.some((i) => i.verified && i.kind === identifier.kind && i.normalized === identifier.normalized)) throw mergeErrors.sameAccount();
  const target = await findAccountByIdentifier(deps.db, identifier);
  const named = identifier.kind === 'email' ? maskEmail(identifier.normalized) : maskPhone(identifier.normalized);
  const flow = await createFlow<MergeData>(deps.db, deps.clock, {
    kind: MERGE_FLOW,
    state: 'password',
    ttlMs: MERGE_TTL_MS,
    accountId: session.accountId,
    data: { sessionId: session.sessionId, targetId: target?.id ?? null, subject: identifierSubject(identifier.normalized), named },
  });
  await recordEvent(deps.db, deps.clock, { accountId: session.accountId, type: 'merge.started', info, detail: { other: named } });
  return flow;
}

/** The flow, if it is this session's: another account's, or another session's of the same account, is unknown (404). */
export async function loadMerge(deps: Deps, session: AuthenticatedSession, flowId: string): Promise<MergeFlow> {
  const flow = await loadFlow<MergeData>(deps.db, deps.clock, flowId, MERGE_FLOW);
  if (flow.accountId !== session.accountId || flow.data.sessionId !== session.sessionId) throw errors.notFound('request');
  return flow;
}

/** B's status, checked once B is proven (naming it tells nothing) and again inside the merge's transaction. */
export async function requireMergeable(deps: Deps, targetId: string): Promise<void> {
  const target = await getAccount(deps.db, targetId);
  if (!target || target.status === 'closed') throw mergeErrors.closed();
  if (target.status === 'locked') throw mergeErrors.locked();
}

/**
 * After B's first factor: its own second step if it has one (passkey, authenticator, text, backup code), else (after a
 * password) a code to its email, else ready.
 */
export async function afterFirstFactor(deps: Deps, flow: MergeFlow, from: MergeStep, factor: string): Promise<MergeFlow> {
  const targetId = flow.data.targetId!;
  await requireMergeable(deps, targetId);
  const methods = await secondStepMethods(deps, customer(targetId));
  const proven = [factor];
  if (methods.length > 0) return advanceFlow(deps.db, deps.clock, flow, from, { state: 'second_factor', data: { ...flow.data, methods, proven } });
  if (factor === 'password') return advanceFlow(deps.db, deps.clock, flow, from, { state: 'email_code', data: { ...flow.data, proven } });
  return advanceFlow(deps.db, deps.clock, flow, from, { state: 'ready', data: { ...flow.data, proven } });
}

export async function proofComplete(deps: Deps, flow: MergeFlow, from: MergeStep, factor: string): Promise<MergeFlow> {
  await requireMergeable(deps, flow.data.targetId!);
  return advanceFlow(deps.db, deps.clock, flow, from, { state: 'ready', data: { ...flow.data, proven: [...(flow.data.proven ?? []), factor] } });
}

export function requireStep(flow: MergeFlow, step: MergeStep): void {
  requireState(flow, step);
}
