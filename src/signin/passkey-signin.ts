import type { ReopenNeeded } from '../closing/reopen.js';
import { generateAuthenticationOptions, type AuthenticationResponseJSON, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { Deps, RequestInfo } from '../platform/context.js';
import { sha256 } from '../platform/crypto.js';
import { AppError, errors } from '../platform/errors.js';
import { advanceFlow, createFlow, flowKind, loadFlow, requireState, type Flow } from '../platform/flows.js';
import { customer } from '../methods/method.js';
import { passkeyMethod, passkeyOwner } from '../methods/passkey/passkey-method.js';
import { listPasskeys } from '../methods/passkey/passkey-store.js';
import { newChallenge, PASSKEY_CEREMONY_TTL_MS, relyingParty } from '../methods/passkey/passkeys.js';
import type { SignedIn } from './complete.js';
import { SIGNIN_FLOW, type SigninData } from './flow.js';
import { nextStep, type SecondStepNeeded } from './next-step.js';
import { methodUnavailable } from './second-factor.js';
import { verifyAttempt } from './verify-attempt.js';

/**
 * Signing in with a passkey, two ways, both steps of the one sign-in flow and both through the attempt gate
 * (ASVS 6.3.4):
 * - alone: a flow started in `passkey` asks any discoverable credential, with user verification. What follows
 *   is next-step.ts's rule, as for any first factor: a verified passkey is two factors; an unverified one is
 *   one, so a different second factor follows, unless this browser is remembered for the account.
 * - as the second step: the flow waits in `second_factor`; each challenge is its own `passkey_challenge`
 *   record so the flow stays open for the other methods meanwhile.
 * Every challenge is spent with a conditional update before the response is checked (ASVS 6.7.2).
 */
export type PasskeySigninData = SigninData & { passkeyChallenge?: string; passkeyChallengeFlow?: string };

interface ChallengeData {
  challenge: string;
  signinFlowId: string;
}

const PASSKEY_CHALLENGE_FLOW = flowKind<ChallengeData>('passkey_challenge');

export interface PasskeyOptions {
  flowId: string;
  options: PublicKeyCredentialRequestOptionsJSON;
}

/** `returnTo` is a destination safeReturnTo has already accepted, or none. */
export async function startPasskeySignin(deps: Deps, returnTo?: string): Promise<PasskeyOptions> {
  const options = await generateAuthenticationOptions({
    rpID: relyingParty(deps.config).rpID,
    challenge: newChallenge(deps.random),
    timeout: PASSKEY_CEREMONY_TTL_MS,
    userVerification: 'required',
    allowCredentials: [],
  });
  const flow = await createFlow<PasskeySigninData>(deps.db, deps.clock, {
    kind: SIGNIN_FLOW,
    state: 'passkey',
    ttlMs: PASSKEY_CEREMONY_TTL_MS,
    data: { passkeyChallenge: options.challenge, ...(returnTo ? { returnTo } : {}) },
  });
  return { flowId: flow.id, options };
}

export async function finishPasskeySignin(deps: Deps, flowId: string, response: AuthenticationResponseJSON, info: RequestInfo): Promise<SignedIn | SecondStepNeeded | ReopenNeeded> {
  const flow = await loadFlow<PasskeySigninData>(deps.db, deps.clock, flowId, SIGNIN_FLOW);
  requireState(flow, 'passkey');
  const principal = await passkeyOwner(deps, response);
  const accountId = principal?.id ?? null;
  let checking: Flow<PasskeySigninData> | undefined;
  const accepted = await verifyAttempt(
    deps,
    // An unknown credential throttles like an unknown identifier does at the password step.
    { scope: 'passkey', subject: accountId ?? `unknown:${sha256(response.id)}`, accountId, info, method: 'passkey', refuse: passkeySigninFailed },
    async () => {
      // The challenge is spent first: a second use of this flow is refused whatever it carries.
      checking = await advanceFlow(deps.db, deps.clock, flow, 'passkey', { state: 'passkey_checked', accountId, data: { returnTo: flow.data.returnTo } });
      return passkeyMethod.verify(deps, principal, { response, challenge: flow.data.passkeyChallenge ?? '' }, { info });
    },
  );
  return nextStep(deps, { flow: checking!, from: 'passkey_checked', principal: principal!, factors: ['passkey'], provesTwo: accepted.userVerified }, info);
}

/** A challenge for the account's own passkeys, for a flow waiting in `second_factor`. */
export async function passkeySecondFactorOptions(deps: Deps, flowId: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const flow = await loadFlow<PasskeySigninData>(deps.db, deps.clock, flowId, SIGNIN_FLOW);
  requireState(flow, 'second_factor');
  const passkeys = await listPasskeys(deps.db, flow.accountId!);
  // The same passkey can't be both factors of one sign-in.
  if (passkeys.length === 0 || flow.factorsPassed.includes('passkey')) throw methodUnavailable();
  const options = await generateAuthenticationOptions({
    rpID: relyingParty(deps.config).rpID,
    challenge: newChallenge(deps.random),
    timeout: PASSKEY_CEREMONY_TTL_MS,
    userVerification: 'preferred',
    allowCredentials: passkeys.map((p) => ({ id: p.credentialId, transports: p.transports })),
  });
  const challenge = await createFlow<ChallengeData>(deps.db, deps.clock, {
    kind: PASSKEY_CHALLENGE_FLOW,
    state: 'waiting',
    ttlMs: PASSKEY_CEREMONY_TTL_MS,
    accountId: flow.accountId,
    data: { challenge: options.challenge, signinFlowId: flow.id },
  });
  await advanceFlow(deps.db, deps.clock, flow, 'second_factor', { state: 'second_factor', data: { ...flow.data, passkeyChallengeFlow: challenge.id } });
  return options;
}

export async function submitPasskeySecondFactor(
  deps: Deps,
  flowId: string,
  input: { response: AuthenticationResponseJSON; rememberDevice?: boolean },
  info: RequestInfo,
): Promise<SignedIn | SecondStepNeeded | ReopenNeeded> {
  const flow = await loadFlow<PasskeySigninData>(deps.db, deps.clock, flowId, SIGNIN_FLOW);
  requireState(flow, 'second_factor');
  const principal = customer(flow.accountId!);
  if (flow.factorsPassed.includes('passkey') || !flow.data.passkeyChallengeFlow) throw methodUnavailable();
  const challenge = await loadFlow<ChallengeData>(deps.db, deps.clock, flow.data.passkeyChallengeFlow, PASSKEY_CHALLENGE_FLOW);
  if (challenge.data.signinFlowId !== flow.id) throw errors.flowState();
  await advanceFlow(deps.db, deps.clock, challenge, 'waiting', { state: 'done', done: true });

  await verifyAttempt(
    deps,
    {
      scope: 'second_factor', subject: principal.id, accountId: principal.id, info, method: 'passkey', reason: 'wrong_second_factor',
      refuse: () => new AppError(401, 'signin.second_factor_failed', "That passkey didn't work. Try again, or try another way."),
    },
    () => passkeyMethod.verify(deps, principal, { response: input.response, challenge: challenge.data.challenge }, { info }),
  );
  return nextStep(deps, { flow, from: 'second_factor', principal, factors: [...flow.factorsPassed, 'passkey'], rememberDevice: input.rememberDevice }, info);
}

function passkeySigninFailed(): AppError {
  return new AppError(401, 'signin.failed', "That passkey didn't sign you in. Try again, or sign in with your email or phone number.");
}
