import type { OutgoingMessage } from '../platform/outbox.js';
import { composeEmail } from '../notify/messages.js';
import { button, greeting, text } from '../notify/message-layout.js';

/**
 * The acknowledgement of a reported message. It never repeats any of what was reported: that is attacker text, and
 * its links must not reach the customer again inside a message that looks like ours.
 */
export function reportReceivedEmail(m: { to: string; name: string; ours: boolean; publicUrl: string; accountId: string }): OutgoingMessage {
  return composeEmail(
    'suspiciousReportReceived',
    m.to,
    'We received your report of a suspicious message',
    [
      greeting(m.name),
      text('Thank you for reporting a message that claimed to be from us. Our team reads every report, and it helps us warn other customers.'),
      m.ours
        ? text('The message you reported carries the reference of a message we really sent. If it asked for your password or a code, or looked wrong in any other way, someone may have copied a real reference: please contact support.')
        : text("Until you hear otherwise, don't click its links, don't open its attachments and don't reply to it. If you typed your password after opening it, change your password now."),
      button('See the messages we sent you', `${m.publicUrl}/account/messages`),
    ],
    m.publicUrl,
    m.accountId,
  );
}
