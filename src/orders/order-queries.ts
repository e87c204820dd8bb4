import { sql, type Kysely } from 'kysely';
import type { Database, OrderStatus } from '../platform/db/schema.js';
import { SUMMARY_COLUMNS } from './order-view.js';

/**
 * The queries behind Your Orders and order detail, exported so test/orders/query-plans.test.ts can EXPLAIN
 * them on both engines. Each one is owned by the account (`account_id = ?` in every WHERE: ASVS 8.2.2) and
 * served by an index: the page walks orders_account_placed (account_id, placed_at, id) backwards from the
 * cursor and stops after `limit + 1` rows, so page 500 of a 10,000,000-order table costs what page 1 does.
 */
export interface PageFilter {
  /** The last order of the previous page: this page starts strictly after it in (placed_at, id) order. */
  cursor?: { placedAt: number; id: string };
  limit: number;
  /** [from, to) in epoch ms: a year is a range of placed_at, so the index still serves it. */
  placedRange?: { from: number; to: number };
  statuses?: readonly OrderStatus[];
  /** Already lower-cased and NFKC-normalised; LIKE wildcards are escaped here. */
  search?: string;
}

export function orderPageQuery(db: Kysely<Database>, accountId: string, filter: PageFilter) {
  let query = db.selectFrom('orders').select(SUMMARY_COLUMNS).where('account_id', '=', accountId);
  if (filter.cursor) {
    // A row-value comparison is one range condition on the index on both engines, ties in placed_at included.
    const { placedAt, id } = filter.cursor;
    query = query.where((eb) => eb(eb.refTuple('placed_at', 'id'), '<', eb.tuple(placedAt, id)));
  }
  if (filter.placedRange) {
    query = query.where('placed_at', '>=', filter.placedRange.from).where('placed_at', '<', filter.placedRange.to);
  }
  if (filter.statuses) query = query.where('status', 'in', filter.statuses);
  if (filter.search) query = query.where(sql<boolean>`${sql.ref('item_titles')} like ${likeContains(filter.search)} escape '\\'`);
  return query.orderBy('placed_at', 'desc').orderBy('id', 'desc').limit(filter.limit + 1);
}

/**
 * The titles of a page's orders in one query by order_items_order, instead of one query per card. The ids come
 * from the owner-scoped page query; the caller still compares each row's account. Not in SQL: with an
 * `account_id = ?` term beside a list of ids, SQLite walks every item the account ever bought by
 * order_items_account_sku — a cost that grows with the customer's history instead of the page.
 */
export function pageItemsQuery(db: Kysely<Database>, orderIds: string[]) {
  return db.selectFrom('order_items').select(['order_id', 'account_id', 'position', 'title']).where('order_id', 'in', orderIds);
}

export function orderDetailQuery(db: Kysely<Database>, accountId: string, orderId: string) {
  return db
    .selectFrom('orders')
    .select([...SUMMARY_COLUMNS, 'subtotal', 'shipping_total', 'tax_total', 'partner_id', 'partner_refunded'])
    .where('id', '=', orderId)
    .where('account_id', '=', accountId);
}

export function orderItemsQuery(db: Kysely<Database>, accountId: string, orderId: string) {
  return db
    .selectFrom('order_items')
    .select(['id', 'position', 'sku', 'title', 'quantity', 'unit_price', 'line_total'])
    .where('order_id', '=', orderId)
    .where('account_id', '=', accountId)
    .orderBy('position');
}

export function orderCasesQuery(db: Kysely<Database>, accountId: string, orderId: string) {
  return db
    .selectFrom('order_cases')
    .select(['id', 'kind', 'item_id', 'quantity', 'reason', 'details', 'status', 'resolution', 'refund_amount', 'created_at', 'resolved_at'])
    .where('order_id', '=', orderId)
    .where('account_id', '=', accountId)
    .orderBy('created_at');
}

/** The oldest order's time, read from the front of orders_account_placed: which years the filter offers. */
export function firstOrderQuery(db: Kysely<Database>, accountId: string) {
  return db.selectFrom('orders').select('placed_at').where('account_id', '=', accountId).orderBy('placed_at').orderBy('id').limit(1);
}

/** "50%_off" must find those characters, not "any text": the customer's %, _ and \ are literals. */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
