import type { Deps, RequestInfo } from '../platform/context.js';
import { MINUTE } from '../platform/clock.js';
import { advanceFlow, createFlow, flowKind, loadFlow, requireState, type Flow } from '../platform/flows.js';
import { requireIdentifier } from '../accounts/identifiers.js';
import { findAccountByIdentifier } from '../accounts/store.js';
import { recordEvent } from '../activity/audit.js';
import { checkPasswordFactor } from '../methods/password/password-factor.js';
import { identifierSubject } from './attempts.js';
import { completeSignin, type SignedIn } from './complete.js';
import { availableMethods, type SecondFactorMethod } from '../methods/available.js';
import { isRememberedDevice } from '../methods/remembered-device/remembered-devices.js';

/**
 * The sign-in flow: identify (email or phone) → password → [second_factor] → done. The session is created only
 * when the flow reaches `done`, so nothing before it ever holds a session (Better Auth GHSA-xg6x-h9c9-2m83, Kratos CVE-2024-45042).
 *
 * The identify step never says whether the account exists: every identifier moves to `password`, and an
 * unknown one fails there exactly like a wrong password (ASVS 6.3.8).
 */
export const SIGNIN_TTL_MS = 15 * MINUTE;

export interface SigninData {
  identifier?: string;
  /** Throttle subject: a hash of the identifier typed, known or not, so both throttle alike. */
  subject?: string;
}

export const SIGNIN_FLOW = flowKind<SigninData>('signin');

export type SigninFlow = Flow<SigninData>;

export async function startSignin(deps: Deps): Promise<SigninFlow> {
  return createFlow<SigninData>(deps.db, deps.clock, { kind: SIGNIN_FLOW, state: 'identify', ttlMs: SIGNIN_TTL_MS, data: {} });
}

export async function loadSignin(deps: Deps, flowId: string): Promise<SigninFlow> {
  return loadFlow<SigninData>(deps.db, deps.clock, flowId, SIGNIN_FLOW);
}

export async function submitIdentifier(deps: Deps, flowId: string, input: string): Promise<SigninFlow> {
  const flow = await loadSignin(deps, flowId);
  requireState(flow, 'identify');
  const identifier = requireIdentifier(input, deps.config.defaultPhoneRegion);
  const account = await findAccountByIdentifier(deps.db, identifier);
  return advanceFlow(deps.db, deps.clock, flow, 'identify', {
    state: 'password',
    accountId: account?.id ?? null,
    data: { identifier: identifier.value, subject: identifierSubject(identifier.normalized) },
  });
}

export interface SecondStepNeeded {
  state: 'second_factor';
  flowId: string;
  methods: SecondFactorMethod[];
}

/**
 * After the password: done, unless the account has two-step verification and this device isn't remembered
 * for it, in which case the flow waits in `second_factor` and no session exists yet.
 */
export async function submitPassword(deps: Deps, flowId: string, password: string, info: RequestInfo): Promise<SignedIn | SecondStepNeeded> {
  const flow = await loadSignin(deps, flowId);
  requireState(flow, 'password');
  const accountId = await checkPasswordFactor(deps, {
    accountId: flow.accountId,
    subject: flow.data.subject ?? 'unknown',
    password,
    info,
    method: 'password',
  });
  const methods = await availableMethods(deps.db, accountId);
  if (methods.length > 0 && !(await isRememberedDevice(deps.db, deps.clock, accountId, info.rememberToken))) {
    await advanceFlow(deps.db, deps.clock, flow, 'password', { state: 'second_factor', accountId, factorsPassed: ['password'] });
    await recordEvent(deps.db, deps.clock, { accountId, type: 'signin.second_factor_required', info, detail: { method: 'password' } });
    return { state: 'second_factor', flowId, methods };
  }
  const method = methods.length > 0 ? 'password+remembered_device' : 'password';
  return completeSignin(deps, flow, { from: 'password', accountId, factors: methods.length > 0 ? ['password', 'remembered_device'] : ['password'], method, info });
}
