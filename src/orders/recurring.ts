import type { Kysely } from 'kysely';
import type { Deps } from '../platform/context.js';
import type { Database } from '../platform/db/schema.js';
import { DAY } from '../platform/clock.js';

/**
 * Recurring purchases: the same SKU bought at least 3 times at roughly regular intervals — every gap between
 * consecutive purchases within ±40% of their median gap. Lists what the customer keeps buying, how often, and
 * when they'd expect to buy it next.
 *
 * Bounded work per request, whatever the account's history: one index-only pass over order_items_account_sku
 * (account_id, sku, placed_at) of at most MAX_ITEMS_SCANNED entries finds SKUs bought 3+ times; then at most
 * MAX_SKUS of them, newest first, read their last MAX_PURCHASES purchases by the same index.
 */
export const MIN_PURCHASES = 3;
export const TOLERANCE = 0.4;
const MAX_ITEMS_SCANNED = 20_000;
const MAX_SKUS = 25;
const MAX_PURCHASES = 12;
/** A series whose next purchase is this many intervals overdue has stopped. */
const LAPSED_AFTER_INTERVALS = 3;

export interface RecurringPurchase {
  sku: string;
  title: string;
  /** Median gap between purchases, in ms. */
  interval: number;
  purchases: number;
  lastBought: number;
  nextExpected: number;
}

export async function recurringPurchases(deps: Deps, accountId: string): Promise<RecurringPurchase[]> {
  const candidates = await recurringCandidatesQuery(deps.db, accountId).execute();
  const now = deps.clock.now();
  const found: RecurringPurchase[] = [];
  for (const { sku } of candidates) {
    const rows = await skuPurchasesQuery(deps.db, accountId, sku).execute();
    const times = rows.map((row) => row.placed_at).reverse();
    const interval = regularInterval(times);
    if (interval === null) continue;
    const lastBought = times[times.length - 1]!;
    if (now - lastBought > LAPSED_AFTER_INTERVALS * interval) continue;
    found.push({ sku, title: rows[0]!.title, interval, purchases: times.length, lastBought, nextExpected: lastBought + interval });
  }
  return found.sort((a, b) => a.nextExpected - b.nextExpected);
}

/** SKUs bought 3+ times, most recently bought first, from an index-only walk capped at MAX_ITEMS_SCANNED entries. */
export function recurringCandidatesQuery(db: Kysely<Database>, accountId: string) {
  const scanned = db
    .selectFrom('order_items')
    .select(['sku', 'placed_at'])
    .where('account_id', '=', accountId)
    .orderBy('sku')
    .orderBy('placed_at')
    .limit(MAX_ITEMS_SCANNED)
    .as('scanned');
  return db
    .selectFrom(scanned)
    .select((eb) => ['sku', eb.fn.max('placed_at').as('last')])
    .groupBy('sku')
    .having((eb) => eb.fn.countAll(), '>=', MIN_PURCHASES)
    .orderBy('last', 'desc')
    .limit(MAX_SKUS);
}

/** One SKU's latest purchases; items of cancelled or refunded orders were not really bought. */
export function skuPurchasesQuery(db: Kysely<Database>, accountId: string, sku: string) {
  return db
    .selectFrom('order_items')
    .innerJoin('orders', 'orders.id', 'order_items.order_id')
    .select(['order_items.placed_at', 'order_items.title'])
    .where('order_items.account_id', '=', accountId)
    .where('order_items.sku', '=', sku)
    .where('orders.status', 'not in', ['cancelled', 'refunded'])
    .orderBy('order_items.placed_at', 'desc')
    .limit(MAX_PURCHASES);
}

/**
 * The median gap of the longest recent run of purchases (oldest first) that is regular, or null. Starting from
 * the newest purchases keeps a habit that began recently, even if older purchases were irregular.
 */
export function regularInterval(times: number[]): number | null {
  for (let start = 0; times.length - start >= MIN_PURCHASES; start++) {
    const run = times.slice(start);
    const gaps = run.slice(1).map((time, index) => time - run[index]!);
    const middle = median(gaps);
    // Two purchases on one day are one shopping trip, not a rhythm.
    if (middle < DAY) continue;
    if (gaps.every((gap) => Math.abs(gap - middle) <= TOLERANCE * middle)) return middle;
  }
  return null;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const half = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[half]! : Math.round((sorted[half - 1]! + sorted[half]!) / 2);
}

/** "about every 4 weeks": days, except about a week; weeks under two months; then months; then years. */
export function describeInterval(interval: number): string {
  const days = interval / DAY;
  const wholeDays = Math.max(1, Math.round(days));
  if (wholeDays < 6 || (wholeDays > 8 && wholeDays < 13)) return every(wholeDays, 'day');
  if (days < 60) return every(Math.round(days / 7), 'week');
  if (days < 330) return every(Math.round(days / 30.44), 'month');
  return every(Math.round(days / 365.25), 'year');
}

function every(count: number, unit: string): string {
  return count === 1 ? `about every ${unit}` : `about every ${count} ${unit}s`;
}
