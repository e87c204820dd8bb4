import type { Deps, RequestInfo } from '../platform/context.js';
import { enqueueMessage } from './enqueue.js';
import { securityNoticeEmail } from './messages.js';
import { securityNoticeSms } from './alert-messages.js';
import { describeDevice } from '../activity/device.js';
import { describePlace } from '../activity/place.js';
import { issueSecureLink } from '../verification/secure-link.js';
import type { ContactUndo } from '../recovery/contact-undo.js';
import { noticeRecipients } from './notice-recipients.js';

export type SecurityChange = Parameters<typeof securityNoticeEmail>[0]['change'];

/** Never refused by a budget: an attacker must not be able to silence the owner's alerts (a flood is combined). */
const NOTICE = { kind: 'notice' } as const;
/**
 * "We secured your account" answers the owner's own "This wasn't me" and says what to do next: it is never held
 * for the hour's digest. It cannot be looped: each one spends a single-use link.
 */
const IMMEDIATE_NOTICE = { kind: 'notice', immediate: true } as const;

/**
 * Tells the customer about a change to their sign-in details, at every verified email address and phone, and
 * at any extra address or number given (the old one, after a contact change: the owner proved it, the new one
 * may be someone else's; ASVS 6.3.7). With `undo`, the "This wasn't me" links reverse that contact change.
 * Written to the outbox inside the caller's transaction: `tx` is the transaction-bound deps of `inTransaction`.
 */
export async function sendSecurityNotice(
  tx: Deps,
  input: { accountId: string; name: string; change: SecurityChange; info: RequestInfo; detail?: string; alsoTo?: string[]; alsoToPhone?: string; undo?: ContactUndo },
): Promise<void> {
  const { emails, phones } = await noticeRecipients(tx, input.accountId);
  // Each email recipient, with the contact change its "This wasn't me" link reverses, if any.
  const recipients = new Map<string, ContactUndo | undefined>();
  for (const [email, replaced] of emails) recipients.set(email, replaced ?? input.undo);
  for (const extra of input.alsoTo ?? []) recipients.set(extra, input.undo);
  if (input.alsoToPhone) phones.add(input.alsoToPhone);
  for (const phone of phones) {
    await enqueueMessage(tx, securityNoticeSms({ to: phone, change: input.change, publicUrl: tx.config.publicUrl, accountId: input.accountId }), input.change === 'account_secured' ? IMMEDIATE_NOTICE : NOTICE);
  }
  for (const [to, undo] of recipients) {
    const secureLink = input.change === 'account_secured' ? undefined : await issueSecureLink(tx, tx.db, input.accountId, to, undo);
    await enqueueMessage(
      tx,
      securityNoticeEmail({
        to,
        name: input.name,
        change: input.change,
        at: tx.clock.now(),
        device: describeDevice(input.info.userAgent),
        place: describePlace(input.info.ip),
        publicUrl: tx.config.publicUrl,
        accountId: input.accountId,
        detail: input.detail,
        secureLink,
      }),
      input.change === 'account_secured' ? IMMEDIATE_NOTICE : NOTICE,
    );
  }
}
