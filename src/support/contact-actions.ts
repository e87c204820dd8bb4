import type { Deps, RequestInfo } from '../platform/context.js';
import { AppError, errors } from '../platform/errors.js';
import { inTransaction } from '../platform/db/transaction.js';
import { lockAccountRow } from '../platform/db/lock-account-row.js';
import { recordEvent } from '../activity/audit.js';
import { getAccount } from '../accounts/store.js';
import { parsePhone, isProblem } from '../accounts/identifiers.js';
import { enqueueMessage } from '../notify/enqueue.js';
import { maskEmail, maskPhone } from '../notify/mask.js';
import { pendingContacts, resendContactCode, startPhoneConfirmation } from '../settings/contact-changes.js';
import type { StaffMember } from '../staff/staff-guard.js';
import { requireWindow } from './window.js';
import { spendAgentAllowance } from './agent-limits.js';
import { tellCustomer } from './notices.js';
import { contactLostSms } from './messages.js';

/**
 * Contacts, for a verified caller: resend a confirmation code the customer is waiting for, and mark a contact as lost.
 * The agent never types an address or number: a resend goes to what the customer already asked to confirm, and
 * "lost" names a contact on file by its id.
 */
export type ResendKind = 'email' | 'phone';

/**
 * Resends the pending email-change or phone-confirmation code (settings' own resend, with its send caps and
 * budgets); a phone on file that was never confirmed and has no pending code gets a fresh confirmation code. It
 * changes nothing on the account, so the customer is not emailed; the audit event shows in Login activity.
 */
export async function resendVerification(deps: Deps, staff: StaffMember, accountId: string, kind: ResendKind, info: RequestInfo): Promise<{ sentTo: string }> {
  const window = await requireWindow(deps, staff, accountId, 'customers.act');
  await spendAgentAllowance(deps, staff, 'action');
  const pending = await pendingContacts(deps, accountId);
  const purpose = kind === 'email' ? 'email_change' : 'phone_confirm';
  const pendingTarget = kind === 'email' ? pending.email : pending.phone;
  const unconfirmed = !pendingTarget && kind === 'phone' ? await unconfirmedPhone(deps, accountId) : undefined;
  if (!pendingTarget && !unconfirmed) throw new AppError(409, 'support.nothing_to_confirm', kind === 'email' ? 'No email address is waiting to be confirmed.' : 'No phone number is waiting to be confirmed.');
  const target = pendingTarget ?? unconfirmed!.normalized;
  // The code and its audit event together: an action never happens without its trail.
  await inTransaction(deps, async (tx) => {
    if (pendingTarget) await resendContactCode(tx, { accountId, purpose, info });
    else await startPhoneConfirmation(tx, { accountId, phone: unconfirmed!, info });
    await recordEvent(tx.db, tx.clock, { accountId, type: 'support.verification_resent', detail: { staff: staff.id, ticket: window.ticket, kind } });
  });
  return { sentTo: kind === 'email' ? maskEmail(target) : maskPhone(e164(deps, target)) };
}

/** The pending list shows a phone as the customer typed it; masking wants E.164. */
function e164(deps: Deps, phone: string): string {
  const parsed = parsePhone(phone, deps.config.defaultPhoneRegion);
  return isProblem(parsed) ? phone : parsed.normalized;
}

async function unconfirmedPhone(deps: Deps, accountId: string) {
  const row = await deps.db.selectFrom('identifiers').select('normalized').where('account_id', '=', accountId).where('kind', '=', 'phone').where('verified_at', 'is', null).executeTakeFirst();
  if (!row) return undefined;
  const parsed = parsePhone(row.normalized, deps.config.defaultPhoneRegion);
  return isProblem(parsed) ? undefined : parsed;
}

/**
 * A lost contact (a stolen phone, an email account the customer no longer controls) is removed from the account:
 * with no identifier row it matches no sign-in, no code or notice is sent to it, and the pending codes and caller
 * checks addressed to it are withdrawn in the same transaction. The last verified contact can't be marked lost —
 * that customer needs supervised recovery. The customer is told at the contacts that remain.
 */
export async function markContactLost(deps: Deps, staff: StaffMember, accountId: string, identifierId: string): Promise<void> {
  const window = await requireWindow(deps, staff, accountId, 'customers.act');
  await spendAgentAllowance(deps, staff, 'action');
  const account = await getAccount(deps.db, accountId);
  if (!account) throw errors.notFound('customer');
  await inTransaction(deps, async (tx) => {
    // Two agents marking the email and the phone lost at once must not leave the account with neither.
    await lockAccountRow(tx.db, accountId);
    const contacts = await tx.db.selectFrom('identifiers').select(['id', 'kind', 'value', 'normalized', 'verified_at']).where('account_id', '=', accountId).execute();
    const lost = contacts.find((c) => c.id === identifierId);
    if (!lost) throw errors.notFound('contact');
    const remaining = contacts.filter((c) => c.id !== identifierId && c.verified_at !== null);
    if (remaining.length === 0) {
      throw new AppError(409, 'support.last_contact', 'This is the customer’s last confirmed contact. A customer who lost every contact needs a supervised recovery.');
    }
    // Conditional on the row still being there: of two agents marking it at once, one deletes and one gets 404.
    const deleted = await tx.db.deleteFrom('identifiers').where('id', '=', identifierId).where('account_id', '=', accountId).executeTakeFirst();
    if (Number(deleted.numDeletedRows) !== 1) throw errors.notFound('contact');
    await tx.db.deleteFrom('verifications').where('account_id', '=', accountId).where('consumed_at', 'is', null).where('target', 'in', [lost.value, lost.normalized]).execute();
    await tx.db.deleteFrom('support_challenges').where('identifier_id', '=', identifierId).execute();
    const shown = lost.kind === 'email' ? maskEmail(lost.normalized) : maskPhone(lost.normalized);
    await recordEvent(tx.db, tx.clock, { accountId, type: 'support.contact_lost', detail: { staff: staff.id, ticket: window.ticket, kind: lost.kind, contact: shown } });
    const emails = remaining.filter((c) => c.kind === 'email');
    if (emails.length > 0) await tellCustomer(tx, { accountId, name: account.name, notice: 'contact_lost', ticket: window.ticket });
    else {
      for (const phone of remaining) {
        await enqueueMessage(tx, contactLostSms({ to: phone.normalized, storeName: tx.config.storeName, ticket: window.ticket, accountId }), { kind: 'notice', immediate: true });
      }
    }
  });
}
