import type { Kysely } from 'kysely';
import type { Deps, RequestInfo } from '../platform/context.js';
import { DAY } from '../platform/clock.js';
import { newId, sha256 } from '../platform/crypto.js';
import { networkOf } from '../platform/throttle.js';
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

/** A network stays known this long after its last sign-in; a borrowed café address is soon forgotten. */
const KNOWN_NETWORK_MS = 90 * DAY;

/** Notes the network (IPv4 address or IPv6 /64) of a successful sign-in. */
export async function rememberNetwork(deps: Deps, db: Kysely<Database>, accountId: string, info: RequestInfo): Promise<void> {
  const now = deps.clock.now();
  await db
    .insertInto('known_networks')
    .values({ account_id: accountId, network: networkOf(info.ip), created_at: now, last_seen_at: now })
    .onConflict((oc) => oc.columns(['account_id', 'network']).doUpdateSet({ last_seen_at: now }))
    .execute();
}

/**
 * Whether this request comes from a device or network that has signed in to the account before: the
 * owner's own counter, which strangers' guesses never touch (NIST §3.2.2). Both lookups always run.
 */
export async function knownSourceFor(deps: Deps, accountId: string, info: RequestInfo): Promise<string | undefined> {
  const deviceHash = sha256(info.deviceToken ?? '');
  const network = networkOf(info.ip);
  const [device, place] = await Promise.all([
    deps.db.selectFrom('known_devices').select('id').where('account_id', '=', accountId).where('device_hash', '=', deviceHash).executeTakeFirst(),
    deps.db
      .selectFrom('known_networks')
      .select('network')
      .where('account_id', '=', accountId)
      .where('network', '=', network)
      .where('last_seen_at', '>', deps.clock.now() - KNOWN_NETWORK_MS)
      .executeTakeFirst(),
  ]);
  if (device && info.deviceToken) return `device:${deviceHash}`;
  if (place) return `net:${network}`;
  return undefined;
}
