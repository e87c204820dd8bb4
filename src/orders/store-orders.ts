import type { Kysely, Selectable } from 'kysely';
import type { Database, OrderCaseTable, OrderItemTable, OrderTable } from '../platform/db/schema.js';
import { errors } from '../platform/errors.js';
import type { Engine } from '../platform/db/connect.js';
import { isOrderNumber } from './order-number.js';

/**
 * The store side's reads of an order: by its number (what the shop quotes in URLs), with its items and cases.
 * The shop may read any order it recorded; customers read theirs through history.ts, always by account.
 */
export type OrderRow = Selectable<OrderTable>;
export type OrderItemRow = Pick<Selectable<OrderItemTable>, 'id' | 'position' | 'sku' | 'title' | 'quantity' | 'unit_price' | 'line_total'>;
export type OrderCaseRow = Selectable<OrderCaseTable>;

export interface StoreOrder {
  order: OrderRow;
  items: OrderItemRow[];
  cases: OrderCaseRow[];
}

/** The number's shape is checked before any query, so a hostile path segment never reaches the database. */
export async function findOrderByNumber(db: Kysely<Database>, number: string): Promise<OrderRow | undefined> {
  if (!isOrderNumber(number)) return undefined;
  return db.selectFrom('orders').selectAll().where('number', '=', number).executeTakeFirst();
}

export async function loadStoreOrder(db: Kysely<Database>, number: string): Promise<StoreOrder> {
  const order = await findOrderByNumber(db, number);
  if (!order) throw errors.notFound('order');
  const [items, cases] = await Promise.all([
    db
      .selectFrom('order_items')
      .select(['id', 'position', 'sku', 'title', 'quantity', 'unit_price', 'line_total'])
      .where('order_id', '=', order.id)
      .orderBy('position')
      .execute(),
    db.selectFrom('order_cases').selectAll().where('order_id', '=', order.id).orderBy('created_at').orderBy('id').execute(),
  ]);
  return { order, items, cases };
}

/** What has been refunded on an order so far: the refunds recorded when its cases were resolved. */
export async function refundedSoFar(db: Kysely<Database>, orderId: string): Promise<number> {
  const row = await db
    .selectFrom('order_cases')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number | string>('refund_amount'), eb.lit(0)).as('refunded'))
    .where('order_id', '=', orderId)
    .executeTakeFirstOrThrow();
  // PostgreSQL's sum of bigint is numeric, which node-postgres hands over as a string.
  return Number(row.refunded);
}

/** The order row, locked for the rest of the transaction on PostgreSQL (SQLite runs one writer at a time). */
export async function lockOrder(db: Kysely<Database>, engine: Engine, orderId: string): Promise<OrderRow> {
  const query = db.selectFrom('orders').selectAll().where('id', '=', orderId);
  return (engine === 'postgres' ? query.forUpdate() : query).executeTakeFirstOrThrow();
}

/** Marks the customer's order as reported; the first report's time stays, as when the customer first told us. */
export async function markFraudReported(db: Kysely<Database>, accountId: string, orderId: string, now: number): Promise<void> {
  await db.updateTable('orders').set({ fraud_reported_at: now, updated_at: now }).where('id', '=', orderId).where('account_id', '=', accountId).where('fraud_reported_at', 'is', null).execute();
}
