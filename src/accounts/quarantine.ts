import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.js';
import type { Database, IdentifierKind, ReleaseReason } from '../platform/db/schema.js';

/**
 * An email or phone that leaves its account — the account closed and was erased, or the customer removed an alias a
 * merge brought — is held for IDENTIFIER_QUARANTINE_DAYS before anyone else may claim it. Without the hold, whoever
 * next controls the address (a lapsed domain, a recycled number) could sign up with it at once and receive what was
 * meant for the last owner. The account it came from may take it back; nobody else can, until the hold ends.
 */
export interface Release {
  kind: IdentifierKind;
  normalized: string;
  accountId: string;
  reason: ReleaseReason;
}

export interface Hold {
  accountId: string;
  releasedAt: number;
  until: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Holds the identifier from now; releasing it again (say, after a re-add and a second removal) starts the hold over. */
export async function quarantineIdentifier(db: Kysely<Database>, clock: Clock, days: number, release: Release): Promise<void> {
  const now = clock.now();
  const row = { account_id: release.accountId, reason: release.reason, released_at: now, until: now + days * DAY_MS };
  await db
    .insertInto('identifier_quarantine')
    .values({ kind: release.kind, normalized: release.normalized, ...row })
    .onConflict((conflict) => conflict.columns(['kind', 'normalized']).doUpdateSet(row))
    .execute();
}

/** The hold on an identifier against `forAccountId` (null: a new account), if one is running. */
export async function findHold(
  db: Kysely<Database>,
  now: number,
  identifier: { kind: IdentifierKind; normalized: string },
  forAccountId: string | null,
): Promise<Hold | undefined> {
  const row = await db
    .selectFrom('identifier_quarantine')
    .select(['account_id', 'released_at', 'until'])
    .where('kind', '=', identifier.kind)
    .where('normalized', '=', identifier.normalized)
    .where('until', '>', now)
    .executeTakeFirst();
  if (!row || row.account_id === forAccountId) return undefined;
  return { accountId: row.account_id, releasedAt: row.released_at, until: row.until };
}
