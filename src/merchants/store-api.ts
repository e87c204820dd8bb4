import { z } from 'zod';
import { iso } from '../platform/format.js';
import type { Deps } from '../platform/context.js';
import { ApiAnswer, type ApiRegistry } from '../platform/http/api.js';
import { text } from '../platform/http/validation.js';
import { errors } from '../platform/errors.js';
import { toAddressFields } from '../wallet/addresses/postal-address.js';
import { minorUnitExponent } from '../orders/currencies.js';
import { readShipTo, refundedTotal, statusHistory, type SnapshotLog } from '../orders/order-view.js';
import { checkOrderRequest, MAX_ITEMS, orderRequestSchema } from '../orders/order-request.js';
import { placeOrder } from '../orders/placing.js';
import { ORDER_STATUSES, changeOrderStatus } from '../orders/status.js';
import { registerStoreCaseApi } from './store-case-api.js';
import { registerStoreCustomerApi } from './store-customer-api.js';
import { loadStoreOrder, type StoreOrder } from '../orders/store-orders.js';
import { storeKey } from './store-key-guard.js';

/**
 * The store API (/api/store/v1): the shop's back end records orders and moves them through their lifecycle.
 * Every route takes only a store API key (guard 'store-key'): a customer's session token is not one, and a
 * store key opens no customer route. Orders are named by their number in URLs, checked for shape before any
 * query; an unknown number is 404.
 */
const TAG = 'Store API';
const AUTH = { 401: 'Missing, unknown or revoked store key (store.key_invalid)' };

export function registerStoreApi(api: ApiRegistry, deps: Deps): void {
  api.add({
    method: 'POST', path: '/api/store/v1/orders', tag: TAG, guards: [storeKey],
    summary:
      `Record an order for a customer named by verified email or phone. Idempotent: send an Idempotency-Key header (or idempotency_key), 1–100 printable ASCII characters; ` +
      `the same key and body answer the same order with 200, the same key with another body is 409. Amounts are integers of minor units; ` +
      `totals must add up exactly. 1–${MAX_ITEMS} items, quantities 1–999.`,
    body: orderRequestSchema,
    responses: {
      201: 'Order recorded',
      200: 'Already recorded with this idempotency key and body: the same order',
      400: 'Invalid fields, named by path (items.2.quantity)',
      ...AUTH,
      409: 'Idempotency key already used with a different body (order.idempotency_conflict)',
      413: 'Body larger than 64 KB',
      422: 'Unknown customer (order.customer_unknown), card not theirs (order.card_unknown) or totals that do not add up (order.totals_mismatch)',
    },
    handler: async ({ body, request, store }) => {
      const header = request.headers['idempotency-key'];
      if (Array.isArray(header)) throw errors.invalidInput({ idempotency_key: 'Send one Idempotency-Key header.' });
      const draft = checkOrderRequest(body, header, { now: deps.clock.now(), phoneRegion: deps.config.defaultPhoneRegion });
      const placed = await placeOrder(deps, store, draft);
      const order = orderJson(await loadStoreOrder(deps.db, placed.number), deps.log);
      return new ApiAnswer(placed.created ? 201 : 200, { order });
    },
  });

  api.add({
    method: 'GET', path: '/api/store/v1/orders/:number', tag: TAG, guards: [storeKey],
    summary:
      'One order in full: items, totals, what was refunded so far, the shipping address (null if its stored copy cannot be read), card (brand and last 4), ' +
      'status history and its cases.',
    responses: { 200: 'The order', ...AUTH, 404: 'No order with that number' },
    handler: async ({ params }) => ({ order: orderJson(await loadStoreOrder(deps.db, params.number!), deps.log) }),
  });

  api.add({
    method: 'POST', path: '/api/store/v1/orders/:number/status', tag: TAG, guards: [storeKey],
    summary:
      `Move an order to ${ORDER_STATUSES.join(', ')} and record when (at: ISO 8601, default now). placed → paid → shipped → delivered; ` +
      'placed or paid → cancelled; delivered → returned; paid, delivered or returned → refunded. Asking for the current status changes nothing.',
    body: z.object({ status: text(100), at: text(100).optional() }).strict(),
    responses: { 200: 'The order after the change (or unchanged)', 400: 'Unknown status or bad time', ...AUTH, 404: 'No order with that number', 409: 'Not allowed from the current status (order.illegal_transition)' },
    handler: async ({ params, body }) => {
      await changeOrderStatus(deps, params.number!, body);
      return { order: orderJson(await loadStoreOrder(deps.db, params.number!), deps.log) };
    },
  });

  registerStoreCustomerApi(api, deps);
  registerStoreCaseApi(api, deps);
}

function orderJson({ order, items, cases }: StoreOrder, log: SnapshotLog) {
  const shipTo = readShipTo(order, log);
  return {
    number: order.number,
    status: order.status,
    currency: order.currency,
    currency_exponent: minorUnitExponent(order.currency),
    placed_at: iso(order.placed_at),
    items: items.map((i) => ({ sku: i.sku, title: i.title, quantity: i.quantity, unit_price: i.unit_price, line_total: i.line_total })),
    totals: { subtotal: order.subtotal, shipping: order.shipping_total, tax: order.tax_total, total: order.total },
    refunded: refundedTotal(cases.map((c) => c.refund_amount)),
    // null when the stored copy can't be read (logged by order id): a program must not ship to a placeholder.
    shipping_address: shipTo && toAddressFields(shipTo),
    payment_method: order.card_brand && order.card_last4 ? { card_id: order.card_id, brand: order.card_brand, last4: order.card_last4 } : null,
    status_history: statusHistory(order).map((event) => ({ status: event.status, at: iso(event.at) })),
    fraud_reported_at: order.fraud_reported_at === null ? null : iso(order.fraud_reported_at),
    cases: cases.map((c) => {
      const item = c.item_id === null ? undefined : items.find((i) => i.id === c.item_id);
      return {
        id: c.id,
        kind: c.kind,
        status: c.status,
        item: item ? { sku: item.sku, title: item.title, quantity: item.quantity } : null,
        quantity: c.quantity,
        reason: c.reason,
        details: c.details,
        resolution: c.resolution,
        refund_amount: c.refund_amount,
        created_at: iso(c.created_at),
        resolved_at: c.resolved_at === null ? null : iso(c.resolved_at),
      };
    }),
    updated_at: iso(order.updated_at),
  };
}
