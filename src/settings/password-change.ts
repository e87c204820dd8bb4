import type { Deps, RequestInfo } from '../platform/context.js';
import { errors } from '../platform/errors.js';
import { hashPassword } from '../passwords/hashing.js';
import { checkPassword, normalizePassword } from '../passwords/policy.js';
import { recordEvent } from '../activity/audit.js';
import { checkPasswordFactor } from '../methods/password/password-factor.js';
import { endOtherSessions, reauthenticateSession, type AuthenticatedSession } from '../sessions/store.js';
import { getAccount, listIdentifiers, updatePasswordHash } from '../accounts/store.js';
import { sendSecurityNotice } from '../notify/security-notices.js';
import { isRecentPassword, REUSED_PASSWORD } from '../passwords/password-history.js';
import { hasSecondFactor } from '../methods/store.js';
import { forgetRememberedDevices } from '../methods/remembered-device/remembered-devices.js';
import { inTransaction } from '../platform/db/transaction.js';

/**
 * Changing the password needs the current one (ASVS 6.2.3), checked through the shared password factor and its
 * throttle; the new one meets the policy; this session gets a new token; every verified address is told. Every
 * other session ends and remembered devices are forgotten, as a reset does (SECURITY.md Passwords, ASVS 7.4.3):
 * whoever knew the old password may be signed in elsewhere or skip the second step on a remembered browser.
 */
export const PASSWORD_CHANGED = 'Your password was changed, and you were signed out on every other device.';

export async function changePassword(
  deps: Deps,
  input: { session: AuthenticatedSession; currentPassword: string; newPassword: string; info: RequestInfo },
): Promise<{ token: string; endedSessions: number; forgottenDevices: number }> {
  const { accountId } = input.session;
  const account = await getAccount(deps.db, accountId);
  if (!account) throw errors.unauthenticated();
  const identifiers = await listIdentifiers(deps.db, accountId);
  const verdict = checkPassword(input.newPassword, {
    name: account.name,
    email: identifiers.find((i) => i.kind === 'email')?.normalized,
    phone: identifiers.find((i) => i.kind === 'phone')?.normalized,
    hasSecondFactor: await hasSecondFactor(deps.db, accountId),
  });
  if (!verdict.ok) throw errors.invalidInput({ newPassword: verdict.message! });
  try {
    await checkPasswordFactor(deps, { accountId, subject: accountId, password: input.currentPassword, info: input.info, method: 'step_up' });
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'signin.failed') {
      throw errors.invalidInput({ currentPassword: 'Your current password is not correct.' });
    }
    throw error;
  }
  if (normalizePassword(input.newPassword) === normalizePassword(input.currentPassword)) {
    throw errors.invalidInput({ newPassword: 'Your new password must be different from your current one.' });
  }
  // SECURITY.md Recovery: the previous five passwords are refused here as on reset.
  if (await isRecentPassword(deps.db, accountId, normalizePassword(input.newPassword))) throw errors.invalidInput({ newPassword: REUSED_PASSWORD });
  const passwordHash = await hashPassword(normalizePassword(input.newPassword));
  const ended = await inTransaction(deps, async (tx) => {
    await updatePasswordHash(tx.db, tx.clock, accountId, passwordHash, true);
    const endedSessions = await endOtherSessions(tx, accountId, input.session.sessionId);
    const forgottenDevices = await forgetRememberedDevices(tx.db, tx.clock, accountId);
    await sendSecurityNotice(tx, { accountId, name: account.name, change: 'password_changed', info: input.info });
    await recordEvent(tx.db, tx.clock, { accountId, type: 'password.changed', info: input.info, detail: { endedSessions, forgottenDevices } });
    return { endedSessions, forgottenDevices };
  });
  const token = await reauthenticateSession(deps, input.session.sessionId);
  return { token, ...ended };
}
