import type { Deps, RequestInfo } from '../platform/context.js';
import { HOUR } from '../platform/clock.js';
import { enqueueMessage } from './enqueue.js';
import { claimPeriodicSlot } from '../platform/throttle.js';
import { failedSigninsEmail, newDeviceSigninEmail } from './alert-messages.js';
import { getAccount, listIdentifiers } from '../accounts/store.js';
import { describeDevice } from '../activity/device.js';
import { describePlace } from '../activity/place.js';
import { rememberDevice, rememberNetwork } from '../activity/known-devices.js';
import { issueSecureLink } from '../verification/secure-link.js';

/** After a successful sign-in: remember the device, and alert the customer if it is new (ASVS 6.3.5). */
export async function noteSuccessfulSignin(deps: Deps, accountId: string, info: RequestInfo): Promise<{ newDevice: boolean }> {
  const newDevice = await deps.db.transaction().execute(async (trx) => {
    await rememberNetwork(deps, trx, accountId, info);
    const { isNew } = await rememberDevice(deps, trx, accountId, info);
    if (!isNew) return false;
    const account = await getAccount(trx, accountId);
    for (const to of await verifiedEmails(deps, trx, accountId)) {
      await enqueueMessage(trx, deps, newDeviceSigninEmail({
        to, name: account?.name ?? '', at: deps.clock.now(), device: describeDevice(info.userAgent), place: describePlace(info.ip), publicUrl: deps.config.publicUrl, accountId,
        secureLink: await issueSecureLink(deps, trx, accountId, to),
      }), { kind: 'notice' });
    }
    return true;
  });
  if (newDevice) deps.notifyOutbox();
  return { newDevice };
}

/** Failed attempts past the throttle threshold alert the owner, at most once an hour. */
export async function alertFailedSignins(deps: Deps, accountId: string, failures: number, info: RequestInfo): Promise<void> {
  if (!(await claimPeriodicSlot(deps.db, deps.clock, `alert:failed-signins:${accountId}`, HOUR))) return;
  const account = await getAccount(deps.db, accountId);
  await deps.db.transaction().execute(async (trx) => {
    for (const to of await verifiedEmails(deps, trx, accountId)) {
      await enqueueMessage(trx, deps, failedSigninsEmail({
        to, name: account?.name ?? '', at: deps.clock.now(), failures, place: describePlace(info.ip), publicUrl: deps.config.publicUrl, accountId,
        secureLink: await issueSecureLink(deps, trx, accountId, to),
      }), { kind: 'notice' });
    }
  });
  deps.notifyOutbox();
}

async function verifiedEmails(deps: Deps, db: Deps['db'], accountId: string): Promise<string[]> {
  return (await listIdentifiers(db, accountId)).filter((i) => i.kind === 'email' && i.verified).map((i) => i.value);
}
