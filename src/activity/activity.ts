import type { Deps } from '../platform/context.js';
import { errors } from '../platform/errors.js';
import { decodeCursor, encodeCursor, type KeysetPosition } from '../platform/keyset-cursor.js';

/**
 * Login activity: the customer's view of their own audit trail, newest first, paginated by keyset
 * (created_at, id) so page 500 costs what page 1 does.
 */
export interface ActivityEntry {
  at: number;
  type: string;
  description: string;
  outcome: 'success' | 'failure' | 'blocked' | 'info';
  method: string | null;
  ip: string | null;
  place: string | null;
  device: string | null;
  sessionId: string | null;
  /** The masked email of the account a merge brought this entry from, shown as "from b•••@…". */
  fromMerged: string | null;
}

export interface ActivityPage {
  entries: ActivityEntry[];
  /** Pass back as `before` for the next (older) page; null on the last page. */
  next: string | null;
}

export const ACTIVITY_PAGE_MAX = 100;

export async function listActivity(deps: Deps, accountId: string, options: { before?: string; limit?: number } = {}): Promise<ActivityPage> {
  const limit = Math.min(Math.max(options.limit ?? 20, 1), ACTIVITY_PAGE_MAX);
  const cursor = options.before ? positionOf(options.before) : undefined;
  let query = deps.db
    .selectFrom('audit_events')
    .select(['id', 'type', 'ip', 'place', 'device', 'detail', 'created_at', 'merged_from'])
    .where('account_id', '=', accountId);
  if (cursor) {
    query = query.where((eb) =>
      eb.or([eb('created_at', '<', cursor.at), eb.and([eb('created_at', '=', cursor.at), eb('id', '<', cursor.id)])]),
    );
  }
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    entries: page.map((row) => {
      const detail = JSON.parse(row.detail) as Record<string, unknown>;
      const described = describeEvent(row.type, detail);
      return {
        at: row.created_at,
        type: row.type,
        ...described,
        method: typeof detail.method === 'string' ? detail.method : null,
        ip: row.ip,
        place: row.place,
        device: row.device,
        sessionId: typeof detail.session === 'string' ? detail.session : null,
        fromMerged: row.merged_from,
      };
    }),
    next: rows.length > limit && last ? encodeCursor({ at: last.created_at, id: last.id }) : null,
  };
}

function positionOf(before: string): KeysetPosition {
  const position = decodeCursor(before);
  if (!position) throw errors.invalidInput({ before: 'This page link is not valid. Start again from the first page.' });
  return position;
}

const REASONS: Record<string, string> = {
  wrong_password: 'wrong password',
  wrong_second_factor: 'wrong second-step code',
  wrong_code: 'wrong code',
  unknown_account: 'unknown account',
  account_locked: 'account locked',
  account_closed: 'account closed',
};

