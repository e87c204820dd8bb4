import type { OutgoingMessage } from '../platform/outbox.js';
import { button, facts, greeting, text } from '../notify/message-layout.js';
import { composeEmail } from '../notify/messages.js';

/** What the wallet sends of its own: the reminder that a saved card runs out soon. Brand and last 4 only. */
export const CARDS_PATH = '/account/cards';

export function cardExpiryReminderEmail(m: { to: string; name?: string; card: string; expiry: string; publicUrl: string; accountId: string }): OutgoingMessage {
  return composeEmail('cardExpiryReminderEmail', m.to, `Your ${m.card} expires soon`, [
    greeting(m.name),
    text(`The ${m.card} saved to your Custos account expires soon. After that, payments with it will be declined.`),
    facts([
      ['Card', m.card],
      ['Expires', `end of ${m.expiry}`],
    ]),
    text('If your bank has sent you a new card, add it to your payment methods. You can remove the old one there too.'),
    button('Review payment methods', `${m.publicUrl}${CARDS_PATH}`),
  ], m.publicUrl, m.accountId);
}
