import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { insertStaffAudit, listStaffAudit, type StaffAuditEntry } from './store.js';

/**
 * The staff audit list: every staff sign-in and failure, creation, disable, factor reset and finished setup,
 * kept apart from customers' trail; admins read it (`staff.audit`). Details never hold a password, code or token.
 */
export type StaffAuditType =
  | 'staff.created'
  | 'staff.setup_completed'
  | 'staff.disabled'
  | 'staff.factors_reset'
  | 'staff.signin'
  | 'staff.signin_failed'
  | 'staff.signin_throttled'
  | 'staff.signout'
  | 'recovery.started'
  | 'recovery.approved'
  | 'recovery.cancelled'
  | 'recovery.completed'
  | 'merge.undone';

export async function auditStaff(
  deps: { db: Kysely<Database>; clock: Clock },
  type: StaffAuditType,
  entry: { staffId: string | null; actorId: string | null; detail?: Record<string, unknown>; ip?: string },
): Promise<void> {
  await insertStaffAudit(deps.db, deps.clock, { type, ...entry });
}

/** The attempt gate's `audit` hook for a staff sign-in step: a refused guess and a throttled one, told apart. */
export function staffSigninAudit(deps: { db: Kysely<Database>; clock: Clock }, staffId: string | null, detail: Record<string, unknown>, ip: string) {
  return (reason: string) =>
    auditStaff(deps, reason === 'throttled' ? 'staff.signin_throttled' : 'staff.signin_failed', { staffId, actorId: null, detail: { ...detail, reason }, ip });
}

export function readStaffAudit(deps: { db: Kysely<Database> }, limit = 200): Promise<StaffAuditEntry[]> {
  return listStaffAudit(deps.db, Math.min(Math.max(1, limit), 500));
}
