import type { Deps } from '../platform/context.js';
import { MINUTE } from '../platform/clock.js';
import { advanceFlow, createFlow, flowKind, loadFlow, loadFlowData, requireState, type Flow } from '../platform/flows.js';
import { safeReturnTo } from '../platform/web/return-to.js';
import { requireIdentifier } from '../accounts/identifiers.js';
import { findAccountByIdentifier } from '../accounts/store.js';
import { identifierSubject } from './attempts.js';
import { findImportedClaim } from '../imports/store.js';

/**
 * The sign-in flow: identify (email or phone) → password, or a texted code → [second_factor] → done; or a
 * passkey alone: passkey → passkey_checked → [second_factor] → done. The session is created only when the flow
 * reaches `done` (complete.ts), so nothing before it ever holds a session (Better Auth GHSA-xg6x-h9c9-2m83,
 * Kratos CVE-2024-45042). What follows each factor is decided in one place (next-step.ts).
 *
 * The identify step never says whether the account exists: every identifier moves to `password`, and an
 * unknown one fails there exactly like a wrong password (ASVS 6.3.8).
 */
export const SIGNIN_TTL_MS = 15 * MINUTE;

export interface SigninData {
  identifier?: string;
  /**
   * Where the customer goes once signed in, checked by safeReturnTo when the flow began and again when it is
   * used; kept here, in the flow, so no later step takes it from the browser.
   */
  returnTo?: string;
  /** Throttle subject: a hash of the identifier typed, known or not, so both throttle alike. */
  subject?: string;
  /**
   * The imported account whose unverified claim the identifier is: only the password step reads it, and the right
   * password then asks for a code (claim-confirm.ts). Not the flow's account, so no other way in (a texted code, a
   * passkey) ever treats the unproven address as that account's.
   */
  claimant?: string;
}

export type SigninFlow = Flow<SigninData>;

export const SIGNIN_FLOW = flowKind<SigninData>('signin');

export async function startSignin(deps: Deps, returnTo?: string): Promise<SigninFlow> {
  const data: SigninData = returnTo ? { returnTo } : {};
  return createFlow<SigninData>(deps.db, deps.clock, { kind: SIGNIN_FLOW, state: 'identify', ttlMs: SIGNIN_TTL_MS, data });
}

/**
 * The destination a sign-in flow was started with, even once the flow has expired or ended, so "Sign in again"
 * can keep it; checked again here, since RETURN_URL_ORIGINS may have changed since.
 */
export async function signinReturnTo(deps: Deps, flowId: string | undefined): Promise<string | undefined> {
  if (!flowId) return undefined;
  const data = await loadFlowData(deps.db, flowId, SIGNIN_FLOW);
  return safeReturnTo(data?.returnTo, deps.config);
}

export async function loadSignin(deps: Deps, flowId: string): Promise<SigninFlow> {
  return loadFlow<SigninData>(deps.db, deps.clock, flowId, SIGNIN_FLOW);
}

export async function submitIdentifier(deps: Deps, flowId: string, input: string): Promise<SigninFlow> {
  const flow = await loadSignin(deps, flowId);
  requireState(flow, 'identify');
  const identifier = requireIdentifier(input, deps.config.defaultPhoneRegion);
  const account = await findAccountByIdentifier(deps.db, identifier);
  // An imported account's unverified email or phone: answered alike, proven by a code after the password. Looked
  // up for every identifier, so known, unknown and claimed ones do the same work.
  const claimant = await findImportedClaim(deps.db, identifier);
  return advanceFlow(deps.db, deps.clock, flow, 'identify', {
    state: 'password',
    accountId: account?.id ?? null,
    data: { ...flow.data, identifier: identifier.value, subject: identifierSubject(identifier.normalized), ...(claimant ? { claimant } : {}) },
  });
}
