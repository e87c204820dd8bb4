import type { Deps } from '../platform/context.js';
import { newId } from '../platform/crypto.js';
import { newOrderNumber } from '../orders/order-number.js';
import { searchableTitle } from '../orders/placing.js';
import type { CheckoutItem } from './checkout-request.js';

/**
 * The order a partner's charge puts in the customer's Your Orders, beside the store's own: already paid, marked
 * with the partner that sold it ("Sold by …"). Its idempotency key is the charge's, in a namespace of its own
 * (`partner-charge:`), so it can never meet a key the store chose. `store_key_id` names the partner the same way,
 * since no store key made it.
 */
export interface PartnerOrder {
  partnerId: string;
  chargeId: string;
  requestHash: string;
  accountId: string;
  currency: string;
  amount: number;
  items: CheckoutItem[];
  shippingAddress: string;
  card: { id: string; brand: string; last4: string };
}

const NUMBER_ATTEMPTS = 5;

/** Inside the charge's transaction (`tx`); returns the order's id and number. */
export async function recordPartnerOrder(tx: Deps, order: PartnerOrder): Promise<{ id: string; number: string }> {
  for (let attempt = 0; attempt < NUMBER_ATTEMPTS; attempt++) {
    const number = newOrderNumber(tx.random);
    // Checked first rather than caught: inside a PostgreSQL transaction a failed insert would abort the whole charge.
    const taken = await tx.db.selectFrom('orders').select('id').where('number', '=', number).executeTakeFirst();
    if (taken) continue;
    return { id: await insertOrder(tx, order, number), number };
  }
  throw new Error(`no unused order number after ${NUMBER_ATTEMPTS} draws`);
}

async function insertOrder(tx: Deps, order: PartnerOrder, number: string): Promise<string> {
  const id = newId();
  const now = tx.clock.now();
  await tx.db
    .insertInto('orders')
    .values({
      id,
      number,
      account_id: order.accountId,
      store_key_id: `partner:${order.partnerId}`,
      partner_id: order.partnerId,
      idempotency_key: `partner-charge:${order.chargeId}`,
      request_hash: order.requestHash,
      status: 'paid',
      currency: order.currency,
      subtotal: order.amount,
      shipping_total: 0,
      tax_total: 0,
      total: order.amount,
      item_count: order.items.length,
      item_titles: order.items.map((item) => searchableTitle(item.name)).join('\n'),
      shipping_address: order.shippingAddress,
      card_id: order.card.id,
      card_brand: order.card.brand,
      card_last4: order.card.last4,
      placed_at: now,
      paid_at: now,
      shipped_at: null,
      delivered_at: null,
      cancelled_at: null,
      returned_at: null,
      refunded_at: null,
      fraud_reported_at: null,
      updated_at: now,
    })
    .execute();
  await tx.db
    .insertInto('order_items')
    .values(
      order.items.map((item, position) => ({
        id: newId(),
        order_id: id,
        account_id: order.accountId,
        position,
        sku: '',
        title: item.name,
        quantity: item.quantity,
        unit_price: item.unit_amount,
        line_total: item.quantity * item.unit_amount,
        placed_at: now,
      })),
    )
    .execute();
  return id;
}
