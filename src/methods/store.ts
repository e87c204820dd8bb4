import type { Kysely } from 'kysely';
import type { Database, FactorKind } from '../platform/db/schema.js';
import { isOpaqueId } from '../platform/crypto.js';
import type { FactorTableName } from './factor-table.js';

/** The factors feature's queries. Other features ask through these functions, never the tables. */
export interface FactorSummary {
  id: string;
  kind: FactorKind;
  label: string;
  createdAt: number;
  lastUsedAt: number | null;
}

export async function listConfirmedFactors(db: Kysely<Database>, accountId: string): Promise<FactorSummary[]> {
  const rows = await db
    .selectFrom('factors')
    .select(['id', 'kind', 'label', 'created_at', 'last_used_at'])
    .where('account_id', '=', accountId)
    .where('confirmed_at', 'is not', null)
    .orderBy('created_at', 'asc')
    .execute();
  return rows.map((r) => ({ id: r.id, kind: r.kind, label: r.label, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
}

export async function countUnusedBackupCodes(db: Kysely<Database>, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('backup_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Whether the account has a confirmed factor of this kind. */
export async function hasConfirmedFactor(db: Kysely<Database>, accountId: string, kind: FactorKind, table: FactorTableName = 'factors'): Promise<boolean> {
  const row = await db.selectFrom(table).select('id').where('account_id', '=', accountId).where('kind', '=', kind).where('confirmed_at', 'is not', null).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** An account has two-step verification when it has at least one confirmed second factor. */
export async function hasSecondFactor(db: Kysely<Database>, accountId: string): Promise<boolean> {
  const row = await db.selectFrom('factors').select('id').where('account_id', '=', accountId).where('confirmed_at', 'is not', null).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Removes one of the account's own factors; another account's factor id is treated as unknown (ASVS 8.2.2). */
export async function deleteFactor(db: Kysely<Database>, accountId: string, factorId: string): Promise<FactorSummary | undefined> {
  if (!isOpaqueId(factorId)) return undefined;
  const row = await db
    .selectFrom('factors')
    .select(['id', 'kind', 'label', 'created_at', 'last_used_at'])
    .where('id', '=', factorId)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (!row) return undefined;
  await db.deleteFrom('factors').where('id', '=', factorId).where('account_id', '=', accountId).execute();
  return { id: row.id, kind: row.kind, label: row.label, createdAt: row.created_at, lastUsedAt: row.last_used_at };
}

/** Every second step of the account, backup codes included: lost-factor recovery has the customer enrol again. */
export async function removeEverySecondStep(db: Kysely<Database>, accountId: string): Promise<void> {
  await db.deleteFrom('factors').where('account_id', '=', accountId).execute();
  await db.deleteFrom('backup_codes').where('account_id', '=', accountId).execute();
}
