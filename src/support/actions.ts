import type { Deps } from '../platform/context.js';
import { AppError, errors } from '../platform/errors.js';
import { inTransaction } from '../platform/db/transaction.js';
import { cleanText } from '../platform/text.js';
import { getAccount, setAccountStatus } from '../accounts/store.js';
import { recordEvent } from '../activity/audit.js';
import { endOtherSessions } from '../sessions/store.js';
import type { StaffMember } from '../staff/staff-guard.js';
import { tellCustomer } from './notices.js';
import { insertNote } from './store.js';
import { isHeldByRecovery } from './recovery/store.js';
import { requireWindow } from './window.js';
import { spendAgentAllowance } from './agent-limits.js';
import { endPartnerGrants } from '../partners/oidc/end-grants.js';

/**
 * What an agent may do for a verified caller (customers.act, inside the agent's window). Each action is one
 * transaction: the change, the audit event (staff id, ticket; the customer's Login activity shows it) and,
 * when something changed, the email telling the customer.
 */
export async function endCustomerSessions(deps: Deps, staff: StaffMember, accountId: string): Promise<number> {
  const window = await requireWindow(deps, staff, accountId, 'customers.act');
  const account = await actingOn(deps, staff, accountId);
  return inTransaction(deps, async (tx) => {
    const ended = await endOtherSessions(tx, accountId, null);
    await recordEvent(tx.db, tx.clock, { accountId, type: 'support.sessions_ended', detail: { staff: staff.id, ticket: window.ticket, sessions: ended } });
    if (ended > 0) await tellCustomer(tx, { accountId, name: account.name, notice: 'sessions_ended', ticket: window.ticket });
    return ended;
  });
}

/**
 * Lock: the account's status becomes `locked`, which the session check reads on every request
 * (sessions/store.ts authenticateToken joins the account), so the customer's very next request is refused, on
 * every instance; sign-in methods refuse a locked account too. Sessions are ended as well, so an unlock
 * doesn't bring an attacker's session back.
 */
export async function lockCustomer(deps: Deps, staff: StaffMember, accountId: string, lock: boolean): Promise<void> {
  const window = await requireWindow(deps, staff, accountId, 'customers.act');
  const account = await actingOn(deps, staff, accountId);
  await inTransaction(deps, async (tx) => {
    // A supervised recovery's wait keeps the account locked; only its cancel link or staff cancelling it ends that.
    if (!lock && (await isHeldByRecovery(tx.db, accountId))) throw new AppError(409, 'support.recovery_waiting', 'A supervised recovery holds this account locked. Cancel the recovery to unlock it.');
    const changed = await setAccountStatus(tx.db, tx.clock, accountId, lock ? { from: 'active', to: 'locked' } : { from: 'locked', to: 'active' });
    if (!changed) throw new AppError(409, lock ? 'support.already_locked' : 'support.not_locked', lock ? 'This account is not active, so it cannot be locked.' : 'This account is not locked.');
    if (lock) await endOtherSessions(tx, accountId, null);
    if (lock) await endPartnerGrants(tx, accountId, 'account_locked');
    await recordEvent(tx.db, tx.clock, { accountId, type: lock ? 'support.account_locked' : 'support.account_unlocked', detail: { staff: staff.id, ticket: window.ticket } });
    await tellCustomer(tx, { accountId, name: account.name, notice: lock ? 'account_locked' : 'account_unlocked', ticket: window.ticket });
  });
}

export const NOTE_MAX = 2000;

export async function addNote(deps: Deps, staff: StaffMember, accountId: string, raw: unknown): Promise<void> {
  const window = await requireWindow(deps, staff, accountId, 'customers.act');
  await actingOn(deps, staff, accountId);
  const text = typeof raw === 'string' ? cleanText(raw, NOTE_MAX, { multiline: true }) : { problem: 'required' as const };
  if (typeof text !== 'string') {
    throw errors.invalidInput({ text: text.problem === 'required' ? 'Type the note.' : text.problem === 'too_long' ? `A note is at most ${NOTE_MAX} characters.` : 'The note has characters we cannot keep.' });
  }
  await inTransaction(deps, async (tx) => {
    await insertNote(tx.db, { accountId, staffId: staff.id, ticket: window.ticket, text, now: tx.clock.now() });
    await recordEvent(tx.db, tx.clock, { accountId, type: 'support.note_added', detail: { staff: staff.id, ticket: window.ticket } });
  });
}

/** Every action first spends one of the agent's hourly actions (agent-limits.ts), then loads the account. */
async function actingOn(deps: Deps, staff: StaffMember, accountId: string) {
  await spendAgentAllowance(deps, staff, 'action');
  const account = await getAccount(deps.db, accountId);
  if (!account) throw errors.notFound('customer');
  return account;
}
