import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import { listIdentifiers } from '../accounts/store.js';
import { countUnusedBackupCodes, listConfirmedFactors } from './store.js';

/** The ways an account can pass the second step of sign-in, in the order they are offered. */
export type SecondFactorMethod = 'passkey' | 'totp' | 'sms' | 'backup_code';

/** `alreadyPassed`: a factor that got the customer this far can't also be the second one (SMS sign-in + SMS). */
export async function availableMethods(db: Kysely<Database>, accountId: string, alreadyPassed: readonly string[] = []): Promise<SecondFactorMethod[]> {
  const factors = await listConfirmedFactors(db, accountId);
  const methods: SecondFactorMethod[] = [];
  // A passkey first: it is the one method a phishing site can't relay (SECURITY.md, ASVS 6.6.1).
  if (factors.some((f) => f.kind === 'passkey')) methods.push('passkey');
  if (factors.some((f) => f.kind === 'totp')) methods.push('totp');
  // SMS only to a phone the customer has proven (ASVS 6.6.1).
  if (factors.some((f) => f.kind === 'sms') && (await verifiedPhone(db, accountId))) methods.push('sms');
  // Backup codes stand in for a lost factor; with no factor left they are not two-step verification.
  if (factors.length > 0 && (await countUnusedBackupCodes(db, accountId)) > 0) methods.push('backup_code');
  return methods.filter((method) => !alreadyPassed.includes(method));
}

export async function verifiedPhone(db: Kysely<Database>, accountId: string): Promise<string | undefined> {
  return (await listIdentifiers(db, accountId)).find((i) => i.kind === 'phone' && i.verified)?.normalized;
}
