import type { OrderCaseKind, OrderCaseStatus, OrderStatus } from '../platform/db/schema.js';
import type { Deps } from '../platform/context.js';
import { readAddressSnapshot, UNREADABLE_ADDRESS, type PostalAddress } from '../wallet/addresses/postal-address.js';

/**
 * What the customer's side reads about an order: the rows of orders, order_items and order_cases turned into
 * plain values. The status history is the per-status timestamp columns, in the order they happened.
 */
export const STATUS_TIMESTAMPS = [
  ['placed', 'placed_at'],
  ['paid', 'paid_at'],
  ['shipped', 'shipped_at'],
  ['delivered', 'delivered_at'],
  ['cancelled', 'cancelled_at'],
  ['returned', 'returned_at'],
  ['refunded', 'refunded_at'],
] as const satisfies ReadonlyArray<readonly [OrderStatus, string]>;

type TimestampColumn = (typeof STATUS_TIMESTAMPS)[number][1];

/** The columns a summary needs: no idempotency key, request hash or store key, which are the shop's business. */
export const SUMMARY_COLUMNS = [
  'id', 'number', 'status', 'currency', 'total', 'item_count', 'shipping_address', 'card_brand', 'card_last4',
  'placed_at', 'paid_at', 'shipped_at', 'delivered_at', 'cancelled_at', 'returned_at', 'refunded_at', 'fraud_reported_at',
] as const;

export type SummaryRow = { id: string; number: string; status: OrderStatus; currency: string; total: number; item_count: number; shipping_address: string; card_brand: string | null; card_last4: string | null; fraud_reported_at: number | null } & Record<TimestampColumn, number | null> & { placed_at: number };

export interface StatusEvent {
  status: OrderStatus;
  at: number;
}

export interface OrderSummary {
  id: string;
  number: string;
  status: OrderStatus;
  currency: string;
  total: number;
  itemCount: number;
  placedAt: number;
  shipTo: PostalAddress;
  card: { brand: string; last4: string } | null;
  history: StatusEvent[];
  fraudReportedAt: number | null;
  /** Titles as the shop sent them, in the order's own order (the search column holds them lower-cased). */
  itemTitles: string[];
}

export interface OrderItem {
  id: string;
  position: number;
  sku: string;
  title: string;
  quantity: number;
  unitPrice: number;
  lineTotal: number;
  /** Units already in a return that is open, accepted or resolved; a refused return gives them back. */
  inReturns: number;
}

export interface OrderCase {
  id: string;
  kind: OrderCaseKind;
  itemId: string | null;
  quantity: number | null;
  reason: string;
  details: string;
  status: OrderCaseStatus;
  resolution: string | null;
  refundAmount: number | null;
  createdAt: number;
  resolvedAt: number | null;
}

export function toSummary(row: SummaryRow, itemTitles: string[], log: SnapshotLog): OrderSummary {
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    currency: row.currency,
    total: row.total,
    itemCount: row.item_count,
    placedAt: row.placed_at,
    shipTo: readShipTo(row, log) ?? UNREADABLE_ADDRESS,
    card: row.card_brand && row.card_last4 ? { brand: row.card_brand, last4: row.card_last4 } : null,
    history: statusHistory(row),
    fraudReportedAt: row.fraud_reported_at,
    itemTitles,
  };
}

export type SnapshotLog = Pick<Deps['log'], 'warn'>;

/**
 * The order's copy of its shipping address, or null when the stored copy is damaged (a bug or a hand edit):
 * logged by order id — never the content, which is personal data — so one bad row is found and fixed without
 * taking Your Orders or the store's reads down with it.
 */
export function readShipTo(order: { id: string; shipping_address: string }, log: SnapshotLog): PostalAddress | null {
  const address = readAddressSnapshot(order.shipping_address);
  if (!address) log.warn({ order: order.id }, 'stored shipping address could not be read');
  return address;
}

/** What has been given back on an order: its cases' refunds. Together they never exceed the total, so the sum is exact. */
export function refundedTotal(refunds: ReadonlyArray<number | null>): number {
  return refunds.reduce<number>((sum, amount) => sum + (amount ?? 0), 0);
}

/** Oldest first; two statuses of the same moment keep the order the lifecycle gives them. */
export function statusHistory(row: Record<TimestampColumn, number | null>): StatusEvent[] {
  const events: StatusEvent[] = [];
  for (const [status, column] of STATUS_TIMESTAMPS) {
    const at = row[column];
    if (at !== null && at !== undefined) events.push({ status, at });
  }
  return events.sort((a, b) => a.at - b.at);
}

/** Returns that still hold units of an item: everything but a refused one. */
export function unitsInReturns(cases: OrderCase[], itemId: string): number {
  return cases.filter((c) => c.kind === 'return' && c.itemId === itemId && c.status !== 'refused').reduce((sum, c) => sum + (c.quantity ?? 0), 0);
}

export const STATUS_LABELS: Record<OrderStatus, string> = {
  placed: 'Ordered',
  paid: 'Payment received',
  shipped: 'Shipped',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
  returned: 'Returned',
  refunded: 'Refunded',
};
