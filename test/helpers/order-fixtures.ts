import type { App } from '../../src/app.js';
import { DAY, MINUTE } from '../../src/platform/clock.js';
import { newId } from '../../src/platform/crypto.js';
import type { OrderStatus } from '../../src/platform/db/schema.js';
import { searchableTitle } from '../../src/orders/placing.js';
import { newOrderNumber } from '../../src/orders/order-number.js';

/**
 * Orders written straight into the database, every column consistent with what the store API would have
 * written: line totals and order totals add up, item_count and item_titles (lower-cased, searchableTitle) match the items,
 * the number has the 3-7-7 shape, and each status has the timestamps of the steps before it.
 */
export interface FixtureItem {
  sku: string;
  title: string;
  quantity: number;
  /** Integer minor units. */
  unitPrice: number;
}

export interface FixtureOrder {
  placedAt: number;
  status?: OrderStatus;
  currency?: string;
  items?: FixtureItem[];
  shippingTotal?: number;
  taxTotal?: number;
  /** Overrides the delivery time the status would imply (returns are counted from it). */
  deliveredAt?: number;
  shipTo?: { full_name?: string; line1?: string; line2?: string | null; city?: string | null; region?: string | null; postal_code?: string | null; country?: string; phone?: string | null };
  card?: { brand: string; last4: string } | null;
  id?: string;
}

export interface InsertedOrder {
  id: string;
  number: string;
  total: number;
  items: Array<{ id: string; sku: string; title: string; quantity: number; unitPrice: number; lineTotal: number }>;
}

const DEFAULT_ITEMS: FixtureItem[] = [{ sku: 'SKU-DEFAULT', title: 'Plain Notebook', quantity: 1, unitPrice: 1299 }];

export async function insertOrder(t: { app: App }, accountId: string, order: FixtureOrder): Promise<InsertedOrder> {
  const id = order.id ?? newId();
  const number = newOrderNumber(t.app.deps.random);
  const items = (order.items ?? DEFAULT_ITEMS).map((item) => ({ ...item, id: newId(), lineTotal: item.quantity * item.unitPrice }));
  const subtotal = items.reduce((sum, item) => sum + item.lineTotal, 0);
  const shipping = order.shippingTotal ?? 0;
  const tax = order.taxTotal ?? 0;
  const times = statusTimes(order.status ?? 'delivered', order.placedAt, order.deliveredAt);
  const card = order.card === undefined ? { brand: 'visa', last4: '4242' } : order.card;
  const shipTo = { full_name: 'Jane Doe', line1: '1 Main Street', line2: null, city: 'Springfield', region: 'IL', postal_code: '62701', country: 'US', phone: null, ...order.shipTo };
  await t.app.deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('orders')
      .values({
        id,
        number,
        account_id: accountId,
        store_key_id: 'test-store',
        idempotency_key: `fixture-${id}`,
        request_hash: 'fixture',
        status: order.status ?? 'delivered',
        currency: order.currency ?? 'USD',
        subtotal,
        shipping_total: shipping,
        tax_total: tax,
        total: subtotal + shipping + tax,
        item_count: items.length,
        item_titles: items.map((item) => searchableTitle(item.title)).join('\n'),
        shipping_address: JSON.stringify(shipTo),
        card_id: card ? `card-${id}` : null,
        card_brand: card?.brand ?? null,
        card_last4: card?.last4 ?? null,
        ...times,
        fraud_reported_at: null,
      })
      .execute();
    await trx
      .insertInto('order_items')
      .values(
        items.map((item, position) => ({
          id: item.id,
          order_id: id,
          account_id: accountId,
          position,
          sku: item.sku,
          title: item.title,
          quantity: item.quantity,
          unit_price: item.unitPrice,
          line_total: item.lineTotal,
          placed_at: order.placedAt,
        })),
      )
      .execute();
  });
  return { id, number, total: subtotal + shipping + tax, items };
}

/** Each step's time follows the one before: paid 5 minutes after placing, shipped a day later, delivered two after. */
function statusTimes(status: OrderStatus, placedAt: number, deliveredAt: number | undefined) {
  const paid = placedAt + 5 * MINUTE;
  const shipped = paid + DAY;
  const delivered = deliveredAt ?? shipped + 2 * DAY;
  const none = { placed_at: placedAt, paid_at: null, shipped_at: null, delivered_at: null, cancelled_at: null, returned_at: null, refunded_at: null } as Record<string, number | null>;
  const byStatus: Record<OrderStatus, Record<string, number | null>> = {
    placed: none,
    paid: { ...none, paid_at: paid },
    shipped: { ...none, paid_at: paid, shipped_at: shipped },
    delivered: { ...none, paid_at: paid, shipped_at: shipped, delivered_at: delivered },
    cancelled: { ...none, cancelled_at: placedAt + 30 * MINUTE },
    returned: { ...none, paid_at: paid, shipped_at: shipped, delivered_at: delivered, returned_at: delivered + 9 * DAY },
    refunded: { ...none, paid_at: paid, shipped_at: shipped, delivered_at: delivered, returned_at: delivered + 9 * DAY, refunded_at: delivered + 11 * DAY },
  };
  const times = byStatus[status];
  const updated = Math.max(...Object.values(times).map((time) => time ?? 0));
  return { ...(times as { placed_at: number; paid_at: number | null; shipped_at: number | null; delivered_at: number | null; cancelled_at: number | null; returned_at: number | null; refunded_at: number | null }), updated_at: updated };
}

/** A dispute the store resolved with a refund, straight into order_cases, as resolveCase would have left it. */
export async function insertRefund(t: { app: App }, accountId: string, order: InsertedOrder, amount: number, at: number): Promise<string> {
  const id = newId();
  await t.app.deps.db
    .insertInto('order_cases')
    .values({
      id,
      order_id: order.id,
      account_id: accountId,
      kind: 'dispute',
      item_id: null,
      quantity: null,
      reason: 'damaged',
      details: '',
      status: 'resolved',
      resolution: 'Refunded part of the order.',
      refund_amount: amount,
      created_at: at,
      updated_at: at,
      resolved_at: at,
    })
    .execute();
  return id;
}
