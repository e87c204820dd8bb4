import type { Deps } from '../platform/context.js';
import { inTransaction } from '../platform/db/transaction.js';
import { brandName } from '../wallet/gateways/gateway.js';
import type { SavedCard } from '../wallet/cards/card-store.js';
import type { Partner } from '../partners/partners.js';
import { subjectFor } from '../partners/subjects.js';
import { queueWebhookEvent } from '../webhooks/events.js';
import type { CheckoutItem } from './checkout-request.js';
import type { CheckoutSessionRow } from './checkout-sessions.js';
import type { ChargeRow } from './charge-records.js';
import { sendChargeReceipt } from './checkout-messages.js';
import { recordPartnerOrder } from './partner-orders.js';

/**
 * What a successful gateway charge leaves behind, all in one transaction: the order in the customer's Your Orders,
 * the charge marked succeeded, the session marked charged, the receipt and the `charge.succeeded` event. The store
 * hears the account and order; the partner hears only its pairwise `sub`, never the account id.
 */
export interface CompletedCharge {
  partner: Partner;
  session: CheckoutSessionRow;
  pending: ChargeRow;
  card: SavedCard;
  gatewayChargeId: string;
  items: CheckoutItem[];
}

export async function completeCharge(deps: Deps, done: CompletedCharge): Promise<ChargeRow> {
  const { partner, session, pending, card } = done;
  const accountId = session.account_id!;
  return inTransaction(deps, async (tx) => {
    const now = tx.clock.now();
    const order = await recordPartnerOrder(tx, {
      partnerId: partner.id,
      chargeId: pending.id,
      requestHash: pending.request_hash,
      accountId,
      currency: session.currency,
      amount: session.amount,
      items: done.items,
      shippingAddress: session.shipping_address!,
      card: { id: card.id, brand: card.brand, last4: card.last4 },
    });
    const charge: ChargeRow = { ...pending, status: 'succeeded', card_brand: card.brand, gateway_charge_id: done.gatewayChargeId, order_id: order.id, updated_at: now };
    await tx.db
      .updateTable('partner_charges')
      .set({ status: charge.status, card_brand: charge.card_brand, gateway_charge_id: charge.gateway_charge_id, order_id: charge.order_id, updated_at: now })
      .where('id', '=', pending.id)
      .execute();
    await tx.db.updateTable('checkout_sessions').set({ status: 'charged' }).where('id', '=', session.id).execute();
    await sendChargeReceipt(tx, { accountId, partnerName: partner.name, orderId: order.id, orderNumber: order.number, amount: session.amount, currency: session.currency, cardBrand: brandName(card.brand) });
    const sub = await subjectFor(tx, partner.id, accountId);
    const amount = { amount: session.amount, currency: session.currency };
    await queueWebhookEvent(tx, {
      type: 'charge.succeeded',
      data: { charge_id: charge.id, partner_id: partner.id, account_id: accountId, order_number: order.number, ...amount },
      partner: { id: partner.id, data: { charge_id: charge.id, checkout_session_id: session.id, sub, order_number: order.number, ...amount } },
    });
    return charge;
  });
}
