import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import { listIdentifiers } from '../accounts/store.js';
import { countUnusedBackupCodes, listConfirmedFactors } from './store.js';

/** The ways an account can pass the second step of sign-in, in the order they are offered. */
export type SecondFactorMethod = 'totp' | 'sms' | 'backup_code';

export async function availableMethods(db: Kysely<Database>, accountId: string): Promise<SecondFactorMethod[]> {
  const factors = await listConfirmedFactors(db, accountId);
  const methods: SecondFactorMethod[] = [];
  if (factors.some((f) => f.kind === 'totp')) methods.push('totp');
  // SMS only to a phone the customer has proven (ASVS 6.6.1).
  if (factors.some((f) => f.kind === 'sms') && (await verifiedPhone(db, accountId))) methods.push('sms');
  if ((await countUnusedBackupCodes(db, accountId)) > 0) methods.push('backup_code');
  return methods;
}

export async function verifiedPhone(db: Kysely<Database>, accountId: string): Promise<string | undefined> {
  return (await listIdentifiers(db, accountId)).find((i) => i.kind === 'phone' && i.verified)?.normalized;
}
