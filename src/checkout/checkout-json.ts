import type { Deps } from '../platform/context.js';
import { iso } from '../platform/format.js';
import { readAddressSnapshot, toAddressFields } from '../wallet/addresses/postal-address.js';
import { sessionItems, viewStatus, type CheckoutSessionRow } from './checkout-sessions.js';
import type { ChargeRow } from './charge-records.js';
import { listRefunds } from './refunds.js';

/** What the partner API answers about sessions and charges. Amounts are integer minor units; cards by brand only. */
export function sessionJson(config: Deps['config'], session: CheckoutSessionRow, now: number) {
  return {
    id: session.id,
    url: `${config.publicUrl}/pay/${session.id}`,
    status: viewStatus(session, now),
    amount: session.amount,
    currency: session.currency,
    items: sessionItems(session),
    return_url: session.return_url,
    expires_at: iso(session.expires_at),
    created_at: iso(session.created_at),
  };
}

/**
 * A charge with its order and where to ship it: the card by brand only — no last 4, no token (a partner holding
 * an address and the last 4 digits holds the raw material of a support-desk takeover).
 */
export async function chargeJson(deps: Pick<Deps, 'db' | 'log'>, charge: ChargeRow) {
  const order = await deps.db.selectFrom('orders').select(['id', 'number', 'status', 'placed_at', 'shipping_address']).where('id', '=', charge.order_id!).executeTakeFirstOrThrow();
  const items = await deps.db.selectFrom('order_items').select(['title', 'quantity', 'unit_price', 'line_total']).where('order_id', '=', order.id).orderBy('position').execute();
  const shipTo = readAddressSnapshot(order.shipping_address);
  if (!shipTo) deps.log.warn({ order: order.id }, 'stored shipping address could not be read');
  const refunds = await listRefunds(deps, charge.id);
  return {
    id: charge.id,
    status: charge.status,
    amount: charge.amount,
    refunded: charge.refunded,
    currency: charge.currency,
    checkout_session_id: charge.checkout_session_id,
    order: {
      number: order.number,
      status: order.status,
      placed_at: iso(order.placed_at),
      items: items.map((item) => ({ name: item.title, quantity: item.quantity, unit_amount: item.unit_price, line_total: item.line_total })),
      total: charge.amount,
    },
    shipping_address: shipTo && toAddressFields(shipTo),
    card: { brand: charge.card_brand },
    refunds: refunds.map((refund) => ({ id: refund.id, amount: refund.amount, created_at: iso(refund.created_at) })),
    created_at: iso(charge.created_at),
  };
}
