import type { Kysely } from 'kysely';
import { newId, newSortableId } from '../platform/crypto.js';
import type { Database, SupportChallengeTable } from '../platform/db/schema.js';

/** The only SQL for the support tables: challenges, verified-caller windows, notes. */
type Db = Kysely<Database>;

export async function insertChallenge(db: Db, row: Omit<SupportChallengeTable, 'completed_at'>): Promise<void> {
  await db.insertInto('support_challenges').values({ ...row, completed_at: null }).execute();
}

/** A challenge only the agent who started it can see: another agent's id is unknown here. */
export async function findChallenge(db: Db, id: string, staffId: string): Promise<SupportChallengeTable | undefined> {
  return db.selectFrom('support_challenges').selectAll().where('id', '=', id).where('staff_id', '=', staffId).executeTakeFirst();
}

/** One conditional update: of any number of concurrent confirmations, one completes the challenge. */
export async function completeChallenge(db: Db, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('support_challenges')
    .set({ completed_at: now })
    .where('id', '=', id)
    .where('completed_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertWindow(db: Db, row: { staffId: string; accountId: string; ticket: string; openedAt: number; expiresAt: number }): Promise<string> {
  const id = newId();
  await db
    .insertInto('support_windows')
    .values({ id, staff_id: row.staffId, account_id: row.accountId, ticket: row.ticket, opened_at: row.openedAt, expires_at: row.expiresAt })
    .execute();
  return id;
}

export interface OpenWindow {
  id: string;
  staffId: string;
  accountId: string;
  ticket: string;
  expiresAt: number;
}

/** This agent's open window on this customer, if any (the newest). */
export async function openWindowOf(db: Db, staffId: string, accountId: string, now: number): Promise<OpenWindow | undefined> {
  const row = await db
    .selectFrom('support_windows')
    .select(['id', 'staff_id', 'account_id', 'ticket', 'expires_at'])
    .where('staff_id', '=', staffId)
    .where('account_id', '=', accountId)
    .where('expires_at', '>', now)
    .orderBy('expires_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && { id: row.id, staffId: row.staff_id, accountId: row.account_id, ticket: row.ticket, expiresAt: row.expires_at };
}

/** Which of these customers this agent has an open window on. */
export async function customersWithOpenWindow(db: Db, staffId: string, accountIds: string[], now: number): Promise<Set<string>> {
  if (accountIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('support_windows')
    .select('account_id')
    .where('staff_id', '=', staffId)
    .where('account_id', 'in', accountIds)
    .where('expires_at', '>', now)
    .execute();
  return new Set(rows.map((r) => r.account_id));
}

/** The member of staff in a live window on this customer, for "Are you talking to us?" (null: nobody). */
export async function agentInOpenWindow(db: Db, accountId: string, now: number): Promise<{ name: string } | null> {
  const row = await db
    .selectFrom('support_windows')
    .innerJoin('staff', 'staff.id', 'support_windows.staff_id')
    .select(['staff.name'])
    .where('support_windows.account_id', '=', accountId)
    .where('support_windows.expires_at', '>', now)
    .orderBy('support_windows.opened_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { name: row.name } : null;
}

export async function insertNote(db: Db, row: { accountId: string; staffId: string; ticket: string; text: string; now: number }): Promise<void> {
  await db
    .insertInto('support_notes')
    .values({ id: newSortableId(row.now), account_id: row.accountId, staff_id: row.staffId, ticket: row.ticket, text: row.text, created_at: row.now })
    .execute();
}

export async function listNotes(db: Db, accountId: string): Promise<Array<{ staffName: string; ticket: string; text: string; createdAt: number }>> {
  const rows = await db
    .selectFrom('support_notes')
    .leftJoin('staff', 'staff.id', 'support_notes.staff_id')
    .select(['staff.name', 'support_notes.ticket', 'support_notes.text', 'support_notes.created_at'])
    .where('support_notes.account_id', '=', accountId)
    .orderBy('support_notes.created_at', 'desc')
    .limit(50)
    .execute();
  return rows.map((r) => ({ staffName: r.name ?? 'former staff', ticket: r.ticket, text: r.text, createdAt: r.created_at }));
}
