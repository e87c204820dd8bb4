import { recordEvent } from '../../activity/audit.js';
import { getAccount, updatePasswordHash } from '../../accounts/store.js';
import { burnVerifyTime, hashPassword, needsRehash, verifyPassword } from '../../passwords/hashing.js';
import { normalizePassword } from '../../passwords/policy.js';
import type { Principal, SigninMethod } from '../method.js';
import type { Deps } from '../../platform/context.js';
import { getStaff } from '../../staff/store.js';
import { reopensBySignin } from '../../closing/reopen.js';

/**
 * The password: always the first factor, never the second. Unknown account, wrong password, locked or closed
 * account: one argon2 verify's worth of work and the same statements either way (ASVS 6.3.8); only the audit
 * reason tells them apart.
 */
export const passwordMethod: SigninMethod<'password'> = {
  name: 'password',
  needs: 'password',
  serves: ['customer', 'staff'],
  secondStep: false,

  async isAvailable(deps, principal) {
    return Boolean((await holderOf(deps, principal))?.passwordHash);
  },

  async verify(deps, principal, proof, { info }) {
    const password = normalizePassword(proof.password);
    // Looked up for an unknown identifier too (finding nothing): the same statements either way (ASVS 6.3.8).
    const account = await holderOf(deps, principal ?? { kind: 'customer', id: '' });
    let valid = false;
    if (account?.passwordHash) valid = await verifyPassword(account.passwordHash, password);
    else await burnVerifyTime(password);

    if (!account) return { ok: false, reason: 'unknown_account' };
    if (!valid) return { ok: false, reason: 'wrong_password' };
    // Closed by its customer, in the grace period: the flow goes on to "reopen it?" (closing/reopen.ts), never to a session.
    const reopenable = principal?.kind === 'customer' && account.status === 'closed' && (await reopensBySignin(deps.db, deps.clock.now(), account.id));
    if (account.status !== 'active' && !reopenable) return { ok: false, reason: `account_${account.status}` };
    // A hash made with older parameters is upgraded now, the one moment the password is at hand.
    if (principal?.kind === 'customer' && needsRehash(account.passwordHash!)) {
      await updatePasswordHash(deps.db, deps.clock, account.id, await hashPassword(password), false);
      await recordEvent(deps.db, deps.clock, { accountId: account.id, type: 'password.rehashed', info });
    }
    return { ok: true };
  },
};

/** Whose password it is: a customer's account or a staff member (staff/store.ts), looked up alike. */
async function holderOf(deps: Deps, principal: Principal): Promise<{ id: string; passwordHash: string | null; status: string } | undefined> {
  if (principal.kind === 'staff') return getStaff(deps.db, principal.id);
  return getAccount(deps.db, principal.id);
}
