import type { Kysely } from 'kysely';
import type { Deps } from '../platform/context.js';
import type { Database, OrderStatus } from '../platform/db/schema.js';
import { errors, type AppError } from '../platform/errors.js';
import { instantProblem, parseInstant } from './instant.js';
import { STATUS_TIMESTAMPS } from './order-view.js';
import { findOrderByNumber, type OrderRow } from './store-orders.js';
import { iso } from '../platform/format.js';

/**
 * The order lifecycle. Each status has its own timestamp column, so the history is the columns that are set.
 *
 *   from       may move to
 *   placed     paid, cancelled
 *   paid       shipped, cancelled, refunded
 *   shipped    delivered
 *   delivered  returned, refunded
 *   returned   refunded
 *   cancelled  (final)
 *   refunded   (final)
 *
 * Nothing moves backwards, and nothing skips a step the customer would miss in their history (a parcel is
 * shipped before it is delivered). An order that is shipped can't be cancelled or refunded until it arrives:
 * the goods are on their way. Asking for the status an order already has is a no-op that succeeds, so a shop
 * may safely retry. Moves are conditional updates on the status the order was read in: two racing moves
 * can't both win from the same state.
 */
export const NEXT_STATUSES: Record<OrderStatus, readonly OrderStatus[]> = {
  placed: ['paid', 'cancelled'],
  paid: ['shipped', 'cancelled', 'refunded'],
  shipped: ['delivered'],
  delivered: ['returned', 'refunded'],
  returned: ['refunded'],
  cancelled: [],
  refunded: [],
};

export const ORDER_STATUSES = Object.keys(NEXT_STATUSES) as OrderStatus[];

const TIMESTAMP_COLUMN = Object.fromEntries(STATUS_TIMESTAMPS) as Record<OrderStatus, (typeof STATUS_TIMESTAMPS)[number][1]>;

export function isOrderStatus(value: string): value is OrderStatus {
  return Object.hasOwn(NEXT_STATUSES, value);
}

export function canMove(from: OrderStatus, to: OrderStatus): boolean {
  return NEXT_STATUSES[from].includes(to);
}

export function illegalTransition(from: OrderStatus, to: OrderStatus): AppError {
  return errors.illegalTransition(from, to, NEXT_STATUSES[from]);
}

/** When the order last changed status: a new status can't be dated before it. */
export function latestStatusTime(order: OrderRow): number {
  return Math.max(...STATUS_TIMESTAMPS.map(([, column]) => order[column] ?? 0));
}

/**
 * Moves the order from the status it was read in, inside the caller's transaction if there is one. False when
 * another request moved it first.
 */
export async function moveOrder(db: Kysely<Database>, order: OrderRow, to: OrderStatus, at: number, now: number): Promise<boolean> {
  if (!canMove(order.status, to)) throw illegalTransition(order.status, to);
  const result = await db
    .updateTable('orders')
    .set({ status: to, [TIMESTAMP_COLUMN[to]]: at, updated_at: now })
    .where('id', '=', order.id)
    .where('status', '=', order.status)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The store API's status change. `changed` is false when the order already had the status. */
export async function changeOrderStatus(deps: Deps, number: string, input: { status: string; at?: string }): Promise<{ changed: boolean }> {
  const now = deps.clock.now();
  const problems: Record<string, string> = {};
  if (!isOrderStatus(input.status)) problems.status = `Use one of ${ORDER_STATUSES.join(', ')}.`;
  const atProblem = input.at === undefined ? null : instantProblem(input.at, now);
  if (atProblem) problems.at = atProblem;
  if (Object.keys(problems).length > 0) throw errors.invalidInput(problems);
  const to = input.status as OrderStatus;

  // A race lost means the order moved under us: read it again and decide afresh (it may now be a no-op).
  for (let attempt = 0; attempt < 3; attempt++) {
    const order = await findOrderByNumber(deps.db, number);
    if (!order) throw errors.notFound('order');
    if (order.status === to) return { changed: false };
    if (!canMove(order.status, to)) throw illegalTransition(order.status, to);
    const latest = latestStatusTime(order);
    const at = input.at === undefined ? Math.max(now, latest) : parseInstant(input.at)!;
    if (at < latest) {
      throw errors.invalidInput({ at: `The order became ${order.status} at ${iso(latest)}; the next status can't be earlier.` });
    }
    if (await moveOrder(deps.db, order, to, at, now)) return { changed: true };
  }
  throw errors.orderChangedConcurrently();
}
