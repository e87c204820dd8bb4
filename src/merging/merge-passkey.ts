import { generateAuthenticationOptions, type AuthenticationResponseJSON, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { Deps, RequestInfo } from '../platform/context.js';
import { AppError, errors } from '../platform/errors.js';
import { advanceFlow, createFlow, flowKind, loadFlow } from '../platform/flows.js';
import type { AuthenticatedSession } from '../sessions/store.js';
import { customer } from '../methods/method.js';
import { passkeyMethod } from '../methods/passkey/passkey-method.js';
import { listPasskeys } from '../methods/passkey/passkey-store.js';
import { newChallenge, PASSKEY_CEREMONY_TTL_MS, relyingParty } from '../methods/passkey/passkeys.js';
import { verifyAttempt } from '../signin/verify-attempt.js';
import { loadMerge, mergeErrors, proofComplete, requireStep, type MergeFlow } from './merge-flow.js';

/**
 * B's passkey as its second step: a challenge for B's own passkeys, each in a challenge record of its own that is
 * spent (one conditional update) before the answer is checked, so a challenge is never used twice (ASVS 6.7.2) and
 * the merge flow stays open for B's other methods meanwhile. The answer goes through B's second-step allowance.
 */
interface ChallengeData {
  challenge: string;
  mergeFlowId: string;
}

const MERGE_PASSKEY_CHALLENGE = flowKind<ChallengeData>('merge_passkey_challenge');

function passkeyUnavailable(): AppError {
  return new AppError(400, 'merge.method_unavailable', 'Passkeys are not set up for that account.');
}

export async function mergePasskeyOptions(deps: Deps, session: AuthenticatedSession, flowId: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const flow = await loadMerge(deps, session, flowId);
  requireStep(flow, 'second_factor');
  const targetId = flow.data.targetId!;
  const passkeys = await listPasskeys(deps.db, targetId);
  if (!flow.data.methods?.includes('passkey') || passkeys.length === 0) throw passkeyUnavailable();
  const options = await generateAuthenticationOptions({
    rpID: relyingParty(deps.config).rpID,
    challenge: newChallenge(deps.random),
    timeout: PASSKEY_CEREMONY_TTL_MS,
    userVerification: 'preferred',
    allowCredentials: passkeys.map((p) => ({ id: p.credentialId, transports: p.transports })),
  });
  const challenge = await createFlow<ChallengeData>(deps.db, deps.clock, {
    kind: MERGE_PASSKEY_CHALLENGE,
    state: 'waiting',
    ttlMs: PASSKEY_CEREMONY_TTL_MS,
    accountId: session.accountId,
    data: { challenge: options.challenge, mergeFlowId: flow.id },
  });
  await advanceFlow(deps.db, deps.clock, flow, 'second_factor', { state: 'second_factor', data: { ...flow.data, passkeyChallengeFlow: challenge.id } });
  return options;
}

export async function submitMergePasskey(deps: Deps, session: AuthenticatedSession, flowId: string, response: AuthenticationResponseJSON, info: RequestInfo): Promise<MergeFlow> {
  const flow = await loadMerge(deps, session, flowId);
  requireStep(flow, 'second_factor');
  const targetId = flow.data.targetId!;
  if (!flow.data.passkeyChallengeFlow) throw passkeyUnavailable();
  const challenge = await loadFlow<ChallengeData>(deps.db, deps.clock, flow.data.passkeyChallengeFlow, MERGE_PASSKEY_CHALLENGE);
  if (challenge.data.mergeFlowId !== flow.id) throw errors.flowState();
  await advanceFlow(deps.db, deps.clock, challenge, 'waiting', { state: 'done', done: true });
  await verifyAttempt(
    deps,
    { scope: 'second_factor', subject: targetId, accountId: targetId, info, method: 'passkey', reason: 'wrong_second_factor', refuse: () => mergeErrors.proofFailed() },
    () => passkeyMethod.verify(deps, customer(targetId), { response, challenge: challenge.data.challenge }, { info }),
  );
  return proofComplete(deps, flow, 'second_factor', 'passkey');
}
