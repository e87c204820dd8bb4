import type { Deps } from '../platform/context.js';
import { getAccount, listIdentifiers } from '../accounts/store.js';
import { enqueueMessage } from '../notify/enqueue.js';
import { button, facts, greeting, quoted, text } from '../notify/message-layout.js';
import { composeEmail } from '../notify/messages.js';
import { formatMoney } from '../orders/money.js';

/**
 * The customer's receipts for what a partner site charged and refunded through "Pay with". Sent to the account's
 * primary verified email, inside the transaction of the charge or refund they report, so a receipt is never sent
 * for money that was not recorded. They name the card by brand only and link to the order in Your Orders.
 */
export interface ReceiptFacts {
  accountId: string;
  partnerName: string;
  orderId: string;
  orderNumber: string;
  amount: number;
  currency: string;
  cardBrand: string;
}

export async function sendChargeReceipt(tx: Deps, receipt: ReceiptFacts): Promise<void> {
  await sendReceipt(tx, receipt, (to, name) =>
    composeEmail('partnerChargeReceiptEmail', to, `Your payment to ${receipt.partnerName}`, [
      greeting(name),
      text(`You paid ${quoted(receipt.partnerName)} with your ${tx.config.storeName} account.`),
      facts([
        ['Amount', formatMoney(receipt.amount, receipt.currency)],
        ['Paid with', receipt.cardBrand],
        ['Order #', receipt.orderNumber],
      ]),
      text('If you did not make this payment, open the order and tell us you do not recognise it.'),
      button('View the order', `${tx.config.publicUrl}/orders/${receipt.orderId}`),
    ], tx.config.publicUrl, receipt.accountId),
  );
}

export async function sendRefundReceipt(tx: Deps, receipt: ReceiptFacts & { refunded: number }): Promise<void> {
  await sendReceipt(tx, receipt, (to, name) =>
    composeEmail('partnerRefundReceiptEmail', to, `${receipt.partnerName} refunded ${formatMoney(receipt.refunded, receipt.currency)}`, [
      greeting(name),
      text(`${quoted(receipt.partnerName)} refunded part or all of a payment you made with your ${tx.config.storeName} account.`),
      facts([
        ['Refunded', formatMoney(receipt.refunded, receipt.currency)],
        ['Of the payment', formatMoney(receipt.amount, receipt.currency)],
        ['To', receipt.cardBrand],
        ['Order #', receipt.orderNumber],
      ]),
      text('Refunds usually reach the card within 5 to 10 business days.'),
      button('View the order', `${tx.config.publicUrl}/orders/${receipt.orderId}`),
    ], tx.config.publicUrl, receipt.accountId),
  );
}

async function sendReceipt(tx: Deps, receipt: ReceiptFacts, compose: (to: string, name: string | undefined) => Parameters<typeof enqueueMessage>[1]): Promise<void> {
  const email = (await listIdentifiers(tx.db, receipt.accountId)).find((identifier) => identifier.kind === 'email' && identifier.verified);
  if (!email) return;
  const account = await getAccount(tx.db, receipt.accountId);
  await enqueueMessage(tx, compose(email.value, account?.name), { kind: 'account_mail' });
}
