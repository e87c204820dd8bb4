import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import { DAY } from '../../platform/clock.js';
import { isOpaqueId, newId, randomToken, sha256 } from '../../platform/crypto.js';
import type { Database } from '../../platform/db/schema.js';
import type { Random } from '../../platform/random.js';
import type { RequestInfo } from '../../platform/context.js';
import { describeDevice } from '../../activity/device.js';
import { describePlace } from '../../activity/place.js';

/**
 * "Remember this device": a random token in its own cookie lets this browser skip the second step for 30 days,
 * for this account only. Listed and revocable in Login & Security; all are revoked by a password reset and
 * by "This wasn't me".
 */
export const REMEMBER_DAYS = 30;

export async function rememberDeviceForSecondStep(db: Kysely<Database>, clock: Clock, random: Random, accountId: string, info: RequestInfo): Promise<{ token: string; expiresAt: number }> {
  const token = randomToken(random);
  const now = clock.now();
  const expiresAt = now + REMEMBER_DAYS * DAY;
  await db
    .insertInto('remembered_devices')
    .values({ id: newId(), account_id: accountId, token_hash: sha256(token), device: describeDevice(info.userAgent), place: describePlace(info.ip), created_at: now, expires_at: expiresAt, revoked_at: null })
    .execute();
  return { token, expiresAt };
}

export async function isRememberedDevice(db: Kysely<Database>, clock: Clock, accountId: string, token: string | undefined): Promise<boolean> {
  if (!token || token.length > 100) return false;
  const row = await db
    .selectFrom('remembered_devices')
    .select('id')
    .where('token_hash', '=', sha256(token))
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', clock.now())
    .executeTakeFirst();
  return row !== undefined;
}

export async function listRememberedDevices(db: Kysely<Database>, clock: Clock, accountId: string) {
  return db
    .selectFrom('remembered_devices')
    .select(['id', 'device', 'place', 'created_at', 'expires_at'])
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', clock.now())
    .orderBy('created_at', 'desc')
    .execute();
}

/** Revokes one (by id) or all of the account's remembered devices; returns how many. */
export async function forgetRememberedDevices(db: Kysely<Database>, clock: Clock, accountId: string, id?: string): Promise<number> {
  if (id !== undefined && !isOpaqueId(id)) return 0;
  let query = db.updateTable('remembered_devices').set({ revoked_at: clock.now() }).where('account_id', '=', accountId).where('revoked_at', 'is', null);
  if (id) query = query.where('id', '=', id);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
