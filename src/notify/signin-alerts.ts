import type { Deps, RequestInfo } from '../platform/context.js';
import { HOUR } from '../platform/clock.js';
import { inTransaction } from '../platform/db/transaction.js';
import { enqueueMessage } from './enqueue.js';
import { claimPeriodicSlot } from '../platform/throttle.js';
import { failedSigninsEmail, newDeviceSigninEmail } from './alert-messages.js';
import { getAccount } from '../accounts/store.js';
import { noticeRecipients } from './notice-recipients.js';
import { describeDevice } from '../activity/device.js';
import { describePlace } from '../activity/place.js';
import { rememberDevice, rememberNetwork } from '../activity/known-devices.js';
import { issueSecureLink } from '../verification/secure-link.js';

/** After a successful sign-in: remember the device, and alert the customer if it is new (ASVS 6.3.5). */
export async function noteSuccessfulSignin(deps: Deps, accountId: string, info: RequestInfo): Promise<{ newDevice: boolean }> {
  const newDevice = await inTransaction(deps, async (tx) => {
    await rememberNetwork(tx, tx.db, accountId, info);
    const { isNew } = await rememberDevice(tx, tx.db, accountId, info);
    if (!isNew) return false;
    const account = await getAccount(tx.db, accountId);
    for (const [to, replaced] of (await noticeRecipients(tx, accountId)).emails) {
      await enqueueMessage(tx, newDeviceSigninEmail({
        to, name: account?.name ?? '', at: tx.clock.now(), device: describeDevice(info.userAgent), place: describePlace(info.ip), publicUrl: tx.config.publicUrl, accountId,
        secureLink: await issueSecureLink(tx, tx.db, accountId, to, replaced),
      }), { kind: 'notice' });
    }
    return true;
  });
  return { newDevice };
}

/** Failed attempts past the throttle threshold alert the owner, at most once an hour. */
export async function alertFailedSignins(deps: Deps, accountId: string, failures: number, info: RequestInfo): Promise<void> {
  if (!(await claimPeriodicSlot(deps.db, deps.clock, `alert:failed-signins:${accountId}`, HOUR))) return;
  const account = await getAccount(deps.db, accountId);
  await inTransaction(deps, async (tx) => {
    for (const [to, replaced] of (await noticeRecipients(tx, accountId)).emails) {
      await enqueueMessage(tx, failedSigninsEmail({
        to, name: account?.name ?? '', at: tx.clock.now(), failures, place: describePlace(info.ip), publicUrl: tx.config.publicUrl, accountId,
        secureLink: await issueSecureLink(tx, tx.db, accountId, to, replaced),
      }), { kind: 'notice' });
    }
  });
}