function describeEvent(type: string, detail: Record<string, unknown>): Pick<ActivityEntry, 'description' | 'outcome'> {
  const reason = typeof detail.reason === 'string' ? REASONS[detail.reason] ?? 'not accepted' : 'not accepted';
  switch (type) {
    case 'partner.signed_in':
      return { description: `Signed in to ${partnerName(detail)} with your account`, outcome: 'success' };
    case 'partner.removed':
      return { description: `${partnerName(detail)} removed from Apps and websites`, outcome: 'info' };
    case 'signin.succeeded':
      return { description: detail.newDevice ? 'Signed in from a new device' : 'Signed in', outcome: 'success' };
    case 'signin.failed':
      return { description: `Sign-in failed: ${reason}`, outcome: 'failure' };
    case 'signin.throttled':
      return { description: 'Sign-in blocked: too many attempts', outcome: 'blocked' };
    case 'signin.retry_link_requested':
      return { description: 'Asked for a link to try signing in again from a browser', outcome: 'info' };
    case 'signin.retry_link_used':
      return { description: 'A browser may try signing in again (emailed link)', outcome: 'info' };
    case 'stepup.succeeded':
      return { description: 'Password confirmed', outcome: 'success' };
    case 'stepup.failed':
      return { description: `Password confirmation failed: ${reason}`, outcome: 'failure' };
    case 'signup.completed':
      return { description: 'Account created', outcome: 'success' };
    case 'signout':
      return { description: 'Signed out', outcome: 'info' };
    case 'session.ended':
      return { description: 'Signed out a device', outcome: 'info' };
    case 'sessions.ended_others':
      return { description: 'Signed out everywhere else', outcome: 'info' };
    case 'password.changed':
      return { description: 'Password changed', outcome: 'info' };
    case 'password.rehashed':
      return { description: 'Password storage upgraded', outcome: 'info' };
    case 'name.changed':
      return { description: 'Name changed', outcome: 'info' };
    case 'personal_phrase.set':
      return { description: 'Personal phrase set or changed', outcome: 'info' };
    case 'personal_phrase.removed':
      return { description: 'Personal phrase removed', outcome: 'info' };
    case 'message.reported':
      return { description: 'Suspicious message reported', outcome: 'info' };
    case 'email.change_requested':
      return { description: 'Email change requested', outcome: 'info' };
    case 'email.changed':
      return { description: 'Email address changed', outcome: 'info' };
    case 'email.verified':
      return { description: 'Email address confirmed', outcome: 'success' };
    case 'phone.change_requested':
      return { description: 'Phone confirmation code sent', outcome: 'info' };
    case 'phone.verified':
      return { description: 'Phone number confirmed', outcome: 'success' };
    case 'phone.removed':
      return { description: 'Phone number removed', outcome: 'info' };
    case 'signin.second_factor_required':
      return { description: 'Password accepted; second step asked', outcome: 'info' };
    case 'factor.added':
      return { description: `Two-step method added${factorName(detail)}`, outcome: 'info' };
    case 'factor.removed':
      return { description: `Two-step method removed${factorName(detail)}`, outcome: 'info' };
    case 'backup_codes.created':
      return { description: 'New backup codes created', outcome: 'info' };
    case 'remembered_devices.forgotten':
      return { description: 'Remembered devices forgotten', outcome: 'info' };
    case 'password.reset_requested':
      return { description: 'Password reset requested', outcome: 'info' };
    case 'password.reset':
      return { description: 'Password reset', outcome: 'info' };
    case 'second_factors.reset':
      return { description: 'Two-step verification turned off (lost second factor)', outcome: 'info' };
    case 'account.secured':
      return { description: 'Account secured ("This wasn\'t me")', outcome: 'info' };
    case 'find_account.requested':
      return { description: 'Account hint requested', outcome: 'info' };
    case 'account.closed':
      return { description: 'Account closed', outcome: 'info' };
    case 'account.reopened':
      return { description: 'Account reopened', outcome: 'success' };
    case 'data_export.requested':
      return { description: 'Copy of your data requested', outcome: 'info' };
    case 'data_export.ready':
      return { description: 'Copy of your data ready to download', outcome: 'info' };
    case 'data_export.downloaded':
      return { description: 'Copy of your data downloaded', outcome: 'info' };
    case 'code.failed':
      return { description: 'Wrong confirmation code entered', outcome: 'failure' };
    case 'card.added':
      return { description: `Payment card added${cardName(detail)}`, outcome: 'info' };
    case 'card.removed':
      return { description: `Payment card removed${cardName(detail)}`, outcome: 'info' };
    case 'card.renewed':
      return { description: `Payment card updated with a new expiry date${cardName(detail)}`, outcome: 'info' };
    case 'card.declined':
      return { description: `Payment card declined by the bank${cardName(detail)}`, outcome: 'failure' };
    case 'order.fraud_reported':
      return { description: `Order ${typeof detail.order === 'string' ? `${detail.order} ` : ''}reported as not recognised`, outcome: 'info' };
    case 'support.caller_verified':
      return { description: 'Support checked it was you on a call (you read them a code)', outcome: 'success' };
    case 'support.caller_failed':
      return { description: 'Support could not check it was you: a wrong code was read to them', outcome: 'failure' };
    case 'support.viewed':
      return { description: 'Support viewed your account', outcome: 'info' };
    case 'support.sessions_ended':
      return { description: 'Support ended your sessions', outcome: 'info' };
    case 'support.account_locked':
      return { description: 'Support locked your account', outcome: 'info' };
    case 'support.account_unlocked':
      return { description: 'Support unlocked your account', outcome: 'info' };
    case 'support.note_added':
      return { description: 'Support added a note to your account', outcome: 'info' };
    case 'support.recovery_started':
      return { description: 'Support started recovering your account for someone who lost their email and phone', outcome: 'info' };
    case 'support.recovery_approved':
      return { description: 'A support supervisor approved recovering your account: it is locked while we wait', outcome: 'info' };
    case 'support.recovery_cancelled':
      return { description: 'Recovery of your account by support was cancelled', outcome: 'info' };
    case 'support.recovery_completed':
      return { description: 'Your account was recovered through support: new email, new password, everything else signed out', outcome: 'success' };
    case 'support.verification_resent':
      return { description: `Support sent you a new ${detail.kind === 'phone' ? 'phone' : 'email'} confirmation code`, outcome: 'info' };
    case 'support.case_opened':
      return { description: `Support opened a ${caseKind(detail)}${typeof detail.order === 'string' ? ` for order ${detail.order}` : ''} for you`, outcome: 'info' };
    case 'support.case_decided':
      return { description: `Support decided your ${caseKind(detail)}`, outcome: 'info' };
    case 'support.contact_lost':
      return { description: `Support removed a ${detail.kind === 'phone' ? 'phone number' : 'email address'} you lost${typeof detail.contact === 'string' ? ` (${detail.contact})` : ''}`, outcome: 'info' };
    case 'merge.started':
      return { description: `Started merging another account (${String(detail.other ?? '')}) into this one`, outcome: 'info' };
    case 'account.merged_in':
      return { description: `The account ${String(detail.other ?? '')} was merged into this one`, outcome: 'info' };
    case 'account.merged_out':
      return { description: `This account was merged into ${String(detail.other ?? '')} and closed`, outcome: 'info' };
    case 'alias.removed':
      return { description: `${String(detail.alias ?? 'A sign-in address')} no longer signs you in`, outcome: 'info' };
    case 'merge.undone':
      return { description: `Customer service undid the merge with ${String(detail.other ?? 'another account')}`, outcome: 'info' };
    default:
      return { description: type, outcome: 'info' };
  }
}

const FACTOR_NAMES: Record<string, string> = { totp: 'authenticator app', sms: 'text messages', passkey: 'passkey' };

/** Brand and last 4 only, as the card list shows them. */
function cardName(detail: Record<string, unknown>): string {
  return typeof detail.brand === 'string' && typeof detail.last4 === 'string' ? `: ${detail.brand} •••• ${detail.last4}` : '';
}

function factorName(detail: Record<string, unknown>): string {
  const name = typeof detail.kind === 'string' ? FACTOR_NAMES[detail.kind] : undefined;
  return name ? `: ${name}` : '';
}

const CASE_KINDS: Record<string, string> = { return: 'return', dispute: 'problem report', fraud_report: 'report of an order you did not recognise' };

function caseKind(detail: Record<string, unknown>): string {
  return (typeof detail.kind === 'string' && CASE_KINDS[detail.kind]) || 'case';
}

function partnerName(detail: Record<string, unknown>): string {
  return typeof detail.partner === 'string' ? detail.partner : 'a partner site';
}
