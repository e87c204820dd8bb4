import type { Kysely } from 'kysely';
import type { Keyring } from '../platform/keyring.js';
import type { Database } from '../platform/db/schema.js';
import { openSecret, sealSecret } from '../platform/secret-box.js';

/**
 * Where the personal phrase rests: sealed under SECRET (purpose 'personal-phrase'), because it is shown back to the
 * customer and printed in their mail — a hash would not do — and a database dump alone must not give a phisher the
 * phrase that makes a fake message look real.
 */
const PURPOSE = 'personal-phrase';

export async function readPhrase(db: Kysely<Database>, keys: Keyring, accountId: string): Promise<string | undefined> {
  const row = await db.selectFrom('personal_phrases').select('phrase_sealed').where('account_id', '=', accountId).executeTakeFirst();
  return row ? openSecret(keys, PURPOSE, row.phrase_sealed).plaintext : undefined;
}

/**
 * The phrase for an email to `recipient`, only when that address is one of the account's verified ones: a message
 * to an address someone typed but never proved (a pending change, a sign-up in progress) must not hand them the
 * phrase. One query: the join is the check.
 */
export async function phraseForRecipient(db: Kysely<Database>, keys: Keyring, accountId: string, recipient: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('personal_phrases')
    .innerJoin('identifiers', 'identifiers.account_id', 'personal_phrases.account_id')
    .select('personal_phrases.phrase_sealed')
    .where('personal_phrases.account_id', '=', accountId)
    .where('identifiers.kind', '=', 'email')
    .where('identifiers.verified_at', 'is not', null)
    .where('identifiers.normalized', '=', recipient.trim().toLowerCase())
    .executeTakeFirst();
  return row ? openSecret(keys, PURPOSE, row.phrase_sealed).plaintext : undefined;
}

export async function writePhrase(db: Kysely<Database>, keys: Keyring, accountId: string, phrase: string, now: number): Promise<void> {
  const sealed = sealSecret(keys, PURPOSE, phrase);
  await db
    .insertInto('personal_phrases')
    .values({ account_id: accountId, phrase_sealed: sealed, updated_at: now })
    .onConflict((oc) => oc.column('account_id').doUpdateSet({ phrase_sealed: sealed, updated_at: now }))
    .execute();
}

export async function deletePhrase(db: Kysely<Database>, accountId: string): Promise<boolean> {
  const result = await db.deleteFrom('personal_phrases').where('account_id', '=', accountId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
