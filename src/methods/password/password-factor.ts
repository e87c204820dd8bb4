import type { Deps, RequestInfo } from '../../platform/context.js';
import { errors } from '../../platform/errors.js';
import { takeAttempt } from '../../signin/attempts.js';
import { burnVerifyTime, hashPassword, needsRehash, verifyPassword } from '../../passwords/hashing.js';
import { normalizePassword } from '../../passwords/policy.js';
import { getAccount, updatePasswordHash } from '../../accounts/store.js';
import { recordEvent } from '../../activity/audit.js';

/**
 * The one place a password is checked — sign-in, step-up and password change all come here, so every route
 * shares the same throttle (ASVS 6.3.4). Unknown account, wrong password, locked or closed account: one
 * error, one status, one argon2 verify's worth of time (ASVS 6.3.8).
 */
export async function checkPasswordFactor(
  deps: Deps,
  input: { accountId: string | null; subject: string; password: string; info: RequestInfo; method: 'password' | 'step_up' },
): Promise<string> {
  // Reserved before argon2 runs: a spent allowance answers 429 without checking anything.
  const attempt = await takeAttempt(deps, { scope: 'password', subject: input.subject, accountId: input.accountId, info: input.info, method: input.method });

  const password = normalizePassword(input.password);
  // Looked up for an unknown identifier too (finding nothing): the same statements either way (ASVS 6.3.8).
  const account = await getAccount(deps.db, input.accountId ?? '');
  let valid = false;
  if (account?.passwordHash) valid = await verifyPassword(account.passwordHash, password);
  else await burnVerifyTime(password);

  if (!account || !valid || account.status !== 'active') {
    const reason = !account ? 'unknown_account' : !valid ? 'wrong_password' : `account_${account.status}`;
    await recordEvent(deps.db, deps.clock, { accountId: account?.id ?? null, type: input.method === 'step_up' ? 'stepup.failed' : 'signin.failed', info: input.info, detail: { method: input.method, reason } });
    await attempt.failed();
    throw errors.signInFailed();
  }

  await attempt.succeeded();
  if (needsRehash(account.passwordHash!)) {
    await updatePasswordHash(deps.db, deps.clock, account.id, await hashPassword(password), false);
    await recordEvent(deps.db, deps.clock, { accountId: account.id, type: 'password.rehashed', info: input.info });
  }
  return account.id;
}
