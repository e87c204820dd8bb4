import type { OutgoingMessage } from '../../platform/outbox.js';
import { button, facts, greeting, text } from '../../notify/message-layout.js';
import { composeEmail } from '../../notify/messages.js';

/** The payment-methods page: where the new card is added and the old one removed, so the reminder links there. */
export const CARDS_PATH = '/account/cards';

/**
 * The reminder that a saved card runs out soon, sent ahead so the customer adds the bank's new card before
 * payments with the old one are declined. Names the card by brand and last 4 only (SECURITY.md "Card data").
 */
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
