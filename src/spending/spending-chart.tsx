import { formatMoney } from '../orders/money.js';
import type { CurrencySpending } from './spending.js';

/**
 * One currency's monthly spending as a bar chart drawn on the server: plain SVG, no script, no inline style
 * (the CSP forbids it; colours come from classes in app.css). The picture is one image to assistive technology
 * (role="img", named by its <title> and described by its <desc>), and the same numbers sit beside it as a
 * table, which is what a screen reader, a keyboard or a copy-and-paste actually uses.
 */
const WIDTH = 720;
const HEIGHT = 240;
const TOP = 28;
const BOTTOM = 28;
const GAP = 12;

const monthShort = new Intl.DateTimeFormat('en-GB', { month: 'short', timeZone: 'UTC' });
const monthLong = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });

export function monthName(start: number): string {
  return monthLong.format(start);
}

/** Geometry only: a bar's height in pixels may round (so a ratio of Numbers is fine); the amounts it stands for never do. */
function barHeight(amount: bigint, highest: bigint): number {
  if (amount <= 0n || highest <= 0n) return 0;
  return Math.max(2, Math.round((Number(amount) / Number(highest)) * (HEIGHT - TOP - BOTTOM)));
}

export function SpendingChart({ series, id }: { series: CurrencySpending; id: string }) {
  const highest = series.months.reduce((most, m) => (m.amount > most ? m.amount : most), 0n);
  const peak = series.months.find((m) => m.amount === highest && highest > 0n);
  const slot = WIDTH / series.months.length;
  const baseline = HEIGHT - BOTTOM;
  const first = series.months[0]!;
  const last = series.months[series.months.length - 1]!;
  const description =
    `From ${monthName(first.start)} to ${monthName(last.start)}: ${formatMoney(series.total, series.currency)} ` +
    `over ${series.orders} ${series.orders === 1 ? 'order' : 'orders'}.` +
    (peak ? ` The highest month was ${monthName(peak.start)}, at ${formatMoney(peak.amount, series.currency)}.` : '');
  return (
    <div class="spending">
      <svg class="spending-chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} focusable="false">
        <title id={`${id}-title`}>{`Spending per month in ${series.currency}`}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        <line class="chart-baseline" x1={0} y1={baseline} x2={WIDTH} y2={baseline} />
        {series.months.map((month, index) => {
          const height = barHeight(month.amount, highest);
          const x = index * slot + GAP / 2;
          return (
            <g class="chart-month">
              {height > 0 ? <rect class="chart-bar" x={x} y={baseline - height} width={slot - GAP} height={height} rx={3} /> : null}
              {month === peak ? (
                <text class="chart-value" x={x + (slot - GAP) / 2} y={baseline - height - 8} text-anchor="middle">
                  {formatMoney(month.amount, series.currency)}
                </text>
              ) : null}
              <text class="chart-label" x={x + (slot - GAP) / 2} y={HEIGHT - 8} text-anchor="middle">
                {monthShort.format(month.start)}
              </text>
            </g>
          );
        })}
      </svg>
      <SpendingTable series={series} id={id} />
    </div>
  );
}

function SpendingTable({ series, id }: { series: CurrencySpending; id: string }) {
  return (
    <div class="table-scroll" role="region" aria-labelledby={`${id}-caption`} tabindex={0}>
      <table class="spending-table">
        <caption id={`${id}-caption`}>{`Spending per month in ${series.currency}, oldest first`}</caption>
        <thead>
          <tr>
            <th scope="col">Month</th>
            <th scope="col" class="number">Orders</th>
            <th scope="col" class="number">Spent</th>
          </tr>
        </thead>
        <tbody>
          {series.months.map((month) => (
            <tr>
              <th scope="row">{monthName(month.start)}</th>
              <td class="number">{month.orders}</td>
              <td class="number">{formatMoney(month.amount, series.currency)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <td class="number">{series.orders}</td>
            <td class="number">{formatMoney(series.total, series.currency)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
