import { orderYears } from '../orders/history.js';
import { describeInterval, recurringPurchases, type RecurringPurchase } from '../orders/recurring.js';
import { monthName, SpendingChart } from './spending-chart.js';
import { spendingByMonth, type Spending } from './spending.js';
import { errors } from '../platform/errors.js';
import { singleQueryValue } from '../platform/http/query.js';
import { Day } from '../orders/order-parts.js';
import { SelectField } from '../platform/web/forms.js';
import { BackLink } from '../platform/web/page-parts.js';
import type { PageRoutes } from '../platform/web/page-routes.js';
import { signedIn } from '../sessions/guards.js';

/**
 * Spending: a chart and a table per currency (amounts in different currencies are never added together), for
 * the last 12 months or a chosen year, and the things the customer buys regularly.
 */
const currencyNames = new Intl.DisplayNames(['en'], { type: 'currency' });

export function registerSpendingPage(routes: PageRoutes): void {
  routes.get('/orders/spending', signedIn, async (page) => {
    const rawYear = singleQueryValue(page.request.query, 'year', { maxLength: 4 });
    if (rawYear !== undefined && !/^\d{4}$/.test(rawYear)) throw errors.invalidInput({ year: 'Choose a year from the list.' });
    const year = rawYear === undefined ? undefined : Number(rawYear);
    const [spending, recurring, years] = await Promise.all([
      spendingByMonth(page.deps, page.session.accountId, { year }),
      recurringPurchases(page.deps, page.session.accountId),
      orderYears(page.deps, page.session.accountId),
    ]);
    const periods: Array<[string, string]> = [['', 'Last 12 months'], ...years.map((y): [string, string] => [String(y), String(y)])];
    return page.render(
      { title: 'Your spending', wide: true },
      <>
        <BackLink href="/orders">Your Orders</BackLink>
        <h1 class="page-title">Your spending</h1>
        <form method="get" action="/orders/spending" class="card order-filters period-form" novalidate>
          <SelectField name="year" label="Show" options={periods} value={rawYear ?? ''} />
          <button type="submit" class="button secondary">Show spending</button>
        </form>
        <SpendingSections spending={spending} />
        <RecurringList recurring={recurring} />
      </>,
    );
  });
}

function SpendingSections({ spending }: { spending: Spending }) {
  const period = spending.year === null ? 'the last 12 months' : String(spending.year);
  if (spending.currencies.length === 0) {
    return (
      <section class="card">
        <h2>Spending in {period}</h2>
        <p class="muted">You have no orders in {period}.</p>
      </section>
    );
  }
  return (
    <>
      {spending.currencies.length > 1 ? (
        <p class="lead">You paid in {spending.currencies.length} currencies, so each has its own chart: amounts in different currencies are never added together.</p>
      ) : null}
      {spending.currencies.map((series) => (
        <section class="card" aria-labelledby={`spending-${series.currency}`}>
          <h2 id={`spending-${series.currency}`}>
            {currencyNames.of(series.currency) ?? series.currency} ({series.currency}), {period}
          </h2>
          <p class="muted">
            {monthName(spending.monthStarts[0]!)} to {monthName(spending.monthStarts[spending.monthStarts.length - 1]!)}. Cancelled and refunded orders are not
            counted, and a partial refund is taken off the order it was for.
          </p>
          <SpendingChart series={series} id={`chart-${series.currency.toLowerCase()}`} />
        </section>
      ))}
    </>
  );
}

function RecurringList({ recurring }: { recurring: RecurringPurchase[] }) {
  return (
    <section class="card" aria-labelledby="recurring-title">
      <h2 id="recurring-title">Recurring purchases</h2>
      {recurring.length === 0 ? (
        <p class="muted">Nothing yet: items you buy at least three times, at about the same interval, appear here.</p>
      ) : (
        <ul class="recurring">
          {recurring.map((item) => (
            <li>
              <p class="recurring-title">{item.title}</p>
              <p class="muted">
                Bought {describeInterval(item.interval)} ({item.purchases} times) · last bought <Day at={item.lastBought} /> · next expected around{' '}
                <Day at={item.nextExpected} />
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
