import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/crypto.js';
import type { Database } from '../../platform/db/schema.js';
import type { Keyring } from '../../platform/keyring.js';
import { openSecret, sealSecret, type Opened } from '../../platform/secret-box.js';
import { matchTotpStep, newTotpKey } from './totp.js';
import type { FactorTableName } from '../factor-table.js';

/**
 * Authenticator-app factors: enrolment stores the key sealed and unconfirmed; the first correct code confirms
 * it. Every accepted code records its step, and a code is accepted only if its step is later than the last
 * one — one conditional update, so a code can be used once, even by two requests at the same instant.
 * A key sealed under an older SECRET is re-sealed under the newest when it is next used (SECURITY.md "Secrets rotate").
 */
const SEAL_PURPOSE = 'totp';

export async function startTotpEnrolment(
  db: Kysely<Database>,
  clock: Clock,
  keys: Keyring,
  accountId: string,
  table: FactorTableName = 'factors',
): Promise<{ factorId: string; key: string }> {
  const key = newTotpKey();
  const factorId = newId();
  // Only one enrolment waits at a time; abandoned ones are replaced.
  await db.deleteFrom(table).where('account_id', '=', accountId).where('kind', '=', 'totp').where('confirmed_at', 'is', null).execute();
  await db
    .insertInto(table)
    .values({
      id: factorId, account_id: accountId, kind: 'totp', label: 'Authenticator app', secret_sealed: sealSecret(keys, SEAL_PURPOSE, key),
      last_used_step: null, credential_id: null, public_key: null, sign_count: null, transports: null, user_verified: null,
      confirmed_at: null, created_at: clock.now(), last_used_at: null,
    })
    .execute();
  return { factorId, key };
}

export async function pendingTotpKey(db: Kysely<Database>, keys: Keyring, accountId: string): Promise<{ factorId: string; key: string } | undefined> {
  const row = await db
    .selectFrom('factors')
    .select(['id', 'secret_sealed'])
    .where('account_id', '=', accountId)
    .where('kind', '=', 'totp')
    .where('confirmed_at', 'is', null)
    .executeTakeFirst();
  const opened = row?.secret_sealed ? openKey(keys, row.secret_sealed) : undefined;
  return row && opened ? { factorId: row.id, key: opened.plaintext } : undefined;
}

/**
 * Checks a code against the account's authenticator factors (confirmed ones, or the pending one when
 * `confirming`), and claims its step. Returns the factor id that accepted it.
 */
export async function useTotpCode(
  db: Kysely<Database>,
  clock: Clock,
  keys: Keyring,
  accountId: string,
  code: string,
  options: { confirming?: boolean; table?: FactorTableName } = {},
): Promise<string | undefined> {
  const table = options.table ?? 'factors';
  let query = db.selectFrom(table).select(['id', 'secret_sealed', 'last_used_step']).where('account_id', '=', accountId).where('kind', '=', 'totp');
  query = options.confirming ? query.where('confirmed_at', 'is', null) : query.where('confirmed_at', 'is not', null);
  const now = clock.now();
  for (const factor of await query.execute()) {
    if (!factor.secret_sealed) continue;
    const opened = openKey(keys, factor.secret_sealed);
    if (!opened) continue;
    const step = matchTotpStep(opened.plaintext, code, now);
    if (step === null) continue;
    if (opened.stale) await resealKey(db, keys, factor.id, factor.secret_sealed, opened.plaintext, table);
    const claimed = await db
      .updateTable(table)
      .set({ last_used_step: step, last_used_at: now, ...(options.confirming ? { confirmed_at: now } : {}) })
      .where('id', '=', factor.id)
      .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 1) return factor.id;
  }
  return undefined;
}

/** Moves a key to the newest SECRET, unless another request already changed it. */
async function resealKey(db: Kysely<Database>, keys: Keyring, factorId: string, sealed: string, key: string, table: FactorTableName): Promise<void> {
  await db.updateTable(table).set({ secret_sealed: sealSecret(keys, SEAL_PURPOSE, key) }).where('id', '=', factorId).where('secret_sealed', '=', sealed).execute();
}

/**
 * A key sealed under a SECRET no longer listed cannot be opened: that authenticator simply stops matching (the
 * customer uses a backup code or recovery), rather than failing the whole sign-in.
 */
function openKey(keys: Keyring, sealed: string): Opened | undefined {
  try {
    return openSecret(keys, SEAL_PURPOSE, sealed);
  } catch {
    return undefined;
  }
}
