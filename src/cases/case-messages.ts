import { getAccount, listIdentifiers } from '../accounts/store.js';
import { button, facts, greeting, text } from '../notify/message-layout.js';
import { composeEmail } from '../notify/messages.js';
import type { Deps } from '../platform/context.js';
import type { OrderCaseKind } from '../platform/db/schema.js';
import { enqueueMessage } from '../notify/enqueue.js';
import type { CaseDecision } from './case-decision.js';
import { formatMoney } from '../orders/money.js';

/**
 * When the shop decides a return, dispute or fraud report, the customer who opened it hears the outcome in
 * words, with the shop's explanation and any refund, and a link to the order — the same answer the order page
 * shows, so nobody has to wait for a page they don't know to check. Written in the decision's transaction.
 */
const WHAT: Record<OrderCaseKind, string> = { return: 'return request', dispute: 'problem report', fraud_report: 'report' };
const OUTCOME: Record<CaseDecision, string> = { accepted: 'accepted', refused: 'declined', resolved: 'resolved' };

export async function tellCustomerOfDecision(
  tx: Deps,
  input: { accountId: string; orderId: string; orderNumber: string; kind: OrderCaseKind; decision: CaseDecision; resolution: string; refund: { amount: number; currency: string } | null },
): Promise<void> {
  const email = (await listIdentifiers(tx.db, input.accountId)).find((i) => i.kind === 'email' && i.verified);
  if (!email) return;
  const account = await getAccount(tx.db, input.accountId);
  const subject = `Your ${WHAT[input.kind]} for order ${input.orderNumber} was ${OUTCOME[input.decision]}`;
  const rows: Array<[string, string]> = [
    ['Order', input.orderNumber],
    ['Decision', OUTCOME[input.decision]],
  ];
  if (input.refund) rows.push(['Refund', formatMoney(input.refund.amount, input.refund.currency)]);
  await enqueueMessage(
    tx,
    composeEmail('caseDecisionEmail', email.value, subject, [
      greeting(account?.name),
      text(`The store has ${OUTCOME[input.decision]} your ${WHAT[input.kind]}.`),
      facts(rows),
      text(`The store's note: ${input.resolution}`),
      button('View the order', `${tx.config.publicUrl}/orders/${input.orderId}`),
    ], tx.config.publicUrl, input.accountId),
    // The store's decision, to the customer's own verified address: refusing it would undo the decision.
    { kind: 'account_mail' },
  );
}
