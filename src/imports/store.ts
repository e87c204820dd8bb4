import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import type { ParsedIdentifier } from '../accounts/identifiers.js';
import { findUnprovenClaim } from '../accounts/imported-accounts.js';

/** The imports feature's queries: which source customer became which account. */
export async function findImportedAccount(db: Kysely<Database>, sourceId: string): Promise<string | undefined> {
  const row = await db.selectFrom('import_sources').select('account_id').where('source_id', '=', sourceId).executeTakeFirst();
  return row?.account_id;
}

/** The accounts these source ids became, for those imported before. */
export async function findImportedAccounts(db: Kysely<Database>, sourceIds: string[]): Promise<Map<string, string>> {
  if (sourceIds.length === 0) return new Map();
  const rows = await db.selectFrom('import_sources').select(['source_id', 'account_id']).where('source_id', 'in', [...new Set(sourceIds)]).execute();
  return new Map(rows.map((r) => [r.source_id, r.account_id]));
}

export async function recordImportSources(db: Kysely<Database>, clock: Clock, sources: Array<{ sourceId: string; accountId: string; importedBy: string }>): Promise<void> {
  if (sources.length === 0) return;
  const now = clock.now();
  await db
    .insertInto('import_sources')
    .values(sources.map((s) => ({ source_id: s.sourceId, account_id: s.accountId, imported_by: s.importedBy, imported_at: now })))
    .execute();
}

/**
 * The imported account whose unverified email or phone this is, if one is: signing in or resetting with it sends a
 * code there, and proving the code makes it the account's (issue 14, "confirmed at first use").
 */
export async function findImportedClaim(db: Kysely<Database>, identifier: Pick<ParsedIdentifier, 'kind' | 'normalized'>): Promise<string | undefined> {
  const claim = await findUnprovenClaim(db, identifier);
  // Asked for every identifier, claimed or not, so a sign-in or reset does the same work either way (SECURITY.md).
  const source = await db.selectFrom('import_sources').select('source_id').where('account_id', '=', claim?.accountId ?? '').executeTakeFirst();
  return claim && source ? claim.accountId : undefined;
}

/**
 * Whether this service holds any imported customers: the sign-in page then tells everyone, whatever they typed, that
 * a customer moved here without a password chooses one with "Forgot your password?" (the same words for any
 * identifier, so they reveal nothing about it).
 */
export async function hasImportedCustomers(db: Kysely<Database>): Promise<boolean> {
  return (await db.selectFrom('import_sources').select('source_id').limit(1).executeTakeFirst()) !== undefined;
}
