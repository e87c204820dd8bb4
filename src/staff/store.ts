import type { Kysely } from 'kysely';
import type { Database, StaffTable } from '../platform/db/schema.js';
import type { Clock } from '../platform/clock.js';
import { isOpaqueId, newId, newSortableId } from '../platform/crypto.js';
import type { StaffRole } from './roles.js';

/** The only SQL for the staff tables (members, setup links, audit); sessions are in session-store.ts. */
export interface StaffRecord {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  status: StaffTable['status'];
  passwordHash: string | null;
  createdBy: string | null;
  createdAt: number;
}

function toRecord(row: StaffTable): StaffRecord {
  return { id: row.id, email: row.email, name: row.name, role: row.role, status: row.status, passwordHash: row.password_hash, createdBy: row.created_by, createdAt: row.created_at };
}

export async function getStaff(db: Kysely<Database>, id: string): Promise<StaffRecord | undefined> {
  if (!isOpaqueId(id)) return undefined;
  const row = await db.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toRecord(row);
}

export async function findStaffByEmail(db: Kysely<Database>, email: string): Promise<StaffRecord | undefined> {
  const row = await db.selectFrom('staff').selectAll().where('email', '=', email).executeTakeFirst();
  return row && toRecord(row);
}

export async function listStaffRows(db: Kysely<Database>): Promise<StaffRecord[]> {
  const rows = await db.selectFrom('staff').selectAll().orderBy('created_at', 'asc').orderBy('id', 'asc').limit(1000).execute();
  return rows.map(toRecord);
}

/** Returns false when the email is taken. */
export async function insertStaff(db: Kysely<Database>, clock: Clock, input: { id: string; email: string; name: string; role: StaffRole; createdBy: string | null }): Promise<boolean> {
  const now = clock.now();
  const result = await db
    .insertInto('staff')
    .values({ id: input.id, email: input.email, name: input.name, role: input.role, status: 'setup', password_hash: null, created_by: input.createdBy, created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('email').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function setStaffStatus(db: Kysely<Database>, clock: Clock, id: string, status: StaffTable['status'], passwordHash?: string | null): Promise<boolean> {
  const result = await db
    .updateTable('staff')
    .set({ status, updated_at: clock.now(), ...(passwordHash !== undefined ? { password_hash: passwordHash } : {}) })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Every second factor of a staff member goes: the setup link enrols a new one. */
export async function deleteStaffFactors(db: Kysely<Database>, staffId: string): Promise<void> {
  await db.deleteFrom('staff_factors').where('account_id', '=', staffId).execute();
}

export async function insertSetupLink(db: Kysely<Database>, clock: Clock, input: { staffId: string; tokenHash: string; expiresAt: number }): Promise<void> {
  await db.insertInto('staff_setup_links').values({ id: newId(), staff_id: input.staffId, token_hash: input.tokenHash, created_at: clock.now(), expires_at: input.expiresAt, used_at: null }).execute();
}

/** Ends the member's links not yet used: a new link, a disable or a reset leaves only the newest (or none) working. */
export async function retireSetupLinks(db: Kysely<Database>, clock: Clock, staffId: string): Promise<void> {
  await db.updateTable('staff_setup_links').set({ used_at: clock.now() }).where('staff_id', '=', staffId).where('used_at', 'is', null).execute();
}

export async function findLiveSetupLink(db: Kysely<Database>, clock: Clock, tokenHash: string): Promise<{ id: string; staffId: string } | undefined> {
  const row = await db
    .selectFrom('staff_setup_links')
    .select(['id', 'staff_id'])
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', clock.now())
    .executeTakeFirst();
  return row && { id: row.id, staffId: row.staff_id };
}

/** One conditional update: of two requests using a link at once, one claims it. */
export async function claimSetupLink(db: Kysely<Database>, clock: Clock, linkId: string): Promise<boolean> {
  const now = clock.now();
  const result = await db.updateTable('staff_setup_links').set({ used_at: now }).where('id', '=', linkId).where('used_at', 'is', null).where('expires_at', '>', now).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface StaffAuditEntry {
  id: string;
  type: string;
  staffId: string | null;
  actorId: string | null;
  detail: Record<string, unknown> | null;
  ip: string | null;
  createdAt: number;
}

export async function insertStaffAudit(
  db: Kysely<Database>,
  clock: Clock,
  entry: { type: string; staffId: string | null; actorId: string | null; detail?: Record<string, unknown>; ip?: string },
): Promise<void> {
  const now = clock.now();
  await db
    .insertInto('staff_audit')
    .values({ id: newSortableId(now), type: entry.type, staff_id: entry.staffId, actor_id: entry.actorId, detail: entry.detail ? JSON.stringify(entry.detail) : null, ip: entry.ip ?? null, created_at: now })
    .execute();
}

/** Newest first, at most `limit`. */
export async function listStaffAudit(db: Kysely<Database>, limit: number): Promise<StaffAuditEntry[]> {
  const rows = await db.selectFrom('staff_audit').selectAll().orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, type: r.type, staffId: r.staff_id, actorId: r.actor_id, detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null, ip: r.ip, createdAt: r.created_at }));
}
