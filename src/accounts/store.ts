import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.js';
import { newId, randomToken } from '../platform/crypto.js';
import { cryptoRandom } from '../platform/random.js';
import type { AccountStatus, Database, IdentifierKind } from '../platform/db/schema.js';
import type { ParsedIdentifier } from './identifiers.js';
import { retireCurrentPassword } from '../passwords/password-history.js';
import { findHold } from './quarantine.js';

/** The accounts feature's queries. Other features call these functions, never the tables. */
export interface AccountRecord {
  id: string;
  name: string;
  status: AccountStatus;
  passwordHash: string | null;
  createdAt: number;
}

export interface IdentifierRecord {
  kind: IdentifierKind;
  value: string;
  normalized: string;
  verified: boolean;
  isPrimary: boolean;
  /** Came with a merge (merging/): a sign-in alias, listed after the account's own so messages and display pick those. */
  alias: boolean;
}

export async function insertAccount(
  db: Kysely<Database>,
  clock: Clock,
  input: { name: string; passwordHash: string; email: ParsedIdentifier },
): Promise<string> {
  const now = clock.now();
  const id = newId();
  await db
    .insertInto('accounts')
    // A random WebAuthn user handle of its own, so rotating SECRET never orphans this account's passkeys. An id,
    // so straight from the CSPRNG, like newId: it must never repeat between accounts.
    .values({ id, name: input.name, status: 'active', password_hash: input.passwordHash, password_changed_at: now, webauthn_user_handle: randomToken(cryptoRandom), created_at: now, updated_at: now })
    .execute();
  await insertIdentifier(db, clock, id, input.email, { primary: true, verified: true });
  return id;
}

export async function insertIdentifier(
  db: Kysely<Database>,
  clock: Clock,
  accountId: string,
  identifier: ParsedIdentifier,
  options: { primary: boolean; verified: boolean },
): Promise<void> {
  const now = clock.now();
  await db
    .insertInto('identifiers')
    .values({
      id: newId(),
      account_id: accountId,
      kind: identifier.kind,
      value: identifier.value,
      normalized: identifier.normalized,
      is_primary: options.primary ? 1 : 0,
      verified_at: options.verified ? now : null,
      created_at: now,
    })
    .execute();
}

/** Only verified identifiers sign in or block others: an unproven claim is nobody's account. */
export async function findAccountByIdentifier(
  db: Kysely<Database>,
  identifier: Pick<ParsedIdentifier, 'kind' | 'normalized'>,
): Promise<AccountRecord | undefined> {
  const row = await db
    .selectFrom('identifiers')
    .innerJoin('accounts', 'accounts.id', 'identifiers.account_id')
    .select(['accounts.id', 'accounts.name', 'accounts.status', 'accounts.password_hash', 'accounts.created_at'])
    .where('identifiers.normalized', '=', identifier.normalized)
    .where('identifiers.kind', '=', identifier.kind)
    .where('identifiers.verified_at', 'is not', null)
    .executeTakeFirst();
  return row && toAccount(row);
}

export async function getAccount(db: Kysely<Database>, accountId: string): Promise<AccountRecord | undefined> {
  const row = await db
    .selectFrom('accounts')
    .select(['id', 'name', 'status', 'password_hash', 'created_at'])
    .where('id', '=', accountId)
    .executeTakeFirst();
  return row && toAccount(row);
}

export async function listIdentifiers(db: Kysely<Database>, accountId: string): Promise<IdentifierRecord[]> {
  const rows = await db
    .selectFrom('identifiers')
    .select(['kind', 'value', 'normalized', 'verified_at', 'is_primary', 'merged_from', 'created_at'])
    .where('account_id', '=', accountId)
    .orderBy('is_primary', 'desc')
    .orderBy('created_at', 'asc')
    .execute();
  // The account's own identifiers before the aliases a merge brought, whatever their age: code that takes "the"
  // email or phone of an account (messages, display) gets the account's own.
  const own = rows.filter((r) => r.merged_from === null);
  const aliases = rows.filter((r) => r.merged_from !== null);
  return [...own, ...aliases].map((r) => ({ kind: r.kind, value: r.value, normalized: r.normalized, verified: r.verified_at !== null, isPrimary: r.is_primary === 1, alias: r.merged_from !== null }));
}

/**
 * Whether an identifier may be claimed by `forAccountId` (null: a new account): `taken` when an account has proven
 * it, `held` while it is quarantined after leaving another account (accounts/quarantine.ts), else `free`.
 */
export type IdentifierStanding = 'free' | 'taken' | 'held';

