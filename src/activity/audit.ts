import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.js';
import { newSortableId } from '../platform/crypto.js';
import type { Database } from '../platform/db/schema.js';
import type { RequestInfo } from '../platform/context.js';
import { describeDevice } from './device.js';
import { describePlace } from './place.js';

/**
 * The append-only audit trail of security events. There is deliberately no update or delete here: the only
 * removal is the sweep job's retention rule (platform/jobs/sweep-rules.ts). Details never carry secrets, codes or tokens.
 */
export type AuditEventType =
  | 'signup.started'
  | 'signup.completed'
  | 'signin.succeeded'
  | 'signin.failed'
  | 'signin.throttled'
  | 'signin.retry_link_requested'
  | 'signin.retry_link_used'
  | 'stepup.succeeded'
  | 'stepup.failed'
  | 'session.ended'
  | 'sessions.ended_others'
  | 'signout'
  | 'password.changed'
  | 'password.rehashed'
  | 'name.changed'
  | 'email.change_requested'
  | 'email.changed'
  | 'email.verified'
  | 'phone.change_requested'
  | 'phone.verified'
  | 'phone.removed'
  | 'code.failed'
  | 'signin.second_factor_required'
  | 'factor.added'
  | 'factor.removed'
  | 'backup_codes.created'
  | 'remembered_devices.forgotten'
  | 'password.reset_requested'
  | 'password.reset'
  | 'second_factors.reset'
  | 'account.secured'
  | 'find_account.requested'
  | 'account.closed'
  | 'account.reopened'
  | 'data_export.requested'
  | 'data_export.ready'
  | 'data_export.downloaded'
  | 'password.removed_unproven'
  | 'card.added'
  | 'card.removed'
  | 'card.renewed'
  | 'card.declined'
  | 'order.fraud_reported'
  | 'support.caller_verified'
  | 'support.caller_failed'
  | 'support.viewed'
  | 'support.sessions_ended'
  | 'support.account_locked'
  | 'support.account_unlocked'
  | 'support.note_added'
  | 'support.verification_resent'
  | 'support.case_opened'
  | 'support.case_decided'
  | 'support.contact_lost'
  | 'support.volume_alert'
  | 'support.recovery_started'
  | 'support.recovery_approved'
  | 'support.recovery_cancelled'
  | 'support.recovery_completed'
  | 'partner.signed_in'
  | 'partner.removed'
  | 'personal_phrase.set'
  | 'personal_phrase.removed'
  | 'message.reported'
  | 'merge.started'
  | 'account.merged_in'
  | 'account.merged_out'
  | 'alias.removed'
  | 'merge.undone';

export async function recordEvent(
  db: Kysely<Database>,
  clock: Clock,
  event: { accountId: string | null; type: AuditEventType; info?: RequestInfo; detail?: Record<string, string | number | boolean> },
): Promise<void> {
  const now = clock.now();
  await db
    .insertInto('audit_events')
    .values({
      id: newSortableId(now),
      account_id: event.accountId,
      type: event.type,
      ip: event.info?.ip ?? null,
      user_agent: event.info?.userAgent.slice(0, 512) ?? null,
      detail: JSON.stringify(event.detail ?? {}),
      created_at: now,
      device: event.info ? describeDevice(event.info.userAgent) : null,
      place: event.info ? describePlace(event.info.ip) : null,
    })
    .execute();
}
