import { iso } from '../platform/format.js';
import { DAY } from '../platform/clock.js';
import type { Deps } from '../platform/context.js';
import { formatAddressLines, toAddressFields } from '../wallet/addresses/postal-address.js';
import { canRequestReturn, returnWindowClosesAt } from '../cases/cases.js';
import type { OrderDetail } from './history.js';
import { moneyJson } from './money.js';
import type { OrderCase, OrderSummary } from './order-view.js';
import { describeInterval, type RecurringPurchase } from './recurring.js';
import type { Spending } from '../spending/spending.js';

/**
 * The JSON the customer API answers with. Every amount is integer minor units with its currency and the text a
 * person reads ({"amount": 123456, "currency": "USD", "formatted": "$1,234.56"}); every time is ISO 8601 UTC.
 */
export function summaryJson(order: OrderSummary) {
  return {
    id: order.id,
    number: order.number,
    status: order.status,
    placed_at: iso(order.placedAt),
    total: moneyJson(order.total, order.currency),
    item_count: order.itemCount,
    item_titles: order.itemTitles,
    ship_to: order.shipTo.fullName,
    payment_method: order.card,
    history: order.history.map((event) => ({ status: event.status, at: iso(event.at) })),
    fraud_reported_at: order.fraudReportedAt === null ? null : iso(order.fraudReportedAt),
  };
}

export function detailJson(deps: Deps, order: OrderDetail) {
  const closesAt = returnWindowClosesAt(deps.config, order);
  const returnable = canRequestReturn(deps, order);
  return {
    ...summaryJson(order),
    subtotal: moneyJson(order.subtotal, order.currency),
    shipping: moneyJson(order.shippingTotal, order.currency),
    tax: moneyJson(order.taxTotal, order.currency),
    // Refunds so far (partial ones leave the order's status as it was); the order is refunded once this is the total.
    refunded: moneyJson(order.refunded, order.currency),
    shipping_address: { ...toAddressFields(order.shipTo), lines: formatAddressLines(order.shipTo) },
    items: order.items.map((item) => ({
      id: item.id,
      sku: item.sku,
      title: item.title,
      quantity: item.quantity,
      unit_price: moneyJson(item.unitPrice, order.currency),
      line_total: moneyJson(item.lineTotal, order.currency),
      in_returns: item.inReturns,
      returnable_quantity: returnable ? item.quantity - item.inReturns : 0,
    })),
    return_window: { closes_at: closesAt === null ? null : iso(closesAt), open: returnable },
    cases: order.cases.map((c) => caseJson(c, order.currency)),
  };
}

export function caseJson(c: OrderCase, currency: string) {
  return {
    id: c.id,
    kind: c.kind,
    item_id: c.itemId,
    quantity: c.quantity,
    reason: c.reason,
    details: c.details,
    status: c.status,
    resolution: c.resolution,
    refund: c.refundAmount === null ? null : moneyJson(c.refundAmount, currency),
    created_at: iso(c.createdAt),
    resolved_at: c.resolvedAt === null ? null : iso(c.resolvedAt),
  };
}

export function spendingJson(spending: Spending) {
  const month = (start: number) => iso(start).slice(0, 7);
  return {
    year: spending.year,
    from: iso(spending.from),
    to: iso(spending.to),
    months: spending.monthStarts.map(month),
    currencies: spending.currencies.map((series) => ({
      currency: series.currency,
      total: moneyJson(series.total, series.currency),
      orders: series.orders,
      months: series.months.map((m) => ({ month: month(m.start), amount: moneyJson(m.amount, series.currency), orders: m.orders })),
    })),
  };
}

export function recurringJson(purchase: RecurringPurchase) {
  return {
    sku: purchase.sku,
    title: purchase.title,
    interval_days: Math.round(purchase.interval / DAY),
    interval: describeInterval(purchase.interval),
    purchases: purchase.purchases,
    last_bought: iso(purchase.lastBought),
    next_expected: iso(purchase.nextExpected),
  };
}
