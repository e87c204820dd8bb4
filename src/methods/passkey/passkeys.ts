import { generateRegistrationOptions, verifyRegistrationResponse, type PublicKeyCredentialCreationOptionsJSON, type RegistrationResponseJSON } from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import type { Config } from '../../config.js';
import type { Deps, RequestInfo } from '../../platform/context.js';
import { MINUTE } from '../../platform/clock.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { AppError, errors } from '../../platform/errors.js';
import { advanceFlow, createFlow, flowKind, loadFlow } from '../../platform/flows.js';
import { cleanText } from '../../platform/text.js';
import type { Random } from '../../platform/random.js';
import { recordEvent } from '../../activity/audit.js';
import { getAccount, listIdentifiers } from '../../accounts/store.js';
import { sendSecurityNotice, type SecurityChange } from '../../notify/security-notices.js';
import { userHandleFor } from './passkey-user-handle.js';
import { deletePasskey, findPasskeyByCredential, insertPasskey, listPasskeys, updatePasskeyLabel, type StoredPasskey } from './passkey-store.js';

/**
 * Adding, naming and removing passkeys. The routes that add or remove one require a recent step-up
 * (ASVS 7.5.1), and both send a notice to every verified contact (ASVS 6.3.7). A registration challenge lives in
 * a `passkey_registration` flow and is spent (flow → done) before the response is checked, so it is never
 * accepted twice (ASVS 6.7.2).
 */
export const PASSKEY_NAME_MAX = 60;
export const PASSKEY_CEREMONY_TTL_MS = 5 * MINUTE;

const nameMessages = {
  required: 'Give this passkey a name, such as the device it is on.',
  too_long: `A passkey name can be at most ${PASSKEY_NAME_MAX} characters.`,
  invalid_characters: 'The name contains characters we cannot accept (control or text-direction characters).',
};

/** The relying party is this service's public URL: its host is the RP ID, its origin the only one accepted. */
export function relyingParty(config: Config): { rpID: string; rpName: string; origin: string } {
  const url = new URL(config.publicUrl);
  return { rpID: url.hostname, rpName: 'Custos', origin: url.origin };
}

/** A 256-bit challenge from the CSPRNG (ASVS 6.7.2 asks for at least 64 bits). */
export function newChallenge(random: Random): Uint8Array<ArrayBuffer> {
  return new Uint8Array(random.bytes(32));
}

export function validatePasskeyName(input: string): string {
  const cleaned = cleanText(input, PASSKEY_NAME_MAX);
  if (typeof cleaned !== 'string') throw errors.invalidInput({ name: nameMessages[cleaned.problem] });
  return cleaned;
}

export function passkeyFailed(): AppError {
  return new AppError(400, 'passkey.failed', "Your passkey wasn't added. Please try again.");
}

interface RegistrationData {
  challenge: string;
}

const PASSKEY_REGISTRATION_FLOW = flowKind<RegistrationData>('passkey_registration');

export async function beginPasskeyRegistration(
  deps: Deps,
  accountId: string,
  name?: string,
): Promise<{ flowId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
  // A bad name is refused before the authenticator makes a credential that could then not be kept.
  if (name !== undefined) validatePasskeyName(name);
  const [account, identifiers, existing, userHandle] = await Promise.all([
    getAccount(deps.db, accountId),
    listIdentifiers(deps.db, accountId),
    listPasskeys(deps.db, accountId),
    userHandleFor(deps.db, deps.config.keys, accountId),
  ]);
  const rp = relyingParty(deps.config);
  const options = await generateRegistrationOptions({
    rpName: rp.rpName,
    rpID: rp.rpID,
    userID: isoBase64URL.toBuffer(userHandle),
    userName: identifiers.find((i) => i.kind === 'email' && i.isPrimary)?.value ?? identifiers[0]?.value ?? 'Custos account',
    userDisplayName: account?.name ?? '',
    challenge: newChallenge(deps.random),
    timeout: PASSKEY_CEREMONY_TTL_MS,
    attestationType: 'none',
    // A passkey that can sign in on its own: stored on the authenticator, and unlocked by the customer.
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
  });
  const flow = await createFlow<RegistrationData>(deps.db, deps.clock, {
    kind: PASSKEY_REGISTRATION_FLOW,
    state: 'waiting',
    ttlMs: PASSKEY_CEREMONY_TTL_MS,
    accountId,
    data: { challenge: options.challenge },
  });
  return { flowId: flow.id, options };
}

export async function finishPasskeyRegistration(
  deps: Deps,
  input: { accountId: string; flowId: string; name: string; response: RegistrationResponseJSON; info: RequestInfo },
): Promise<StoredPasskey> {
  const label = validatePasskeyName(input.name);
  const flow = await loadFlow<RegistrationData>(deps.db, deps.clock, input.flowId, PASSKEY_REGISTRATION_FLOW);
  // Another customer's ceremony is unknown here (ASVS 8.2.2).
  if (flow.accountId !== input.accountId) throw errors.notFound('request');
  // Spent before it is checked: whatever the outcome, this challenge is never accepted again (ASVS 6.7.2).
  await advanceFlow(deps.db, deps.clock, flow, 'waiting', { state: 'done', done: true });

  const rp = relyingParty(deps.config);
  let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verified = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: flow.data.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      // Recorded, not demanded: a passkey that can't verify the user still counts as one factor.
      requireUserVerification: false,
    });
  } catch (error) {
    deps.log.info({ reason: error instanceof Error ? error.message : 'unknown' }, 'passkey registration refused');
    throw passkeyFailed();
  }
  if (!verified.verified) throw passkeyFailed();
  const { credential, userVerified } = verified.registrationInfo;
  if (await findPasskeyByCredential(deps.db, credential.id)) {
    throw new AppError(409, 'passkey.exists', 'This passkey is already on an account.');
  }
  const passkey = await insertPasskey(deps.db, deps.clock, {
    accountId: input.accountId,
    label,
    credentialId: credential.id,
    publicKey: isoBase64URL.fromBuffer(credential.publicKey),
    signCount: credential.counter,
    transports: credential.transports ?? [],
    userVerified,
  });
  await afterPasskeyChange(deps, input.accountId, input.info, 'passkey_added', 'factor.added');
  return passkey;
}

export async function renamePasskey(deps: Deps, input: { accountId: string; id: string; name: string }): Promise<void> {
  const label = validatePasskeyName(input.name);
  if (!(await updatePasskeyLabel(deps.db, input.accountId, input.id, label))) throw errors.notFound('passkey');
}

export async function removePasskey(deps: Deps, input: { accountId: string; id: string; info: RequestInfo }): Promise<void> {
  const removed = await deletePasskey(deps.db, input.accountId, input.id);
  if (!removed) throw errors.notFound('passkey');
  await afterPasskeyChange(deps, input.accountId, input.info, 'passkey_removed', 'factor.removed');
}

export { listPasskeys };

/** The notice to every verified contact and the audit entry, written together (as enrolment.ts does for other factors). */
async function afterPasskeyChange(
  deps: Deps,
  accountId: string,
  info: RequestInfo,
  change: SecurityChange,
  type: 'factor.added' | 'factor.removed',
): Promise<void> {
  const account = await getAccount(deps.db, accountId);
  await inTransaction(deps, async (tx) => {
    // The customer's own name for the passkey stays out of the message: text chosen on the site never goes into an alert.
    await sendSecurityNotice(tx, { accountId, name: account?.name ?? '', change, info });
    await recordEvent(tx.db, deps.clock, { accountId, type, info, detail: { kind: 'passkey' } });
  });
}
