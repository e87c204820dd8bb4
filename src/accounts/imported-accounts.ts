import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.js';
import { newId, randomToken } from '../platform/crypto.js';
import { cryptoRandom } from '../platform/random.js';
import type { Database, IdentifierKind } from '../platform/db/schema.js';
import type { ParsedIdentifier } from './identifiers.js';

/**
 * The accounts feature's queries for customers brought from another platform (src/imports/). An imported email or
 * phone the source never verified is a *claim*: nobody's until someone proves it (SECURITY.md "unverified claims
 * never block the real owner"), so it signs nobody in and blocks no sign-up; proving it by code makes it verified.
 */
export async function insertImportedAccount(
  db: Kysely<Database>,
  clock: Clock,
  input: { name: string; passwordHash: string | null; createdAt: number | null },
): Promise<string> {
  const now = clock.now();
  const id = newId();
  const createdAt = input.createdAt ?? now;
  await db
    .insertInto('accounts')
    .values({
      id,
      name: input.name,
      status: 'active',
      password_hash: input.passwordHash,
      password_changed_at: input.passwordHash ? createdAt : null,
      webauthn_user_handle: randomToken(cryptoRandom),
      created_at: createdAt,
      updated_at: now,
    })
    .execute();
  return id;
}

/** True when any account names this email or phone, verified or not: an import never adds a second claim to it. */
export async function isIdentifierNamed(db: Kysely<Database>, identifier: Pick<ParsedIdentifier, 'kind' | 'normalized'>): Promise<boolean> {
  const row = await db
    .selectFrom('identifiers')
    .select('id')
    .where('normalized', '=', identifier.normalized)
    .where('kind', '=', identifier.kind)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The active account whose unverified claim this is, when exactly one account names the identifier and none has
 * proven it; an identifier claimed twice is nobody's.
 */
export async function findUnprovenClaim(
  db: Kysely<Database>,
  identifier: Pick<ParsedIdentifier, 'kind' | 'normalized'>,
): Promise<{ accountId: string; kind: IdentifierKind } | undefined> {
  const rows = await db
    .selectFrom('identifiers')
    .innerJoin('accounts', 'accounts.id', 'identifiers.account_id')
    .select(['identifiers.account_id', 'identifiers.verified_at'])
    .where('identifiers.normalized', '=', identifier.normalized)
    .where('identifiers.kind', '=', identifier.kind)
    .where('accounts.status', '=', 'active')
    .limit(3)
    .execute();
  if (rows.length !== 1 || rows[0]!.verified_at !== null) return undefined;
  return { accountId: rows[0]!.account_id, kind: identifier.kind };
}

/**
 * Marks the account's claim on the identifier proven. False when someone else proved the address first (the
 * partial unique index on verified identifiers settles a race) or the claim is gone.
 */
export async function proveClaim(db: Kysely<Database>, clock: Clock, accountId: string, identifier: Pick<ParsedIdentifier, 'kind' | 'normalized'>): Promise<boolean> {
  const proven = await db
    .selectFrom('identifiers')
    .select('id')
    .where('normalized', '=', identifier.normalized)
    .where('kind', '=', identifier.kind)
    .where('verified_at', 'is not', null)
    .executeTakeFirst();
  if (proven) return false;
  const result = await db
    .updateTable('identifiers')
    .set({ verified_at: clock.now() })
    .where('account_id', '=', accountId)
    .where('normalized', '=', identifier.normalized)
    .where('kind', '=', identifier.kind)
    .where('verified_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
