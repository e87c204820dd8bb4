import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import type { Kysely } from 'kysely';
import type { Deps } from '../platform/context.js';
import type { Database } from '../platform/db/schema.js';
import { AppError, errors } from '../platform/errors.js';
import { advanceFlow, createFlow, flowKind, loadFlow } from '../platform/flows.js';
import { factorTableOf } from '../methods/factor-table.js';
import { findPasskeyByCredential, insertPasskey, listPasskeys } from '../methods/passkey/passkey-store.js';
import { staffUserHandleFor } from '../methods/passkey/passkey-user-handle.js';
import { newChallenge, passkeyFailed, PASSKEY_CEREMONY_TTL_MS, relyingParty, validatePasskeyName } from '../methods/passkey/passkeys.js';

/**
 * Staff passkeys: the passkey method's own store and checks, on `staff_factors` (factor-table.ts). Every
 * challenge is a `staff_passkey` flow bound to one staff member and to what asked for it (a setup link, a sign-in
 * ticket), spent before the response is checked (ASVS 6.7.2): a challenge made for one ticket or link can't
 * finish another. Flows' account_id names customers, so the binding lives in the flow's data.
 */
interface ChallengeData {
  challenge: string;
  staffId: string;
  purpose: 'register' | 'signin';
  /** The setup link's id, or the sign-in ticket's session id. */
  boundTo: string;
}

const STAFF_PASSKEY_FLOW = flowKind<ChallengeData>('staff_passkey');
const STAFF = factorTableOf('staff');

export interface StaffPasskeyCeremony<O> {
  flowId: string;
  options: O;
}

async function newCeremony(deps: Deps, data: ChallengeData): Promise<string> {
  const flow = await createFlow<ChallengeData>(deps.db, deps.clock, { kind: STAFF_PASSKEY_FLOW, state: 'waiting', ttlMs: PASSKEY_CEREMONY_TTL_MS, data });
  return flow.id;
}

/** Loads and spends a challenge; refused (as an expired request) when it was made for someone or something else. */
export async function spendStaffChallenge(deps: Deps, flowId: string, expect: Omit<ChallengeData, 'challenge'>): Promise<string> {
  const flow = await loadFlow<ChallengeData>(deps.db, deps.clock, flowId, STAFF_PASSKEY_FLOW);
  const { staffId, purpose, boundTo } = flow.data;
  if (staffId !== expect.staffId || purpose !== expect.purpose || boundTo !== expect.boundTo) throw errors.notFound('request');
  await advanceFlow(deps.db, deps.clock, flow, 'waiting', { state: 'done', done: true });
  return flow.data.challenge;
}

export async function beginStaffPasskeyRegistration(
  deps: Deps,
  member: { id: string; email: string; name: string },
  boundTo: string,
): Promise<StaffPasskeyCeremony<PublicKeyCredentialCreationOptionsJSON>> {
  const rp = relyingParty(deps.config);
  const existing = await listPasskeys(deps.db, member.id, STAFF);
  const options = await generateRegistrationOptions({
    rpName: `${rp.rpName} support`,
    rpID: rp.rpID,
    userID: isoBase64URL.toBuffer(staffUserHandleFor(deps.config.keys, member.id)),
    userName: member.email,
    userDisplayName: member.name,
    challenge: newChallenge(deps.random),
    timeout: PASSKEY_CEREMONY_TTL_MS,
    attestationType: 'none',
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
    excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
  });
  const flowId = await newCeremony(deps, { challenge: options.challenge, staffId: member.id, purpose: 'register', boundTo });
  return { flowId, options };
}

export interface VerifiedStaffPasskey {
  label: string;
  credentialId: string;
  publicKey: string;
  signCount: number;
  transports: string[];
  userVerified: boolean;
}

/** Checks a registration response against its (spent) challenge; nothing is stored yet. */
export async function verifyStaffPasskey(
  deps: Deps,
  input: { staffId: string; boundTo: string; flowId: string; name: string; response: RegistrationResponseJSON },
): Promise<VerifiedStaffPasskey> {
  const label = validatePasskeyName(input.name);
  const challenge = await spendStaffChallenge(deps, input.flowId, { staffId: input.staffId, purpose: 'register', boundTo: input.boundTo });
  const rp = relyingParty(deps.config);
  try {
    const verified = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      requireUserVerification: false,
    });
    if (!verified.verified) throw passkeyFailed();
    const { credential, userVerified } = verified.registrationInfo;
    return { label, credentialId: credential.id, publicKey: isoBase64URL.fromBuffer(credential.publicKey), signCount: credential.counter, transports: credential.transports ?? [], userVerified };
  } catch (error) {
    if (error instanceof AppError) throw error;
    deps.log.info({ reason: error instanceof Error ? error.message : 'unknown' }, 'staff passkey registration refused');
    throw passkeyFailed();
  }
}

/** Stores a checked passkey in staff_factors (inside the caller's transaction). */
export async function storeStaffPasskey(deps: Deps, db: Kysely<Database>, staffId: string, passkey: VerifiedStaffPasskey): Promise<void> {
  if (await findPasskeyByCredential(db, passkey.credentialId, STAFF)) throw new AppError(409, 'passkey.exists', 'This passkey is already set up.');
  await insertPasskey(db, deps.clock, { accountId: staffId, ...passkey }, STAFF);
}

/** A challenge for the staff member's own passkeys, bound to their sign-in ticket. */
export async function beginStaffPasskeyAssertion(deps: Deps, staffId: string, ticketSessionId: string): Promise<StaffPasskeyCeremony<PublicKeyCredentialRequestOptionsJSON>> {
  const passkeys = await listPasskeys(deps.db, staffId, STAFF);
  if (passkeys.length === 0) throw new AppError(400, 'signin.method_unavailable', 'That method is not set up for this staff member.');
  const options = await generateAuthenticationOptions({
    rpID: relyingParty(deps.config).rpID,
    challenge: newChallenge(deps.random),
    timeout: PASSKEY_CEREMONY_TTL_MS,
    userVerification: 'preferred',
    allowCredentials: passkeys.map((p) => ({ id: p.credentialId, transports: p.transports })),
  });
  const flowId = await newCeremony(deps, { challenge: options.challenge, staffId, purpose: 'signin', boundTo: ticketSessionId });
  return { flowId, options };
}

export type { AuthenticationResponseJSON, RegistrationResponseJSON };
