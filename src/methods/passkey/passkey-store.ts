import type { Kysely, Selectable } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import { isOpaqueId, newId } from '../../platform/crypto.js';
import type { Database, FactorTable } from '../../platform/db/schema.js';
import type { FactorTableName } from '../factor-table.js';

/**
 * The passkey rows of `factors` (kind 'passkey'): the credential id and COSE public key as base64url, the
 * authenticator's signature counter, its transports (JSON) and whether it verified the user when it was added.
 * Every query that takes a passkey id also takes the account, so another customer's id matches nothing (ASVS 8.2.2).
 * Staff passkeys are the same rows in `staff_factors` (`table`, factor-table.ts): a lookup in one table never
 * finds the other's, so a staff passkey can't sign a customer in, nor the reverse.
 */
export interface StoredPasskey {
  id: string;
  accountId: string;
  label: string;
  credentialId: string;
  publicKey: string;
  signCount: number;
  transports: string[];
  userVerified: boolean;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface NewPasskey {
  accountId: string;
  label: string;
  credentialId: string;
  publicKey: string;
  signCount: number;
  transports: string[];
  userVerified: boolean;
}

export async function listPasskeys(db: Kysely<Database>, accountId: string, table: FactorTableName = 'factors'): Promise<StoredPasskey[]> {
  const rows = await db
    .selectFrom(table)
    .selectAll()
    .where('account_id', '=', accountId)
    .where('kind', '=', 'passkey')
    .where('confirmed_at', 'is not', null)
    .orderBy('created_at', 'asc')
    .execute();
  return rows.map(toPasskey);
}

/** The passkey an authenticator names in its response; credential ids are unique across all accounts. */
export async function findPasskeyByCredential(db: Kysely<Database>, credentialId: string, table: FactorTableName = 'factors'): Promise<StoredPasskey | undefined> {
  const row = await db
    .selectFrom(table)
    .selectAll()
    .where('credential_id', '=', credentialId)
    .where('kind', '=', 'passkey')
    .where('confirmed_at', 'is not', null)
    .executeTakeFirst();
  return row ? toPasskey(row) : undefined;
}

export async function insertPasskey(db: Kysely<Database>, clock: Clock, input: NewPasskey, table: FactorTableName = 'factors'): Promise<StoredPasskey> {
  const now = clock.now();
  const id = newId();
  await db
    .insertInto(table)
    .values({
      id,
      account_id: input.accountId,
      kind: 'passkey',
      label: input.label,
      secret_sealed: null,
      last_used_step: null,
      credential_id: input.credentialId,
      public_key: input.publicKey,
      sign_count: input.signCount,
      transports: JSON.stringify(input.transports),
      user_verified: input.userVerified ? 1 : 0,
      confirmed_at: now,
      created_at: now,
      last_used_at: null,
    })
    .execute();
  return { ...input, id, createdAt: now, lastUsedAt: null };
}

/** Renames one of the account's own passkeys; false when the id is not one of them. */
export async function updatePasskeyLabel(db: Kysely<Database>, accountId: string, id: string, label: string): Promise<boolean> {
  if (!isOpaqueId(id)) return false;
  const result = await db
    .updateTable('factors')
    .set({ label })
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .where('kind', '=', 'passkey')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deletes one of the account's own passkeys and returns it; undefined when the id is not one of them. */
export async function deletePasskey(db: Kysely<Database>, accountId: string, id: string): Promise<StoredPasskey | undefined> {
  if (!isOpaqueId(id)) return undefined;
  const row = await db.selectFrom('factors').selectAll().where('id', '=', id).where('account_id', '=', accountId).where('kind', '=', 'passkey').executeTakeFirst();
  if (!row) return undefined;
  const result = await db.deleteFrom('factors').where('id', '=', id).where('account_id', '=', accountId).where('kind', '=', 'passkey').executeTakeFirst();
  return Number(result.numDeletedRows) === 1 ? toPasskey(row) : undefined;
}

/**
 * Stores the counter an accepted assertion carried, only if the stored one is still the value the check used:
 * two concurrent uses of one signature can't both win (a cloned authenticator shows up as a lost race).
 */
export async function recordPasskeyUse(db: Kysely<Database>, clock: Clock, passkey: StoredPasskey, newCount: number, table: FactorTableName = 'factors'): Promise<boolean> {
  const result = await db
    .updateTable(table)
    .set({ sign_count: newCount, last_used_at: clock.now() })
    .where('id', '=', passkey.id)
    .where('sign_count', '=', passkey.signCount)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

function toPasskey(row: Selectable<FactorTable>): StoredPasskey {
  return {
    id: row.id,
    accountId: row.account_id,
    label: row.label,
    credentialId: row.credential_id ?? '',
    publicKey: row.public_key ?? '',
    signCount: Number(row.sign_count ?? 0),
    transports: parseTransports(row.transports),
    userVerified: row.user_verified === 1,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}

function parseTransports(value: string | null): string[] {
  if (!value) return [];
  const parsed: unknown = JSON.parse(value);
  return Array.isArray(parsed) ? parsed.filter((t): t is string => typeof t === 'string') : [];
}
