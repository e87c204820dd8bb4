import { sql } from 'kysely';
import type { Deps } from '../platform/context.js';
import { errors } from '../platform/errors.js';

/**
 * Spending: what the customer paid month by month, over the last 12 months or one calendar year (UTC), per
 * currency — amounts in different currencies are never added together, so each currency has its own series.
 * Cancelled and refunded orders are left out: no money stayed with the store. Sums are integer minor units
 * made by the database in one grouped query over a placed_at range of orders_account_placed.
 */
export interface SpendingMonth {
  /** First millisecond of the month, UTC. */
  start: number;
  amount: number;
  orders: number;
}

export interface CurrencySpending {
  currency: string;
  total: number;
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
  const rows = await deps.db
    .selectFrom('orders')
    .select((eb) => ['currency', bucket.as('month_index'), eb.fn.sum<number | string>('total').as('amount'), eb.fn.countAll<number | string>().as('orders')])
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
      series = { currency: row.currency, total: 0, orders: 0, months: monthStarts.map((start) => ({ start, amount: 0, orders: 0 })) };
      byCurrency.set(row.currency, series);
    }
    const amount = exactInteger(row.amount);
    const orders = exactInteger(row.orders);
    const month = series.months[Number(row.month_index)]!;
    month.amount = exactSum(month.amount, amount);
    month.orders += orders;
    series.total = exactSum(series.total, amount);
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

/** PostgreSQL answers sum(bigint) as an exact decimal string; beyond 2^53 a Number would round, so refuse. */
function exactInteger(value: number | string | bigint): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new Error('spending total beyond exact integer range');
  return number;
}

function exactSum(a: number, b: number): number {
  return exactInteger(a + b);
}