export async function identifierStanding(
  db: Kysely<Database>,
  identifier: Pick<ParsedIdentifier, 'kind' | 'normalized'>,
  now: number,
  forAccountId: string | null,
): Promise<IdentifierStanding> {
  // Both lookups always run, so a known and an unknown address cost the same statements (SECURITY.md same work).
  const owner = await findAccountByIdentifier(db, identifier);
  const hold = await findHold(db, now, identifier, forAccountId);
  return owner ? 'taken' : hold ? 'held' : 'free';
}

/** True unless `forAccountId` (null: a new account) may claim the identifier now. */
export async function isIdentifierTaken(
  db: Kysely<Database>,
  identifier: Pick<ParsedIdentifier, 'kind' | 'normalized'>,
  now: number,
  forAccountId: string | null,
): Promise<boolean> {
  return (await identifierStanding(db, identifier, now, forAccountId)) !== 'free';
}

export async function updateName(db: Kysely<Database>, clock: Clock, accountId: string, name: string): Promise<void> {
  await db.updateTable('accounts').set({ name, updated_at: clock.now() }).where('id', '=', accountId).execute();
}

/** `changed`: a new password (kept in the history), rather than the same one re-hashed with newer parameters. */
export async function updatePasswordHash(db: Kysely<Database>, clock: Clock, accountId: string, passwordHash: string, changed: boolean): Promise<void> {
  const now = clock.now();
  if (changed) await retireCurrentPassword(db, clock, accountId);
  await db
    .updateTable('accounts')
    .set(changed ? { password_hash: passwordHash, password_changed_at: now, updated_at: now } : { password_hash: passwordHash })
    .where('id', '=', accountId)
    .execute();
}

/** A password nobody proved the account's email for (pre-hijacking): gone, not kept as history. */
export async function removePassword(db: Kysely<Database>, clock: Clock, accountId: string): Promise<void> {
  await db.updateTable('accounts').set({ password_hash: null, updated_at: clock.now() }).where('id', '=', accountId).execute();
}

/** "This wasn't me": the password stops working until a reset, and is kept in the history so the reset refuses it. */
export async function switchOffPassword(db: Kysely<Database>, clock: Clock, accountId: string): Promise<void> {
  await retireCurrentPassword(db, clock, accountId);
  await db.updateTable('accounts').set({ password_hash: null, updated_at: clock.now() }).where('id', '=', accountId).execute();
}

/** Replaces the account's primary email with a newly proven one. */
export async function replacePrimaryEmail(db: Kysely<Database>, clock: Clock, accountId: string, email: ParsedIdentifier): Promise<void> {
  const now = clock.now();
  await db
    .updateTable('identifiers')
    .set({ value: email.value, normalized: email.normalized, verified_at: now })
    .where('account_id', '=', accountId)
    .where('kind', '=', 'email')
    .where('is_primary', '=', 1)
    .execute();
}

/** Sets the account's one phone number to a newly proven one (a phone alias from a merge stays: it is removed on its own). */
export async function replacePhone(db: Kysely<Database>, clock: Clock, accountId: string, phone: ParsedIdentifier | null): Promise<void> {
  await db.deleteFrom('identifiers').where('account_id', '=', accountId).where('kind', '=', 'phone').where('merged_from', 'is', null).execute();
  if (phone) await insertIdentifier(db, clock, accountId, phone, { primary: false, verified: true });
}

function toAccount(row: { id: string; name: string; status: AccountStatus; password_hash: string | null; created_at: number }): AccountRecord {
  return { id: row.id, name: row.name, status: row.status, passwordHash: row.password_hash, createdAt: row.created_at };
}

/** Moves the account from one status to another in one conditional update; false when it was not in `from`. */
export async function setAccountStatus(db: Kysely<Database>, clock: Clock, accountId: string, change: { from: AccountStatus; to: AccountStatus }): Promise<boolean> {
  const result = await db
    .updateTable('accounts')
    .set({ status: change.to, updated_at: clock.now() })
    .where('id', '=', accountId)
    .where('status', '=', change.from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface ContactRecord {
  id: string;
  accountId: string;
  kind: IdentifierKind;
  value: string;
  normalized: string;
}

/**
 * The verified contacts of accounts, with their ids: support picks the one a code goes to by id, so nobody ever
 * types a destination. Unverified identifiers are left out (an unproven address is nobody's).
 */
export async function listVerifiedContacts(db: Kysely<Database>, accountIds: string[]): Promise<ContactRecord[]> {
  if (accountIds.length === 0) return [];
  const rows = await db
    .selectFrom('identifiers')
    .select(['id', 'account_id', 'kind', 'value', 'normalized'])
    .where('account_id', 'in', accountIds)
    .where('verified_at', 'is not', null)
    .orderBy('is_primary', 'desc')
    .orderBy('created_at', 'asc')
    .execute();
  return rows.map((r) => ({ id: r.id, accountId: r.account_id, kind: r.kind, value: r.value, normalized: r.normalized }));
}
