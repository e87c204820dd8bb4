import type { Deps } from '../../platform/context.js';
import { HOUR } from '../../platform/clock.js';
import { randomToken, sha256 } from '../../platform/crypto.js';
import { AppError, errors } from '../../platform/errors.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { isUniqueViolation } from '../../platform/db/unique-violation.js';
import { getAccount, replacePhone, replacePrimaryEmail, setAccountStatus, updatePasswordHash } from '../../accounts/store.js';
import { parseEmail } from '../../accounts/identifiers.js';
import { findHold } from '../../accounts/quarantine.js';
import { removeEveryAlias } from '../../merging/aliases.js';
import { recordEvent } from '../../activity/audit.js';
import { enqueueMessage } from '../../notify/enqueue.js';
import { noticeRecipients } from '../../notify/notice-recipients.js';
import { hashPassword } from '../../passwords/hashing.js';
import { checkPassword, normalizePassword } from '../../passwords/policy.js';
import { endOtherSessions } from '../../sessions/store.js';
import { forgetRememberedDevices } from '../../methods/remembered-device/remembered-devices.js';
import { removeEverySecondStep } from '../../methods/store.js';
import { clearAccountAttempts } from '../../signin/attempts.js';
import { cancelPendingChanges } from '../../recovery/password-reset.js';
import { auditStaff } from '../../staff/audit.js';
import { requirePermission, type StaffMember } from '../../staff/staff-guard.js';
import { recoveryDoneEmail, recoveryDoneSms, recoveryLinkEmail } from './messages.js';
import { dueRecoveries, endRecovery, expiredLinks, findByLinkHash, findRecovery, markLinkSent, OPEN_STATES, useCancelToken, type RecoveryRow } from './store.js';

/**
 * The end of a supervised recovery: the scheduled job sends the new address its link once the full wait has
 * passed (and expires links nobody used), the link completes it, and a cancel — by an old contact's link or by
 * staff — ends it at any point before that. Completion and cancel both leave an open state in one conditional
 * update, so when they race exactly one wins.
 */
export const RECOVERY_LINK_TTL_MS = 48 * HOUR;

/** The job: links for recoveries whose wait is over, then expiry of links not used in time. */
export async function runRecoveryJob(deps: Deps): Promise<number> {
  let handled = 0;
  for (const recovery of await dueRecoveries(deps.db, deps.clock.now())) {
    const account = await getAccount(deps.db, recovery.account_id);
    if (!account) continue;
    await inTransaction(deps, async (tx) => {
      const now = tx.clock.now();
      const token = randomToken(tx.random);
      if (!(await markLinkSent(tx.db, recovery.id, { now, linkHash: sha256(token), linkExpiresAt: now + RECOVERY_LINK_TTL_MS }))) return;
      const link = `${tx.config.publicUrl}/support/recoveries/finish?token=${encodeURIComponent(token)}`;
      await enqueueMessage(tx, recoveryLinkEmail({ to: recovery.new_email, name: account.name, storeName: tx.config.storeName, publicUrl: tx.config.publicUrl, accountId: account.id, link }), { kind: 'notice', immediate: true });
      handled += 1;
    });
  }
  for (const recovery of await expiredLinks(deps.db, deps.clock.now())) {
    await inTransaction(deps, async (tx) => {
      if (!(await endRecovery(tx.db, recovery.id, { from: ['link_sent'], to: 'expired', now: tx.clock.now(), by: 'system' }))) return;
      await unlockAfter(tx, recovery);
      handled += 1;
    });
  }
  return handled;
}

/** An old contact's one-click cancel: no sign-in, the token spent whatever the outcome. */
export async function cancelByToken(deps: Deps, token: string): Promise<void> {
  await inTransaction(deps, async (tx) => {
    const recoveryId = await useCancelToken(tx.db, sha256(token), tx.clock.now());
    const recovery = recoveryId && (await findRecovery(tx.db, recoveryId));
    if (!recovery) throw errors.flowExpired();
    await cancel(tx, recovery, 'customer');
  });
}

/** Staff may withdraw a recovery at any open state (recovery.start: withdrawing only ever protects the owner). */
export async function cancelByStaff(deps: Deps, staff: StaffMember, recoveryId: string): Promise<void> {
  requirePermission(staff, 'recovery.start');
  const recovery = await findRecovery(deps.db, recoveryId);
  if (!recovery) throw errors.notFound('recovery');
  await inTransaction(deps, (tx) => cancel(tx, recovery, staff.id));
}

async function cancel(tx: Deps, recovery: RecoveryRow, by: string): Promise<void> {
  if (!(await endRecovery(tx.db, recovery.id, { from: OPEN_STATES, to: 'cancelled', now: tx.clock.now(), by }))) {
    throw new AppError(409, 'recovery.not_open', 'This recovery has already ended.');
  }
  await unlockAfter(tx, recovery);
  // In the staff audit list too, whoever cancelled: the agent and supervisor see their recovery end.
  await auditStaff(tx, 'recovery.cancelled', { staffId: recovery.started_by, actorId: by === 'customer' ? null : by, detail: { recovery: recovery.id, account: recovery.account_id, by: by === 'customer' ? 'customer' : 'staff' } });
  await recordEvent(tx.db, tx.clock, { accountId: recovery.account_id, type: 'support.recovery_cancelled', detail: { by: by === 'customer' ? 'customer' : 'staff', ticket: recovery.ticket } });
  await tellEveryContact(tx, recovery.account_id, 'cancelled', []);
}

