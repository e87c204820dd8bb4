import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { listIdentifiers } from '../../accounts/store.js';

/**
 * The phone number texted codes go to: only one the customer has proven (ASVS 6.6.1), and the account's own, never
 * an alias a merge brought (merging/): the text factor was set up for the account's own number.
 */
export async function verifiedPhone(db: Kysely<Database>, accountId: string): Promise<string | undefined> {
  return (await listIdentifiers(db, accountId)).find((i) => i.kind === 'phone' && i.verified && !i.alias)?.normalized;
}
