import { recordEvent } from '../../activity/audit.js';
import { getAccount, updatePasswordHash } from '../../accounts/store.js';
import { burnVerifyTime, hashPassword, needsRehash, verifyPassword } from '../../passwords/hashing.js';
import { normalizePassword } from '../../passwords/policy.js';
import type { SigninMethod } from '../method.js';

/**
 * The password: always the first factor, never the second. Unknown account, wrong password, locked or closed
 * account: one argon2 verify's worth of work and the same statements either way (ASVS 6.3.8); only the audit
 * reason tells them apart.
 */
export const passwordMethod: SigninMethod<'password'> = {
  name: 'password',
  needs: 'password',
  serves: ['customer'],
  secondStep: false,

  async isAvailable(deps, principal) {
    return Boolean((await getAccount(deps.db, principal.id))?.passwordHash);
  },

  async verify(deps, principal, proof, { info }) {
    const password = normalizePassword(proof.password);
    // Looked up for an unknown identifier too (finding nothing): the same statements either way (ASVS 6.3.8).
    const account = await getAccount(deps.db, principal?.id ?? '');
    let valid = false;
    if (account?.passwordHash) valid = await verifyPassword(account.passwordHash, password);
    else await burnVerifyTime(password);

    if (!account) return { ok: false, reason: 'unknown_account' };
    if (!valid) return { ok: false, reason: 'wrong_password' };
    if (account.status !== 'active') return { ok: false, reason: `account_${account.status}` };
    // A hash made with older parameters is upgraded now, the one moment the password is at hand.
    if (needsRehash(account.passwordHash!)) {
      await updatePasswordHash(deps.db, deps.clock, account.id, await hashPassword(password), false);
      await recordEvent(deps.db, deps.clock, { accountId: account.id, type: 'password.rehashed', info });
    }
    return { ok: true };
  },
};