/** The wait locked an active account; ending the recovery any way but completion gives it back as it was. */
async function unlockAfter(tx: Deps, recovery: RecoveryRow): Promise<void> {
  if (recovery.approved_at !== null && recovery.prior_status === 'active') await setAccountStatus(tx.db, tx.clock, recovery.account_id, { from: 'locked', to: 'active' });
}

/** For the finish page: whether the link is live (without spending it), and the address it is for. */
export async function describeLink(deps: Deps, token: string): Promise<{ email: string } | undefined> {
  const recovery = await findByLinkHash(deps.db, sha256(token));
  if (!recovery || (recovery.link_expires_at ?? 0) <= deps.clock.now()) return undefined;
  return { email: recovery.new_email };
}

/**
 * Using the link proves the new address: it becomes the account's verified email, the lost phone is removed
 * (a number its owner lost can be someone else's next), and every session, remembered device and second step
 * goes. One conditional update spends the link, so it works once, and not after a cancel.
 */
export async function completeRecovery(deps: Deps, token: string, password: string): Promise<void> {
  const linkHash = sha256(token);
  const recovery = await findByLinkHash(deps.db, linkHash);
  const account = recovery && (await getAccount(deps.db, recovery.account_id));
  if (!recovery || !account || (recovery.link_expires_at ?? 0) <= deps.clock.now()) throw errors.flowExpired();
  const email = parseEmail(recovery.new_email);
  if (typeof email === 'string') throw errors.flowExpired();
  const verdict = checkPassword(password, { name: account.name, email: email.normalized, hasSecondFactor: false });
  if (!verdict.ok) throw errors.invalidInput({ password: verdict.message! });
  if (await takenByAnother(deps, email.normalized, account.id)) throw new AppError(409, 'recovery.email_taken', 'That email address belongs to an account already.');
  const passwordHash = await hashPassword(normalizePassword(password));
  await inTransaction(deps, async (tx) => {
    const now = tx.clock.now();
    if (!(await endRecovery(tx.db, recovery.id, { from: ['link_sent'], to: 'completed', now, by: 'customer', linkHash }))) throw errors.flowExpired();
    if (await takenByAnother(tx, email.normalized, account.id)) throw new AppError(409, 'recovery.email_taken', 'That email address belongs to an account already.');
    const old = await noticeRecipients(tx, account.id);
    try {
      await replacePrimaryEmail(tx.db, tx.clock, account.id, email);
    } catch (error) {
      // Confirmed on another account between the check and this write (PostgreSQL's read committed): the index says no.
      if (isUniqueViolation(error)) throw new AppError(409, 'recovery.email_taken', 'That email address belongs to an account already.');
      throw error;
    }
    await replacePhone(tx.db, tx.clock, account.id, null);
    // Only the new email is left to sign in: aliases a merge brought (maybe by whoever took the account) go too.
    await removeEveryAlias(tx, account.id);
    await updatePasswordHash(tx.db, tx.clock, account.id, passwordHash, true);
    await removeEverySecondStep(tx.db, account.id);
    await forgetRememberedDevices(tx.db, tx.clock, account.id);
    await endOtherSessions(tx, account.id, null);
    await cancelPendingChanges(tx, account.id);
    await setAccountStatus(tx.db, tx.clock, account.id, { from: 'locked', to: 'active' });
    await recordEvent(tx.db, tx.clock, { accountId: account.id, type: 'support.recovery_completed', detail: { ticket: recovery.ticket } });
    await auditStaff(tx, 'recovery.completed', { staffId: recovery.started_by, actorId: null, detail: { recovery: recovery.id, account: account.id } });
    await tellEveryContact(tx, account.id, 'completed', [...old.emails.keys(), ...[...old.phones].map((p) => `sms:${p}`)]);
  });
  await clearAccountAttempts(deps, account.id);
}

/** Every contact now on file, plus `extra` (the old ones, after completion; `sms:` marks a phone). */
async function tellEveryContact(tx: Deps, accountId: string, outcome: 'completed' | 'cancelled', extra: string[]): Promise<void> {
  const account = await getAccount(tx.db, accountId);
  if (!account) return;
  const { emails, phones } = await noticeRecipients(tx, accountId);
  const emailSet = new Set([...emails.keys(), ...extra.filter((e) => !e.startsWith('sms:'))]);
  const phoneSet = new Set([...phones, ...extra.filter((e) => e.startsWith('sms:')).map((e) => e.slice(4))]);
  const common = { storeName: tx.config.storeName, accountId, outcome };
  for (const to of emailSet) await enqueueMessage(tx, recoveryDoneEmail({ ...common, to, name: account.name, publicUrl: tx.config.publicUrl }), { kind: 'notice', immediate: true });
  for (const to of phoneSet) await enqueueMessage(tx, recoveryDoneSms({ ...common, to }), { kind: 'notice', immediate: true });
}

/**
 * Taken by another account, or held for one (accounts/quarantine.ts): a released address is nobody else's until
 * its hold ends. A link used twice at once must answer "used", not "taken by yourself".
 */
async function takenByAnother(deps: Pick<Deps, 'db' | 'clock'>, normalized: string, accountId: string): Promise<boolean> {
  const row = await deps.db.selectFrom('identifiers').select('id').where('kind', '=', 'email').where('normalized', '=', normalized).where('account_id', '<>', accountId).executeTakeFirst();
  const hold = await findHold(deps.db, deps.clock.now(), { kind: 'email', normalized }, accountId);
  return row !== undefined || hold !== undefined;
}
