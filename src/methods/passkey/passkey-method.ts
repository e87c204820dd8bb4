import { verifyAuthenticationResponse, type AuthenticationResponseJSON } from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import type { Deps } from '../../platform/context.js';
import { getAccount } from '../../accounts/store.js';
import { customer, type Principal, type SigninMethod } from '../method.js';
import { hasConfirmedFactor } from '../store.js';
import { findPasskeyByCredential, recordPasskeyUse, type StoredPasskey } from './passkey-store.js';
import { isUserHandleOf, isStaffUserHandleOf } from './passkey-user-handle.js';
import { factorTableOf, type FactorTableName } from '../factor-table.js';
import { beginPasskeyRegistration, relyingParty, removePasskey } from './passkeys.js';

/**
 * A passkey: a signed answer to a challenge this server issued, from a key registered to the principal. With user
 * verification it proves two factors alone; without, it is only something the customer has (SECURITY.md
 * "Passkey"). It is the one method a phishing site can't relay, so it is offered first (ASVS 6.6.1).
 */
export const passkeyMethod: SigninMethod<'assertion'> = {
  name: 'passkey',
  needs: 'assertion',
  // Staff passkeys live in staff_factors: looked up only in the principal's own kind's table.
  serves: ['customer', 'staff'],
  secondStep: true,

  isAvailable: (deps, principal) => hasConfirmedFactor(deps.db, principal.id, 'passkey', factorTableOf(principal.kind)),

  async verify(deps, principal, proof) {
    const table = factorTableOf(principal?.kind ?? 'customer');
    const passkey = await findPasskeyByCredential(deps.db, proof.response.id, table);
    if (!passkey || !principal || passkey.accountId !== principal.id) return { ok: false, reason: 'unknown_passkey' };
    // A staff member's status was checked by the password step that made their ticket (staff/signin.ts).
    if (principal.kind === 'staff') {
      const outcome = await checkAssertion(deps, passkey, proof.response, proof.challenge, table);
      return outcome ? { ok: true, userVerified: outcome.userVerified } : { ok: false, reason: 'passkey_not_accepted' };
    }
    // A locked or closed account gets no token by this route either; its signature is not even checked.
    const account = await getAccount(deps.db, principal.id);
    if (account && account.status !== 'active') return { ok: false, reason: `account_${account.status}` };
    const outcome = account ? await checkAssertion(deps, passkey, proof.response, proof.challenge, table) : null;
    return outcome ? { ok: true, userVerified: outcome.userVerified } : { ok: false, reason: 'passkey_not_accepted' };
  },

  enrol: (deps, principal) => beginPasskeyRegistration(deps, principal.id),
  remove: (deps, principal, id, info) => removePasskey(deps, { accountId: principal.id, id, info }),
};

/** Whose passkey an authenticator answered with, when it is asked for any (a customer signing in with a passkey alone; never staff's). */
export async function passkeyOwner(deps: Deps, response: AuthenticationResponseJSON): Promise<Principal | null> {
  const passkey = await findPasskeyByCredential(deps.db, response.id);
  return passkey ? customer(passkey.accountId) : null;
}

/**
 * Checks the signed assertion against the stored key; null when anything is off (the detail goes to the log
 * only). The library refuses a counter that did not grow (unless both are 0: authenticators that keep none);
 * the stored counter then moves with a compare-and-swap.
 */
async function checkAssertion(
  deps: Deps,
  passkey: StoredPasskey,
  response: AuthenticationResponseJSON,
  expectedChallenge: string,
  table: FactorTableName,
): Promise<{ userVerified: boolean } | null> {
  const handle = response.response.userHandle;
  const handleOf = table === 'factors' ? isUserHandleOf : isStaffUserHandleOf;
  if (handle && !(await handleOf(deps.db, deps.config.keys, passkey.accountId, handle))) return null;
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
    if (!(await recordPasskeyUse(deps.db, deps.clock, passkey, authenticationInfo.newCounter, table))) return null;
    return { userVerified: authenticationInfo.userVerified };
  } catch (error) {
    deps.log.info({ reason: error instanceof Error ? error.message : 'unknown' }, 'passkey assertion refused');
    return null;
  }
}
