import type { Deps } from '../platform/context.js';
import type { OutgoingMessage } from '../platform/outbox.js';
import { enqueueMessage } from '../notify/enqueue.js';
import { greeting, text } from '../notify/message-layout.js';
import { composeEmail } from '../notify/messages.js';
import { noticeRecipients } from '../notify/notice-recipients.js';

/**
 * An imported account's unverified email or phone was just proven by a code and now signs in to the account: a
 * change of sign-in details, so every verified contact hears of it (SECURITY.md "alert the customer on every change
 * of sign-in details"). Written inside the caller's transaction; a notice, so no budget silences it.
 */
export async function sendClaimProvenNotice(tx: Deps, input: { accountId: string; name: string; kind: 'email' | 'phone'; value: string }): Promise<void> {
  const { emails, phones } = await noticeRecipients(tx, input.accountId);
  const what = input.kind === 'email' ? `the email address ${input.value}` : `the phone number ${input.value}`;
  for (const to of emails.keys()) {
    await enqueueMessage(tx, composeEmail('claimProvenEmail', to, 'An address on your account was confirmed', [
      greeting(input.name),
      text(`Your account was moved to this shop’s new sign-in, and ${what} has just been confirmed with a code. From now on it signs in to your account and can reset its password.`),
      text("If this wasn't you, choose a new password with “Forgot your password?” and contact the shop."),
    ], tx.config.publicUrl, input.accountId), { kind: 'notice' });
  }
  for (const to of phones) {
    const message: OutgoingMessage = {
      accountId: input.accountId, channel: 'sms', template: 'claimProvenSms', recipient: to, subject: 'Address confirmed',
      text: `Custos: ${what} was confirmed on your account. If this wasn't you, contact the shop.`,
    };
    await enqueueMessage(tx, message, { kind: 'notice' });
  }
}
