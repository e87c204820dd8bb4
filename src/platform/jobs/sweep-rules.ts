import type { Config } from '../../config.js';
import { DAY } from '../clock.js';
import type { Database } from '../db/schema.js';

/**
 * What the sweep deletes, one line per rule: rows whose `column` is older than `keepMs` (and match `only`, if
 * given). Each column is indexed (001/002/008 migrations), so every batch is an index range, never a table scan.
 * Adding a table that only grows is one more line here.
 */
type Column<T extends keyof Database> = keyof Database[T] & string;

export interface SweepRule<T extends keyof Database = keyof Database> {
  table: T;
  /** The primary key (its columns, when it has several), used to delete one bounded batch at a time. */
  key: Column<T> | readonly Column<T>[];
  column: Column<T>;
  keepMs(config: Config): number;
  only?: { column: Column<T>; equals: string };
  reason: string;
}

function rule<T extends keyof Database>(definition: SweepRule<T>): SweepRule {
  return definition as unknown as SweepRule;
}

/** A day past expiry: a late click still hears "this link has expired" (410) rather than "not found". */
const AFTER_EXPIRY = DAY;

export const SWEEP_RULES: readonly SweepRule[] = [
  rule({ table: 'flows', key: 'id', column: 'expires_at', keepMs: () => AFTER_EXPIRY, reason: 'expired flows (finished ones expire too) can no longer be advanced' }),
  rule({ table: 'verifications', key: 'id', column: 'expires_at', keepMs: () => AFTER_EXPIRY, reason: 'expired or consumed codes and links can no longer be used' }),
  rule({ table: 'sessions', key: 'id', column: 'ended_at', keepMs: () => AFTER_EXPIRY, reason: 'ended sessions; sign-ins stay in the activity trail' }),
  rule({ table: 'sessions', key: 'id', column: 'idle_expires_at', keepMs: () => AFTER_EXPIRY, reason: 'sessions past their idle (and so absolute) timeout' }),
  rule({ table: 'remembered_devices', key: 'id', column: 'expires_at', keepMs: () => AFTER_EXPIRY, reason: 'expired "remember this device" tokens' }),
  rule({ table: 'outbox', key: 'id', column: 'created_at', only: { column: 'status', equals: 'sent' }, keepMs: () => 7 * DAY, reason: 'delivered messages, after a week for support questions' }),
  rule({ table: 'outbox', key: 'id', column: 'created_at', only: { column: 'status', equals: 'failed' }, keepMs: () => 30 * DAY, reason: 'undeliverable messages, after a month for diagnosis' }),
  rule({ table: 'throttles', key: 'key', column: 'updated_at', keepMs: () => 7 * DAY, reason: 'counters untouched for a week; every wait they imposed is long over' }),
  rule({ table: 'message_budgets', key: ['key', 'window_start'], column: 'expires_at', keepMs: () => 0, reason: 'budget windows that have ended count nothing any more' }),
  rule({ table: 'message_records', key: 'id', column: 'created_at', keepMs: (config) => config.activityRetentionDays * DAY, reason: 'records of sent messages older than ACTIVITY_RETENTION_DAYS' }),
  rule({ table: 'suspicious_reports', key: 'id', column: 'created_at', keepMs: (config) => config.activityRetentionDays * DAY, reason: 'reported suspicious messages older than ACTIVITY_RETENTION_DAYS' }),
  rule({ table: 'support_challenges', key: 'id', column: 'expires_at', keepMs: () => AFTER_EXPIRY, reason: 'caller checks whose code has expired' }),
  rule({ table: 'support_windows', key: 'id', column: 'expires_at', keepMs: () => AFTER_EXPIRY, reason: 'closed verified-caller windows; what was done in them is in the audit trail' }),
  rule({ table: 'staff_sessions', key: 'id', column: 'expires_at', keepMs: () => AFTER_EXPIRY, reason: 'staff sessions past their absolute timeout (12 hours); sign-ins stay in the staff audit list' }),
  rule({ table: 'staff_setup_links', key: 'id', column: 'expires_at', keepMs: () => AFTER_EXPIRY, reason: 'expired or used staff setup links' }),
  // The longest a cancel link can matter: the longest wait (720 hours) and the set-password link's 48 hours.
  rule({ table: 'support_recovery_cancels', key: 'token_hash', column: 'created_at', keepMs: () => 60 * DAY, reason: 'cancel links of recoveries long finished' }),
  rule({ table: 'oidc_models', key: ['model', 'id'], column: 'expires_at', keepMs: () => 0, reason: 'expired codes, tokens, grants, sessions and sign-in requests of the OpenID provider' }),
  rule({ table: 'identifier_quarantine', key: ['kind', 'normalized'], column: 'until', keepMs: () => 0, reason: 'holds on released emails and phones that have ended: the address is free again' }),
  rule({ table: 'data_exports', key: 'id', column: 'expires_at', keepMs: () => 0, reason: 'copies of customers\' data whose 7-day link has expired' }),
  rule({ table: 'audit_events', key: 'id', column: 'created_at', keepMs: (config) => config.activityRetentionDays * DAY, reason: 'activity older than ACTIVITY_RETENTION_DAYS' }),
];
