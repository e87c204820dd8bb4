import type { Deps, RequestInfo } from '../platform/context.js';
import { DAY } from '../platform/clock.js';
import { errors } from '../platform/errors.js';
import { recordEvent } from '../activity/audit.js';
import { listActivity, type ActivityEntry } from '../activity/activity.js';
import { getAccount, switchOffPassword } from '../accounts/store.js';
import { sendSecurityNotice } from '../notify/security-notices.js';
import { endOtherSessions } from '../sessions/store.js';
import { forgetRememberedDevices } from '../methods/remembered-device/remembered-devices.js';
import { codeDeps, consumeLink } from '../verification/codes.js';
import { cancelPendingChanges } from './password-reset.js';
import { findContactUndo, undoContactChange, type ContactUndo } from './contact-undo.js';
import { inTransaction } from '../platform/db/transaction.js';
import { iso } from '../platform/format.js';
import { queueWebhookEvent } from '../webhooks/events.js';
import { endPartnerGrants } from '../partners/oidc/end-grants.js';
import { removeEveryAlias } from '../merging/aliases.js';

/**
 * "This wasn't me" (PRODUCT.md capability 5), from any login-activity entry or any alert: every session ends
 * (this one too), remembered devices are forgotten, pending email/phone changes are cancelled, and the password
 * stops working until it is reset — whoever knew it can't use it again. Every contact is told, and the customer
 * is shown what changed recently. Reachable signed in, or by the single-use link in an alert.
 */
const CHANGE_TYPES = new Set([
  'password.changed', 'password.reset', 'email.changed', 'email.change_requested', 'phone.verified', 'phone.removed', 'name.changed',
  'factor.added', 'factor.removed', 'backup_codes.created', 'second_factors.reset', 'signin.succeeded', 'sessions.ended_others',
]);

export async function secureAccount(deps: Deps, accountId: string, info: RequestInfo, byLink?: { to: string; undo?: ContactUndo }): Promise<ActivityEntry[]> {
  const account = await getAccount(deps.db, accountId);
  if (!account) throw errors.notFound('account');
  const recent = await recentChanges(deps, accountId);
  await inTransaction(deps, async (tx) => {
    await switchOffPassword(tx.db, tx.clock, accountId);
    await endOtherSessions(tx, accountId, null);
    await forgetRememberedDevices(tx.db, tx.clock, accountId);
    await endPartnerGrants(tx, accountId, 'account_secured');
    await cancelPendingChanges(tx, accountId);
    // Aliases a merge brought may be the intruder's own addresses: left in place, a forgot-password to one lets them back.
    await removeEveryAlias(tx, accountId, info);
    // Before the notice, so it goes to the contact the owner proved, not to the one that replaced it.
    const undone = byLink?.undo ? await undoContactChange(tx.db, tx.clock, accountId, byLink.undo) : false;
    await sendSecurityNotice(tx, { accountId, name: account.name, change: 'account_secured', info, alsoTo: byLink ? [byLink.to] : [] });
    await recordEvent(tx.db, tx.clock, { accountId, type: 'account.secured', info, detail: undone ? { restored: byLink!.undo!.kind } : undefined });
    // The store's endpoints only: the store may hold its own session or cached state for this customer to end.
    await queueWebhookEvent(tx, { type: 'account.secured', data: { account_id: accountId, secured_at: iso(tx.clock.now()) } });
  });
  return recent;
}

/**
 * The same, for someone holding the single-use link from an alert (proof they read that inbox). A link sent with
 * an email or phone change also reverses that change, and the inbox it came to is told too.
 */
export async function secureAccountByLink(deps: Deps, token: string, info: RequestInfo): Promise<ActivityEntry[]> {
  const record = await consumeLink(codeDeps(deps), token, 'secure_account');
  if (!record.account_id) throw errors.codeExpired();
  return secureAccount(deps, record.account_id, info, { to: record.target, undo: await findContactUndo(deps.db, record.id) });
}

async function recentChanges(deps: Deps, accountId: string): Promise<ActivityEntry[]> {
  const since = deps.clock.now() - 30 * DAY;
  const page = await listActivity(deps, accountId, { limit: 100 });
  return page.entries.filter((e) => e.at >= since && CHANGE_TYPES.has(e.type));
}
