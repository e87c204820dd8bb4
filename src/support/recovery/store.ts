import type { Kysely } from 'kysely';
import { newSortableId } from '../../platform/crypto.js';
import type { Database, SupportRecoveryState, SupportRecoveryTable } from '../../platform/db/schema.js';
import { isUniqueViolation } from '../../platform/db/unique-violation.js';

/**
 * The only SQL for supervised recoveries. Every move between states is one conditional update on the state it
 * leaves, so of two concurrent moves (two approvals; a cancel racing the completion) exactly one changes the row.
 */
type Db = Kysely<Database>;
export type RecoveryRow = SupportRecoveryTable;

export const OPEN_STATES: readonly SupportRecoveryState[] = ['awaiting_approval', 'waiting', 'link_sent'];

/** Undefined when the account already has an open recovery (the unique index on open_account_id). */
export async function insertRecovery(db: Db, row: Pick<RecoveryRow, 'account_id' | 'ticket' | 'new_email' | 'new_email_normalized' | 'evidence' | 'started_by' | 'created_at'>): Promise<string | undefined> {
  const id = newSortableId(row.created_at);
  try {
    await db
      .insertInto('support_recoveries')
      .values({ ...row, id, open_account_id: row.account_id, state: 'awaiting_approval', approved_by: null, prior_status: null, approved_at: null, wait_until: null, link_hash: null, link_expires_at: null, ended_at: null, ended_by: null })
      .execute();
  } catch (error) {
    if (isUniqueViolation(error)) return undefined;
    throw error;
  }
  return id;
}

/** Whether an approved recovery holds the account locked through its wait (or its link's life). */
export async function isHeldByRecovery(db: Db, accountId: string): Promise<boolean> {
  const row = await db.selectFrom('support_recoveries').select('id').where('open_account_id', '=', accountId).where('state', 'in', ['waiting', 'link_sent']).executeTakeFirst();
  return row !== undefined;
}

export async function findRecovery(db: Db, id: string): Promise<RecoveryRow | undefined> {
  return db.selectFrom('support_recoveries').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listRecoveries(db: Db, limit = 200): Promise<RecoveryRow[]> {
  return db.selectFrom('support_recoveries').selectAll().orderBy('created_at', 'desc').limit(limit).execute();
}

/** Approval: only from awaiting_approval, and never by the member who started it (checked in SQL too). */
export async function markApproved(db: Db, id: string, input: { approvedBy: string; now: number; waitUntil: number; priorStatus: string }): Promise<boolean> {
  const result = await db
    .updateTable('support_recoveries')
    .set({ state: 'waiting', approved_by: input.approvedBy, approved_at: input.now, wait_until: input.waitUntil, prior_status: input.priorStatus })
    .where('id', '=', id)
    .where('state', '=', 'awaiting_approval')
    .where('started_by', '<>', input.approvedBy)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Recoveries whose full wait has passed since approval, for the scheduled job. */
export async function dueRecoveries(db: Db, now: number, limit = 50): Promise<RecoveryRow[]> {
  return db.selectFrom('support_recoveries').selectAll().where('state', '=', 'waiting').where('wait_until', '<=', now).orderBy('wait_until').limit(limit).execute();
}

export async function expiredLinks(db: Db, now: number, limit = 50): Promise<RecoveryRow[]> {
  return db.selectFrom('support_recoveries').selectAll().where('state', '=', 'link_sent').where('link_expires_at', '<=', now).limit(limit).execute();
}

export async function markLinkSent(db: Db, id: string, input: { now: number; linkHash: string; linkExpiresAt: number }): Promise<boolean> {
  const result = await db
    .updateTable('support_recoveries')
    .set({ state: 'link_sent', link_hash: input.linkHash, link_expires_at: input.linkExpiresAt })
    .where('id', '=', id)
    .where('state', '=', 'waiting')
    .where('wait_until', '<=', input.now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Ends an open recovery (cancelled, completed, expired) if it is still in one of `from`. */
export async function endRecovery(db: Db, id: string, input: { from: readonly SupportRecoveryState[]; to: SupportRecoveryState; now: number; by: string; linkHash?: string }): Promise<boolean> {
  let query = db
    .updateTable('support_recoveries')
    .set({ state: input.to, open_account_id: null, ended_at: input.now, ended_by: input.by, link_hash: null })
    .where('id', '=', id)
    .where('state', 'in', [...input.from]);
  if (input.linkHash !== undefined) query = query.where('link_hash', '=', input.linkHash).where('link_expires_at', '>', input.now);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findByLinkHash(db: Db, linkHash: string): Promise<RecoveryRow | undefined> {
  return db.selectFrom('support_recoveries').selectAll().where('link_hash', '=', linkHash).where('state', '=', 'link_sent').executeTakeFirst();
}

export async function insertCancelToken(db: Db, row: { tokenHash: string; recoveryId: string; now: number }): Promise<void> {
  await db.insertInto('support_recovery_cancels').values({ token_hash: row.tokenHash, recovery_id: row.recoveryId, created_at: row.now, used_at: null }).execute();
}

/** Spends a cancel token: the recovery it belongs to, once; undefined when unknown or already used. */
export async function useCancelToken(db: Db, tokenHash: string, now: number): Promise<string | undefined> {
  const row = await db.selectFrom('support_recovery_cancels').select('recovery_id').where('token_hash', '=', tokenHash).where('used_at', 'is', null).executeTakeFirst();
  if (!row) return undefined;
  const result = await db.updateTable('support_recovery_cancels').set({ used_at: now }).where('token_hash', '=', tokenHash).where('used_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? row.recovery_id : undefined;
}
