import { sql } from 'kysely';
import type { Deps } from '../platform/context.js';
import { errors } from '../platform/errors.js';

/**
 * Spending: what the customer paid month by month, over the last 12 months or one calendar year (UTC), per
 * currency — amounts in different currencies are never added together, so each currency has its own series.
 * What an order counts for is what stayed with the store: its total less the refunds recorded on its cases,
 * in the month it was placed (so a month never goes below zero, and a refund weeks later doesn't move money
 * between months). Cancelled and refunded (in full) orders are left out, counting neither money nor an order.
 * Sums are exact integer minor units made by the database in one grouped query over a placed_at range of
 * orders_account_placed, read as decimal text into a bigint: one order may be up to Number.MAX_SAFE_INTEGER,
 * so two of them already pass what a number holds exactly.
 */
export interface SpendingMonth {
  /** First millisecond of the month, UTC. */
  start: number;
  amount: bigint;
  orders: number;
}

export interface CurrencySpending {
  currency: string;
  total: bigint;
  orders: number;
  /** One entry per month of the period, oldest first, zeros included. */
  months: SpendingMonth[];
}

export interface Spending {
  /** The calendar year shown, or null for the last 12 months. */
  year: number | null;
  from: number;
  to: number;
  monthStarts: number[];
  currencies: CurrencySpending[];
}

const NOT_SPENT = ['cancelled', 'refunded'] as const;

export async function spendingByMonth(deps: Deps, accountId: string, options: { year?: number } = {}): Promise<Spending> {
  const monthStarts = periodMonths(deps.clock.now(), options.year);
  const from = monthStarts[0]!;
  const to = nextMonth(monthStarts[monthStarts.length - 1]!);
  // Month number of each order, worked out in SQL with the month boundaries as parameters: the same on both
  // engines, and no date functions whose time zone could differ between them.
  const whens = monthStarts.slice(1).map((start, index) => sql`when ${sql.ref('placed_at')} < ${start} then ${sql.lit(index)}`);
  const bucket = sql<number>`case ${sql.join(whens, sql` `)} else ${sql.lit(monthStarts.length - 1)} end`;
  const refunded = sql`coalesce((select sum(${sql.ref('order_cases.refund_amount')}) from ${sql.table('order_cases')} where ${sql.ref('order_cases.order_id')} = ${sql.ref('orders.id')}), 0)`;
  // As text, both engines give every digit: PostgreSQL's sum is numeric (node-postgres would hand a string
  // anyway), and SQLite's 64-bit integer sum (room for 1,024 orders of the largest amount in one month) would
  // reach JavaScript as a rounded number.
  const amount = sql<string>`cast(sum(${sql.ref('orders.total')} - ${refunded}) as text)`;
  const rows = await deps.db
    .selectFrom('orders')
    .select((eb) => ['currency', bucket.as('month_index'), amount.as('amount'), eb.fn.countAll<number | string>().as('orders')])
    .where('account_id', '=', accountId)
    .where('placed_at', '>=', from)
    .where('placed_at', '<', to)
    .where('status', 'not in', NOT_SPENT)
    .groupBy(['currency', sql.ref('month_index')])
    .execute();

  const byCurrency = new Map<string, CurrencySpending>();
  for (const row of rows) {
    let series = byCurrency.get(row.currency);
    if (!series) {
      series = { currency: row.currency, total: 0n, orders: 0, months: monthStarts.map((start) => ({ start, amount: 0n, orders: 0 })) };
      byCurrency.set(row.currency, series);
    }
    const amount = BigInt(row.amount);
    const orders = Number(row.orders);
    const month = series.months[Number(row.month_index)]!;
    month.amount += amount;
    month.orders += orders;
    series.total += amount;
    series.orders += orders;
  }
  const currencies = [...byCurrency.values()].sort((a, b) => b.orders - a.orders || (a.currency < b.currency ? -1 : 1));
  return { year: options.year ?? null, from, to, monthStarts, currencies };
}

/** The twelve month starts of a calendar year, or of the last 12 months ending with this one. */
function periodMonths(now: number, year: number | undefined): number[] {
  if (year !== undefined && !(Number.isInteger(year) && year >= 1970 && year <= 9999)) {
    throw errors.invalidInput({ year: 'Choose a year from the list.' });
  }
  const today = new Date(now);
  const first = year !== undefined ? Date.UTC(year, 0, 1) : Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 11, 1);
  const starts = [first];
  while (starts.length < 12) starts.push(nextMonth(starts[starts.length - 1]!));
  return starts;
}

function nextMonth(start: number): number {
  const date = new Date(start);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}
