import type { Kysely } from 'kysely';
import { constantTimeEqual, hmac } from '../../platform/crypto.js';
import type { Database } from '../../platform/db/schema.js';
import { allKeys, type Keyring } from '../../platform/keyring.js';

/**
 * The WebAuthn user handle: stable per account, but not the internal id, which is never shown (PRODUCT.md). New
 * accounts get a random one stored with the account (accounts/store.ts), so rotating SECRET never touches it. Accounts made before
 * had theirs derived from SECRET, and their passkeys carry it: it is kept, and stored the first time it is used,
 * found under whichever listed key made it (changing it would orphan every existing passkey).
 */
/** The handle to register a new passkey under. */
export async function userHandleFor(db: Kysely<Database>, keys: Keyring, accountId: string): Promise<string> {
  const stored = await storedHandle(db, accountId);
  if (stored) return stored;
  return pin(db, accountId, derivedHandle(keys.current.secret, accountId));
}

/** Whether a passkey's returned user handle is this account's. */
export async function isUserHandleOf(db: Kysely<Database>, keys: Keyring, accountId: string, handle: string): Promise<boolean> {
  const stored = await storedHandle(db, accountId);
  if (stored) return constantTimeEqual(handle, stored);
  const derived = allKeys(keys).map((key) => derivedHandle(key.secret, accountId)).find((candidate) => constantTimeEqual(handle, candidate));
  if (!derived) return false;
  return (await pin(db, accountId, derived)) === derived;
}

/**
 * Stores the derived handle of every account that has passkeys but no stored handle, so a later rotation cannot
 * orphan passkeys that go unused while the old secret is still listed. Only while SECRET is the sole key: with
 * previous keys listed, which one derived a handle is no longer certain, and sign-in stores it when it matches.
 */
export async function storeLegacyUserHandles(db: Kysely<Database>, keys: Keyring, batchSize = 500): Promise<number> {
  if (keys.previous.length > 0) return 0;
  let stored = 0;
  for (;;) {
    const accounts = await db
      .selectFrom('factors')
      .innerJoin('accounts', 'accounts.id', 'factors.account_id')
      .select('accounts.id')
      .distinct()
      .where('factors.kind', '=', 'passkey')
      .where('accounts.webauthn_user_handle', 'is', null)
      .limit(batchSize)
      .execute();
    for (const account of accounts) await pin(db, account.id, derivedHandle(keys.current.secret, account.id));
    stored += accounts.length;
    if (accounts.length < batchSize) return stored;
  }
}

/**
 * A staff member's user handle: derived from SECRET under a label of its own, so it never equals a customer's.
 * Checked under every listed key; staff re-enrol through a factor reset should SECRET be retired.
 */
export function staffUserHandleFor(keys: Keyring, staffId: string): string {
  return hmac(keys.current.secret, 'staff-passkey-user-handle', staffId);
}

export async function isStaffUserHandleOf(_db: Kysely<Database>, keys: Keyring, staffId: string, handle: string): Promise<boolean> {
  return allKeys(keys).some((key) => constantTimeEqual(handle, hmac(key.secret, 'staff-passkey-user-handle', staffId)));
}

function derivedHandle(secret: string, accountId: string): string {
  return hmac(secret, 'passkey-user-handle', accountId);
}

async function storedHandle(db: Kysely<Database>, accountId: string): Promise<string | null> {
  const row = await db.selectFrom('accounts').select('webauthn_user_handle').where('id', '=', accountId).executeTakeFirst();
  return row?.webauthn_user_handle ?? null;
}

/** Stores the handle unless one is already stored (a concurrent request's); returns whichever is stored. */
async function pin(db: Kysely<Database>, accountId: string, handle: string): Promise<string> {
  await db.updateTable('accounts').set({ webauthn_user_handle: handle }).where('id', '=', accountId).where('webauthn_user_handle', 'is', null).execute();
  return (await storedHandle(db, accountId)) ?? handle;
}
