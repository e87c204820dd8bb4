import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.js';
import { newId, randomToken } from '../platform/crypto.js';
import { cryptoRandom } from '../platform/random.js';
import type { Database, IdentifierKind } from '../platform/db/schema.js';
import type { ParsedIdentifier } from './identifiers.js';
import { findHold } from './quarantine.js';

/**
 * The accounts feature's queries for customers brought from another platform (src/imports/). An imported email or
 * phone the source never verified is a *claim*: nobody's until someone proves it (SECURITY.md "unverified claims
 * never block the real owner"), so it signs nobody in and blocks no sign-up; proving it by code makes it verified.
 */
export interface ImportedAccountInput {
  name: string;
  passwordHash: string | null;
  createdAt: number | null;
  identifiers: Array<{ identifier: ParsedIdentifier; verified: boolean; primary: boolean }>;
}

/**
 * Many imported accounts and their identifiers in two multi-row statements: an import writes hundreds of customers
 * per transaction, and a statement per row would make a million-row import take hours. Returns the new ids in order.
 */
export async function insertImportedAccounts(db: Kysely<Database>, clock: Clock, inputs: ImportedAccountInput[]): Promise<string[]> {
  if (inputs.length === 0) return [];
  const now = clock.now();
  const ids = inputs.map(() => newId());
  await db
    .insertInto('accounts')
    .values(inputs.map((input, i) => {
      const createdAt = input.createdAt ?? now;
      return { id: ids[i]!, name: input.name, status: 'active' as const, password_hash: input.passwordHash, password_changed_at: input.passwordHash ? createdAt : null, webauthn_user_handle: randomToken(cryptoRandom), created_at: createdAt, updated_at: now };
    }))
    .execute();
  const identifiers = inputs.flatMap((input, i) =>
    input.identifiers.map(({ identifier, verified, primary }) => ({
      id: newId(), account_id: ids[i]!, kind: identifier.kind, value: identifier.value, normalized: identifier.normalized,
      is_primary: primary ? 1 : 0, verified_at: verified ? now : null, created_at: now,
    })),
  );
  if (identifiers.length > 0) await db.insertInto('identifiers').values(identifiers).execute();
  return ids;
}

/**
 * Which of these emails and phones an account already names (verified or not), or a closed account released and
 * still holds from new accounts: keys `kind:normalized`. One query each, for a whole import batch.
 */
export async function unavailableIdentifiers(
  db: Kysely<Database>,
  now: number,
  identifiers: Array<Pick<ParsedIdentifier, 'kind' | 'normalized'>>,
): Promise<{ named: Set<string>; held: Set<string> }> {
  if (identifiers.length === 0) return { named: new Set(), held: new Set() };
  const normalized = [...new Set(identifiers.map((i) => i.normalized))];
  const named = await db.selectFrom('identifiers').select(['kind', 'normalized']).where('normalized', 'in', normalized).execute();
  const held = await db.selectFrom('identifier_quarantine').select(['kind', 'normalized']).where('normalized', 'in', normalized).where('until', '>', now).execute();
  const keys = (rows: Array<{ kind: string; normalized: string }>) => new Set(rows.map((r) => `${r.kind}:${r.normalized}`));
  return { named: keys(named), held: keys(held) };
}

/**
 * The active account whose unverified claim this is, when exactly one account names the identifier, none has
 * proven it and the account has no verified email or phone; an identifier claimed twice is nobody's.
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
  const claimant = rows.length === 1 && rows[0]!.verified_at === null ? rows[0]!.account_id : undefined;
  // An account with a verified email or phone is signed in to and recovered through those alone: honouring a claim
  // on it would hand it to whoever holds the unproven address. Asked for every identifier, so the work is the same.
  const verified = await db
    .selectFrom('identifiers')
    .select('id')
    .where('account_id', '=', claimant ?? '')
    .where('verified_at', 'is not', null)
    .limit(1)
    .executeTakeFirst();
  if (!claimant || verified) return undefined;
  return { accountId: claimant, kind: identifier.kind };
}

/**
 * Marks the account's claim on the identifier proven. False when someone else proved the address first (the
 * partial unique index on verified identifiers settles a race), another account's quarantine hold is running on
 * it, or the claim is gone.
 */
export async function proveClaim(db: Kysely<Database>, clock: Clock, accountId: string, identifier: Pick<ParsedIdentifier, 'kind' | 'normalized'>): Promise<boolean> {
  const proven = await db
    .selectFrom('identifiers')
    .select('id')
    .where('normalized', '=', identifier.normalized)
    .where('kind', '=', identifier.kind)
    .where('verified_at', 'is not', null)
    .executeTakeFirst();
  // A closed account's released address stays held from every other account (quarantine.ts), claims included.
  if (proven || (await findHold(db, clock.now(), identifier, accountId))) return false;
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
