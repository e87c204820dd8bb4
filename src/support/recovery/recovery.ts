import type { Deps } from '../../platform/context.js';
import { HOUR } from '../../platform/clock.js';
import { randomToken, sha256 } from '../../platform/crypto.js';
import { AppError, errors } from '../../platform/errors.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { getAccount, isIdentifierTaken, setAccountStatus } from '../../accounts/store.js';
import { parseEmail } from '../../accounts/identifiers.js';
import { recordEvent } from '../../activity/audit.js';
import { enqueueMessage } from '../../notify/enqueue.js';
import { noticeRecipients } from '../../notify/notice-recipients.js';
import { endOtherSessions } from '../../sessions/store.js';
import { auditStaff } from '../../staff/audit.js';
import { requirePermission, type StaffMember } from '../../staff/staff-guard.js';
import { cleanTicket } from '../ticket.js';
import { spendAgentAllowance } from '../agent-limits.js';
import { requireEvidence, type Evidence } from './evidence.js';
import { recoveryWarningEmail, recoveryWarningSms } from './messages.js';
import { findRecovery, insertCancelToken, insertRecovery, markApproved, type RecoveryRow } from './store.js';
import { endPartnerGrants } from '../../partners/oidc/end-grants.js';

/**
 * Supervised recovery, for a customer who lost both their email and their phone (SECURITY.md "Recovery"). An
 * agent (recovery.start) records a ticket, evidence from the account's history (evidence.ts) and the one
 * contact a caller may dictate: a new email address, which proves itself only at the very end by using its
 * link. A supervisor who is not that agent approves (recovery.approve; the SQL refuses it too); then the account
 * is locked for the full wait (config.supportRecoveryWaitHours, read from config only: no route takes a wait)
 * and every old contact gets a single-use cancel link. finish.ts sends the link after the wait and completes.
 */
export async function startRecovery(deps: Deps, staff: StaffMember, input: { accountId: string; ticket: unknown; newEmail: string; evidence: Evidence }): Promise<string> {
  requirePermission(staff, 'recovery.start');
  const ticket = cleanTicket(input.ticket);
  const email = parseEmail(input.newEmail);
  if (typeof email === 'string') throw errors.invalidInput({ new_email: 'Type the new email address the caller gives.' });
  const account = await getAccount(deps.db, input.accountId);
  if (!account) throw errors.notFound('customer');
  if (account.status === 'closed') throw new AppError(409, 'support.account_closed', 'This account is closed.');
  await spendAgentAllowance(deps, staff, 'action');
  await requireEvidence(deps, account.id, input.evidence);
  // Someone else's address would hand this account to that address's owner, or merge two customers.
  if (await isIdentifierTaken(deps.db, email, deps.clock.now(), account.id)) throw new AppError(409, 'recovery.email_taken', 'That email address belongs to an account already.');
  return inTransaction(deps, async (tx) => {
    const now = tx.clock.now();
    const id = await insertRecovery(tx.db, {
      account_id: account.id, ticket, new_email: email.value, new_email_normalized: email.normalized,
      evidence: JSON.stringify({ order_number: true, order_amount: true, postcode: true }), started_by: staff.id, created_at: now,
    });
    if (!id) throw new AppError(409, 'recovery.already_open', 'This customer already has a recovery in progress.');
    await recordEvent(tx.db, tx.clock, { accountId: account.id, type: 'support.recovery_started', detail: { staff: staff.id, ticket } });
    await auditStaff(tx, 'recovery.started', { staffId: staff.id, actorId: staff.id, detail: { recovery: id, account: account.id, ticket } });
    return id;
  });
}

export async function approveRecovery(deps: Deps, staff: StaffMember, recoveryId: string): Promise<RecoveryRow> {
  requirePermission(staff, 'recovery.approve');
  const recovery = await findRecovery(deps.db, recoveryId);
  if (!recovery) throw errors.notFound('recovery');
  if (recovery.started_by === staff.id) throw new AppError(403, 'recovery.four_eyes', 'Someone other than the agent who started a recovery must approve it.');
  const account = await getAccount(deps.db, recovery.account_id);
  if (!account || account.status === 'closed') throw new AppError(409, 'support.account_closed', 'This account is closed.');
  const waitHours = deps.config.supportRecoveryWaitHours;
  await inTransaction(deps, async (tx) => {
    const now = tx.clock.now();
    const approved = await markApproved(tx.db, recovery.id, { approvedBy: staff.id, now, waitUntil: now + waitHours * HOUR, priorStatus: account.status });
    if (!approved) throw new AppError(409, 'recovery.not_awaiting_approval', 'This recovery is not waiting for approval.');
    // Locked: no sign-in and every session refused (sessions/store.ts reads the status), so nobody can change the
    // password, contacts or second steps during the wait. Cancelling puts the old status back.
    await setAccountStatus(tx.db, tx.clock, account.id, { from: 'active', to: 'locked' });
    await endOtherSessions(tx, account.id, null);
    await endPartnerGrants(tx, account.id, 'account_locked');
    const { emails, phones } = await noticeRecipients(tx, account.id);
    const common = { storeName: tx.config.storeName, accountId: account.id, waitHours };
    for (const to of emails.keys()) {
      const cancelUrl = await cancelLink(tx, recovery.id, now);
      await enqueueMessage(tx, recoveryWarningEmail({ ...common, to, name: account.name, publicUrl: tx.config.publicUrl, cancelUrl }), { kind: 'notice', immediate: true });
    }
    for (const to of phones) {
      await enqueueMessage(tx, recoveryWarningSms({ ...common, to, cancelUrl: await cancelLink(tx, recovery.id, now) }), { kind: 'notice', immediate: true });
    }
    await recordEvent(tx.db, tx.clock, { accountId: account.id, type: 'support.recovery_approved', detail: { staff: staff.id, ticket: recovery.ticket } });
    await auditStaff(tx, 'recovery.approved', { staffId: recovery.started_by, actorId: staff.id, detail: { recovery: recovery.id, account: account.id, ticket: recovery.ticket } });
  });
  return (await findRecovery(deps.db, recovery.id))!;
}

/** One single-use token per old contact, kept hashed: the link cancels without signing in. */
async function cancelLink(tx: Deps, recoveryId: string, now: number): Promise<string> {
  const token = randomToken(tx.random);
  await insertCancelToken(tx.db, { tokenHash: sha256(token), recoveryId, now });
  return `${tx.config.publicUrl}/support/recoveries/cancel?token=${encodeURIComponent(token)}`;
}
