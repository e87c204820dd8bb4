import type { Kysely } from 'kysely';
import { newId } from '../platform/crypto.js';
import type { AccountMergeTable, Database, MergeState } from '../platform/db/schema.js';
import { MOVED_ROWS, type MovedRowTable } from './merge-tables.js';

/** The merging feature's queries: the merge record, what it moved, and the moves themselves. */
export interface MergeRecord {
  id: string;
  intoAccountId: string;
  fromAccountId: string;
  fromLabel: string;
  state: MergeState;
  summary: Record<string, number>;
  identifiers: MovedIdentifier[];
  mergedAt: number;
  undoUntil: number;
  undoneAt: number | null;
  undoneBy: string | null;
}

/** One of B's verified identifiers as it was before the merge. */
export interface MovedIdentifier {
  id: string;
  kind: 'email' | 'phone';
  value: string;
  normalized: string;
  isPrimary: boolean;
  verifiedAt: number;
  /** The account an alias came from by an earlier merge (C, when B had merged C): an undo puts that back, not null. Absent in records made before it was kept. */
  mergedFrom?: string | null;
}

export interface Move {
  table: string;
  rowId: string;
  prior: Record<string, number> | null;
}

// Rows are moved in slices, so a long history never builds one statement past an engine's parameter limit.
const SLICE = 500;

/** Any of the plain tables, by name: each has an `id` and an `account_id` (merge-tables.ts says which move). */
function plain(db: Kysely<Database>) {
  return db as unknown as Kysely<Record<MovedRowTable, { id: string; account_id: string }>>;
}

/** Re-points every row of B in one table to A; returns the ids moved. */
export async function moveRows(db: Kysely<Database>, table: MovedRowTable, fromId: string, intoId: string): Promise<string[]> {
  const rows = await plain(db).selectFrom(table).select('id').where('account_id', '=', fromId).execute();
  const ids = rows.map((r) => r.id);
  for (let i = 0; i < ids.length; i += SLICE) {
    await plain(db).updateTable(table).set({ account_id: intoId }).where('id', 'in', ids.slice(i, i + SLICE)).where('account_id', '=', fromId).execute();
  }
  return ids;
}

/** Puts rows back on B, where they still belong to A; returns how many went back. */
export async function moveRowsBack(db: Kysely<Database>, table: MovedRowTable, ids: string[], intoId: string, fromId: string): Promise<number> {
  let moved = 0;
  for (let i = 0; i < ids.length; i += SLICE) {
    const result = await plain(db).updateTable(table).set({ account_id: fromId }).where('id', 'in', ids.slice(i, i + SLICE)).where('account_id', '=', intoId).executeTakeFirst();
    moved += Number(result.numUpdatedRows);
  }
  return moved;
}

export function isMovedRowTable(table: string): table is MovedRowTable {
  return (MOVED_ROWS as readonly string[]).includes(table);
}

/** B's activity becomes A's, marked with B's masked email; rows already marked by an earlier merge keep their mark. */
export async function moveActivity(db: Kysely<Database>, fromId: string, intoId: string, label: string): Promise<string[]> {
  const rows = await db.selectFrom('audit_events').select('id').where('account_id', '=', fromId).execute();
  await db.updateTable('audit_events').set({ merged_from: label }).where('account_id', '=', fromId).where('merged_from', 'is', null).execute();
  await db.updateTable('audit_events').set({ account_id: intoId }).where('account_id', '=', fromId).execute();
  return rows.map((r) => r.id);
}

export async function moveActivityBack(db: Kysely<Database>, ids: string[], intoId: string, fromId: string, label: string): Promise<void> {
  for (let i = 0; i < ids.length; i += SLICE) {
    const slice = ids.slice(i, i + SLICE);
    await db.updateTable('audit_events').set({ account_id: fromId }).where('id', 'in', slice).where('account_id', '=', intoId).execute();
    await db.updateTable('audit_events').set({ merged_from: null }).where('id', 'in', slice).where('merged_from', '=', label).execute();
  }
}

export async function insertMerge(db: Kysely<Database>, merge: Omit<MergeRecord, 'state' | 'undoneAt' | 'undoneBy'>): Promise<void> {
  await db
    .insertInto('account_merges')
    .values({
      id: merge.id,
      into_account_id: merge.intoAccountId,
      from_account_id: merge.fromAccountId,
      from_label: merge.fromLabel,
      state: 'merged',
      summary: JSON.stringify(merge.summary),
      identifiers: JSON.stringify(merge.identifiers),
      merged_at: merge.mergedAt,
      undo_until: merge.undoUntil,
      undone_at: null,
      undone_by: null,
    })
    .execute();
}

export async function insertMoves(db: Kysely<Database>, mergeId: string, moves: Move[]): Promise<void> {
  for (let i = 0; i < moves.length; i += SLICE) {
    const values = moves.slice(i, i + SLICE).map((m) => ({ merge_id: mergeId, table_name: m.table, row_id: m.rowId, prior: m.prior ? JSON.stringify(m.prior) : null }));
    await db.insertInto('account_merge_moves').values(values).execute();
  }
}

export async function listMoves(db: Kysely<Database>, mergeId: string): Promise<Move[]> {
  const rows = await db.selectFrom('account_merge_moves').selectAll().where('merge_id', '=', mergeId).execute();
  return rows.map((r) => ({ table: r.table_name, rowId: r.row_id, prior: r.prior ? (JSON.parse(r.prior) as Record<string, number>) : null }));
}

export async function getMerge(db: Kysely<Database>, mergeId: string): Promise<MergeRecord | undefined> {
  const row = await db.selectFrom('account_merges').selectAll().where('id', '=', mergeId).executeTakeFirst();
  return row && toMerge(row);
}

/** Merges into or out of an account, newest first. */
export async function listMergesOf(db: Kysely<Database>, accountId: string): Promise<MergeRecord[]> {
  const rows = await db
    .selectFrom('account_merges')
    .selectAll()
    .where((eb) => eb.or([eb('into_account_id', '=', accountId), eb('from_account_id', '=', accountId)]))
    .orderBy('merged_at', 'desc')
    .limit(50)
    .execute();
  return rows.map(toMerge);
}

/** Marks the merge undone, once: false when another undo got there first. */
export async function markUndone(db: Kysely<Database>, mergeId: string, now: number, staffId: string): Promise<boolean> {
  const result = await db
    .updateTable('account_merges')
    .set({ state: 'undone', undone_at: now, undone_by: staffId })
    .where('id', '=', mergeId)
    .where('state', '=', 'merged')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export function newMergeId(): string {
  return newId();
}

function toMerge(row: AccountMergeTable): MergeRecord {
  return {
    id: row.id,
    intoAccountId: row.into_account_id,
    fromAccountId: row.from_account_id,
    fromLabel: row.from_label,
    state: row.state,
    summary: JSON.parse(row.summary) as Record<string, number>,
    identifiers: JSON.parse(row.identifiers) as MovedIdentifier[],
    mergedAt: row.merged_at,
    undoUntil: row.undo_until,
    undoneAt: row.undone_at,
    undoneBy: row.undone_by,
  };
}
