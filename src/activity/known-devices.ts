import type { Kysely } from 'kysely';
import type { Deps, RequestInfo } from '../platform/context.js';
import { newId, sha256 } from '../platform/crypto.js';
import type { Database } from '../platform/db/schema.js';
import { describeDevice } from './device.js';

/**
 * A device is "known" to an account once it has signed in to it successfully (ASVS 6.3.5 asks for an alert
 * on sign-in from a new device). Only a hash of the device cookie is stored.
 */
export async function rememberDevice(deps: Deps, db: Kysely<Database>, accountId: string, info: RequestInfo): Promise<{ isNew: boolean }> {
  if (!info.deviceToken) return { isNew: true };
  const now = deps.clock.now();
  const deviceHash = sha256(info.deviceToken);
  const seen = await db
    .updateTable('known_devices')
    .set({ last_seen_at: now, device: describeDevice(info.userAgent) })
    .where('account_id', '=', accountId)
    .where('device_hash', '=', deviceHash)
    .executeTakeFirst();
  if (Number(seen.numUpdatedRows) > 0) return { isNew: false };
  const inserted = await db
    .insertInto('known_devices')
    .values({ id: newId(), account_id: accountId, device_hash: deviceHash, device: describeDevice(info.userAgent), created_at: now, last_seen_at: now })
    .onConflict((oc) => oc.columns(['account_id', 'device_hash']).doNothing())
    .executeTakeFirst();
  // A concurrent sign-in from the same browser may have inserted it first: only one of them alerts.
  return { isNew: Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0 };
}
