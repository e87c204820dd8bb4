import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/crypto.js';
import type { Database } from '../../platform/db/schema.js';
import { keyedHash, keyedHashCandidates, type Keyring } from '../../platform/keyring.js';
import type { Random } from '../../platform/random.js';

/**
 * Backup codes (SECURITY.md): ten, 80 random bits each (≥ 64 asked), shown once, stored as keyed hashes,
 * single-use by one conditional update; a new set deletes the old one.
 */
export const BACKUP_CODE_COUNT = 10;
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'; // no 0/o, 1/l/i: read aloud and typed from paper

export function formatBackupCode(raw: string): string {
  return raw.match(/.{1,4}/g)!.join('-');
}

function newBackupCode(random: Random): string {
  // 16 characters from a 31-symbol alphabet: log2(31^16) ≈ 79 bits. Rejection sampling keeps it uniform.
  let out = '';
  while (out.length < 16) {
    for (const byte of random.bytes(32)) {
      if (byte < 248 && out.length < 16) out += ALPHABET[byte % 31];
    }
  }
  return out;
}

export function normalizeBackupCode(typed: string): string {
  return typed.toLowerCase().replace(/[\s-]+/g, '');
}

export async function replaceBackupCodes(db: Kysely<Database>, clock: Clock, random: Random, keys: Keyring, accountId: string): Promise<string[]> {
  const now = clock.now();
  const codes = Array.from({ length: BACKUP_CODE_COUNT }, () => newBackupCode(random));
  await db.deleteFrom('backup_codes').where('account_id', '=', accountId).execute();
  await db
    .insertInto('backup_codes')
    .values(
      codes.map((code) => {
        const keyed = keyedHash(keys, 'backup', accountId, code);
        return { id: newId(), account_id: accountId, code_hash: keyed.hash, key_id: keyed.keyId, used_at: null, created_at: now };
      }),
    )
    .execute();
  return codes.map(formatBackupCode);
}

/** Uses one backup code; true for exactly one of any number of concurrent uses of the same code. */
export async function consumeBackupCode(db: Kysely<Database>, clock: Clock, keys: Keyring, accountId: string, typed: string): Promise<boolean> {
  const code = normalizeBackupCode(typed);
  if (!/^[a-z0-9]{16}$/.test(code)) return false;
  const result = await db
    .updateTable('backup_codes')
    .set({ used_at: clock.now() })
    .where('account_id', '=', accountId)
    // A code stored under any listed SECRET still works after a rotation (SECURITY.md "Secrets rotate").
    .where('code_hash', 'in', keyedHashCandidates(keys, 'backup', accountId, code))
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
