import {
  generateAuthenticationOptions,
  verifyAuthenticationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import type { Deps, RequestInfo } from '../platform/context.js';
import { sha256 } from '../platform/crypto.js';
import { AppError, errors } from '../platform/errors.js';
import { advanceFlow, createFlow, flowKind, loadFlow, requireState } from '../platform/flows.js';
import { recordEvent } from '../activity/audit.js';
import { getAccount } from '../accounts/store.js';
import { availableMethods } from '../methods/available.js';
import { findPasskeyByCredential, listPasskeys, recordPasskeyUse, type StoredPasskey } from '../methods/passkey/passkey-store.js';
import { newChallenge, PASSKEY_CEREMONY_TTL_MS, relyingParty } from '../methods/passkey/passkeys.js';
import { isUserHandleOf } from '../methods/passkey/passkey-user-handle.js';
import { takeAttempt, type Attempt } from './attempts.js';
import { completeSignin, type SignedIn } from './complete.js';
import { SIGNIN_FLOW, type SecondStepNeeded, type SigninData } from './password-signin.js';

/**
 * Signing in with a passkey, two ways, both steps of the one sign-in flow and both through the shared throttle
 * (ASVS 6.3.4):
 * - alone: a flow started in `passkey` asks any discoverable credential, with user verification. A verified
 *   passkey is two factors (possession + the device's PIN or biometric); an unverified one is one factor, so
 *   the flow moves on to `second_factor` for one of the account's other methods (SECURITY.md "Passkey").
 * - as the second step after the password: the flow waits in `second_factor`; each challenge is its own
 *   `passkey_challenge` record so the flow stays open for the other methods meanwhile.
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

export async function startPasskeySignin(deps: Deps): Promise<PasskeyOptions> {
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
    data: { passkeyChallenge: options.challenge },
  });
  return { flowId: flow.id, options };
}

export async function finishPasskeySignin(deps: Deps, flowId: string, response: AuthenticationResponseJSON, info: RequestInfo): Promise<SignedIn | SecondStepNeeded> {
  const flow = await loadFlow<PasskeySigninData>(deps.db, deps.clock, flowId, SIGNIN_FLOW);
  requireState(flow, 'passkey');
  const passkey = await findPasskeyByCredential(deps.db, response.id);
  // An unknown credential throttles like an unknown identifier does at the password step.
  const attempt = await takeAttempt(deps, { scope: 'passkey', subject: passkey?.accountId ?? `unknown:${sha256(response.id)}`, accountId: passkey?.accountId ?? null, info, method: 'passkey' });
  const checking = await advanceFlow(deps.db, deps.clock, flow, 'passkey', { state: 'passkey_checked', accountId: passkey?.accountId ?? null, data: {} });

  const account = passkey ? await getAccount(deps.db, passkey.accountId) : undefined;
  // Unknown passkey, bad signature, locked or closed account: one answer (ASVS 6.3.8); no token by any route.
  const outcome = passkey && account?.status === 'active' ? await checkAssertion(deps, passkey, response, flow.data.passkeyChallenge ?? '') : null;
  if (!passkey || !account || !outcome) {
    const reason = !passkey ? 'unknown_passkey' : account && account.status !== 'active' ? `account_${account.status}` : 'passkey_not_accepted';
    await failed(deps, attempt, passkey?.accountId ?? null, info, reason);
    throw passkeySigninFailed();
  }
  await attempt.succeeded();
  if (outcome.userVerified) {
    return completeSignin(deps, checking, { from: 'passkey_checked', accountId: account.id, factors: ['passkey'], method: 'passkey', info });
  }
  // Without user verification the passkey is only something the customer has: a second, different factor must follow.
  const others = (await availableMethods(deps.db, account.id)).filter((m) => m !== 'passkey');
  if (others.length === 0) {
    await recordEvent(deps.db, deps.clock, { accountId: account.id, type: 'signin.failed', info, detail: { method: 'passkey', reason: 'user_not_verified' } });
    throw new AppError(401, 'signin.user_verification_required', "Your passkey didn't confirm it was you with your fingerprint, face or screen lock. Try again, or sign in with your password.");
  }
  await advanceFlow(deps.db, deps.clock, checking, 'passkey_checked', { state: 'second_factor', accountId: account.id, factorsPassed: ['passkey'] });
  await recordEvent(deps.db, deps.clock, { accountId: account.id, type: 'signin.second_factor_required', info, detail: { method: 'passkey' } });
  return { state: 'second_factor', flowId, methods: others };
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
): Promise<SignedIn> {
  const flow = await loadFlow<PasskeySigninData>(deps.db, deps.clock, flowId, SIGNIN_FLOW);
  requireState(flow, 'second_factor');
  const accountId = flow.accountId!;
  if (flow.factorsPassed.includes('passkey') || !flow.data.passkeyChallengeFlow) throw methodUnavailable();
  const challenge = await loadFlow<ChallengeData>(deps.db, deps.clock, flow.data.passkeyChallengeFlow, PASSKEY_CHALLENGE_FLOW);
  if (challenge.data.signinFlowId !== flow.id) throw errors.flowState();
  await advanceFlow(deps.db, deps.clock, challenge, 'waiting', { state: 'done', done: true });

  const attempt = await takeAttempt(deps, { scope: 'second_factor', subject: accountId, accountId, info, method: 'passkey' });
  const passkey = await findPasskeyByCredential(deps.db, input.response.id);
  const account = await getAccount(deps.db, accountId);
  const ownPasskey = passkey?.accountId === accountId && account?.status === 'active' ? passkey : undefined;
  const outcome = ownPasskey ? await checkAssertion(deps, ownPasskey, input.response, challenge.data.challenge) : null;
  if (!outcome) {
    await failed(deps, attempt, accountId, info, 'wrong_second_factor');
    throw new AppError(401, 'signin.second_factor_failed', "That passkey didn't work. Try again, or try another way.");
  }
  await attempt.succeeded();
  return completeSignin(deps, flow, {
    from: 'second_factor',
    accountId,
    factors: [...flow.factorsPassed, 'passkey'],
    method: `${flow.factorsPassed.join('+')}+passkey`,
    info,
    rememberDevice: input.rememberDevice,
  });
}

/**
 * Checks the signed assertion against the stored key; null when anything is off (the detail goes to the log
 * only). The library refuses a counter that did not grow (unless both are 0: authenticators that keep none);
 * the stored counter then moves with a compare-and-swap.
 */
async function checkAssertion(deps: Deps, passkey: StoredPasskey, response: AuthenticationResponseJSON, expectedChallenge: string): Promise<{ userVerified: boolean } | null> {
  const handle = response.response.userHandle;
  if (handle && !(await isUserHandleOf(deps.db, deps.config.keys, passkey.accountId, handle))) return null;
  const rp = relyingParty(deps.config);
  try {
    const { verified, authenticationInfo } = await verifyAuthenticationResponse({
      response,
      expectedChallenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      credential: { id: passkey.credentialId, publicKey: isoBase64URL.toBuffer(passkey.publicKey), counter: passkey.signCount, transports: passkey.transports },
      requireUserVerification: false,
    });
    if (!verified) return null;
    if (!(await recordPasskeyUse(deps.db, deps.clock, passkey, authenticationInfo.newCounter))) return null;
    return { userVerified: authenticationInfo.userVerified };
  } catch (error) {
    deps.log.info({ reason: error instanceof Error ? error.message : 'unknown' }, 'passkey assertion refused');
    return null;
  }
}

async function failed(deps: Deps, attempt: Attempt, accountId: string | null, info: RequestInfo, reason: string): Promise<void> {
  await recordEvent(deps.db, deps.clock, { accountId, type: 'signin.failed', info, detail: { method: 'passkey', reason } });
  await attempt.failed();
}

function passkeySigninFailed(): AppError {
  return new AppError(401, 'signin.failed', "That passkey didn't sign you in. Try again, or sign in with your email or phone number.");
}

function methodUnavailable(): AppError {
  return new AppError(400, 'signin.method_unavailable', 'That way of confirming is not set up for this account.');
}
