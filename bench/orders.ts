import type { Db } from '../src/platform/db/connect.js';
import { seedShop } from '../src/cli/seed-shop.js';
import { loadGet, type LoadResult } from './load.js';

/**
 * Your Orders and an order's detail page, measured on the bench account's own ten orders: once when they are the
 * only orders in the database and again with ten million around them. Equal figures mean indexes, not scans.
 */
export const BENCH_ACCOUNT_ORDERS = 10;

export interface OrderPagesResult {
  history: LoadResult;
  detail: LoadResult;
}

/** Gives the bench account its orders (the first ten seeded); returns the id of the newest, for the detail page. */
export async function prepareOrderBench(db: Db, identifier: string, now: number): Promise<string> {
  const owner = await db.kysely.selectFrom('identifiers').select('account_id').where('normalized', '=', identifier).executeTakeFirstOrThrow();
  await seedShop(db, { accountIds: [owner.account_id], orders: BENCH_ACCOUNT_ORDERS, now, firstOrder: 0, withWallet: true });
  const newest = await db.kysely
    .selectFrom('orders')
    .select('id')
    .where('account_id', '=', owner.account_id)
    .orderBy('placed_at', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  return newest.id;
}

export async function loadOrderPages(
  url: string,
  options: { orderId: string; headers: Record<string, string>; connections: number; seconds: number },
): Promise<OrderPagesResult> {
  const common = { connections: options.connections, seconds: options.seconds, headers: options.headers };
  const history = await loadGet(url, { path: '/orders', ...common });
  const detail = await loadGet(url, { path: `/orders/${options.orderId}`, ...common });
  return { history, detail };
}
