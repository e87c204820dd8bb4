import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.js';
import type { Database, IdentifierKind } from '../platform/db/schema.js';
import { findAccountByIdentifier } from '../accounts/store.js';
import type { MovedIdentifier } from './merge-store.js';

/**
 * Sign-in aliases: the verified emails and phones a merge brought from the merged account. They sign in to the
 * account like its own (they are verified identifiers of it), are never its primary, and are listed apart in
 * Login & Security, each removable.
 */
export interface Alias {
  id: string;
  kind: IdentifierKind;
  value: string;
  normalized: string;
}

/** Moves B's verified identifiers to A as aliases; returns them as they were, for the undo. */
export async function moveIdentifiersAsAliases(db: Kysely<Database>, fromId: string, intoId: string): Promise<MovedIdentifier[]> {
  const rows = await db
    .selectFrom('identifiers')
    .select(['id', 'kind', 'value', 'normalized', 'is_primary', 'verified_at', 'merged_from'])
    .where('account_id', '=', fromId)
    .where('verified_at', 'is not', null)
    .execute();
  if (rows.length === 0) return [];
  await db.updateTable('identifiers').set({ account_id: intoId, is_primary: 0, merged_from: fromId }).where('id', 'in', rows.map((r) => r.id)).execute();
  return rows.map((r) => ({ id: r.id, kind: r.kind, value: r.value, normalized: r.normalized, isPrimary: r.is_primary === 1, verifiedAt: r.verified_at!, mergedFrom: r.merged_from }));
}

export async function listAliases(db: Kysely<Database>, accountId: string): Promise<Alias[]> {
  return db
    .selectFrom('identifiers')
    .select(['id', 'kind', 'value', 'normalized'])
    .where('account_id', '=', accountId)
    .where('merged_from', 'is not', null)
    .where('verified_at', 'is not', null)
    .orderBy('created_at', 'asc')
    .execute();
}

/** Deletes one alias of the account; undefined when the id is not an alias of this account (another's: 404). */
export async function deleteAlias(db: Kysely<Database>, accountId: string, aliasId: string): Promise<Alias | undefined> {
  const alias = (await listAliases(db, accountId)).find((a) => a.id === aliasId);
  if (!alias) return undefined;
  const result = await db.deleteFrom('identifiers').where('id', '=', aliasId).where('account_id', '=', accountId).where('merged_from', 'is not', null).executeTakeFirst();
  return Number(result.numDeletedRows) === 1 ? alias : undefined;
}

/** Deletes every alias of the account at once; returns those deleted. */
export async function deleteEveryAlias(db: Kysely<Database>, accountId: string): Promise<Alias[]> {
  const aliases = await listAliases(db, accountId);
  if (aliases.length === 0) return [];
  await db.deleteFrom('identifiers').where('account_id', '=', accountId).where('merged_from', 'is not', null).where('id', 'in', aliases.map((a) => a.id)).execute();
  return aliases;
}

/**
 * Gives B back its identifiers after an undo: an alias still on A moves back; one the customer removed since is
 * added back, unless another account has proven it meanwhile (returned, for support to tell the customer).
 */
export async function restoreIdentifiers(db: Kysely<Database>, clock: Clock, moved: MovedIdentifier[], intoId: string, fromId: string): Promise<{ restored: number; taken: MovedIdentifier[] }> {
  let restored = 0;
  const taken: MovedIdentifier[] = [];
  for (const identifier of moved) {
    const back = await db
      .updateTable('identifiers')
      // An alias B had from an earlier merge stays one (merged_from C), so undoing that merge too still finds it.
      .set({ account_id: fromId, is_primary: identifier.isPrimary ? 1 : 0, merged_from: identifier.mergedFrom ?? null })
      .where('id', '=', identifier.id)
      .where('account_id', '=', intoId)
      .where('merged_from', '=', fromId)
      .executeTakeFirst();
    if (Number(back.numUpdatedRows) === 1) {
      restored += 1;
      continue;
    }
    if (await findAccountByIdentifier(db, identifier)) {
      taken.push(identifier);
      continue;
    }
    await db
      .insertInto('identifiers')
      .values({ id: identifier.id, account_id: fromId, kind: identifier.kind, value: identifier.value, normalized: identifier.normalized, is_primary: identifier.isPrimary ? 1 : 0, verified_at: identifier.verifiedAt, created_at: clock.now(), merged_from: identifier.mergedFrom ?? null })
      .execute();
    restored += 1;
  }
  return { restored, taken };
}
