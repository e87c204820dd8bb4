import { listOrders, orderYears, SEARCH_MAX, type OrderPage } from './history.js';
import type { OrderSummary } from './order-view.js';
import type { FieldErrors } from '../platform/web/forms.js';
import { singleQueryValue } from '../platform/http/query.js';
import { registerOrderCasePages } from '../cases/case-pages.js';
import { registerOrderDetailPage } from './order-detail-page.js';
import { Day, Money, StatusLine } from './order-parts.js';
import { SelectField } from '../platform/web/forms.js';
import { Problem } from '../platform/web/page-parts.js';
import type { PageRoutes } from '../platform/web/page-routes.js';
import { registerSpendingPage } from '../spending/spending-page.js';
import { signedIn, type SignedInPage } from '../sessions/guards.js';

/**
 * Your Orders: newest first, ten to a page, each order a card. Search and filters are a GET form, so a
 * filtered list is a link that can be kept or shared with oneself; "Next page" carries the keyset cursor
 * (`before`) with the filters, never an offset.
 */
const PER_PAGE = 10;

const STATUS_OPTIONS: Array<[string, string]> = [
  ['', 'All orders'],
  ['open', 'Not yet delivered'],
  ['delivered', 'Delivered'],
  ['cancelled', 'Cancelled'],
  ['returned', 'Returned or refunded'],
];

export function registerOrderPages(routes: PageRoutes): void {
  routes.get('/orders', signedIn, renderOrders);
  registerSpendingPage(routes);
  registerOrderDetailPage(routes);
  registerOrderCasePages(routes);
}

interface Filters {
  q: string;
  year: string;
  status: string;
  before: string;
}

/** How long each filter may be in the URL; longer is a broken link, shown beside the form like any other problem. */
const FILTER_MAX: Record<keyof Filters, number> = { q: 400, year: 4, status: 20, before: 200 };

async function renderOrders(page: SignedInPage) {
  const filters: Filters = { q: '', year: '', status: '', before: '' };
  let fields: FieldErrors = {};
  for (const name of Object.keys(FILTER_MAX) as Array<keyof Filters>) {
    try {
      filters[name] = singleQueryValue(page.request.query, name, { maxLength: FILTER_MAX[name] }) ?? '';
    } catch (error) {
      fields = { ...fields, ...page.problem(error).fields };
    }
  }
  const years = await orderYears(page.deps, page.session.accountId);
  let result: OrderPage = { orders: [], next: null };
  if (Object.keys(fields).length === 0) {
    try {
      result = await listOrders(page.deps, page.session.accountId, {
        limit: PER_PAGE,
        search: filters.q || undefined,
        year: filters.year ? (/^\d{4}$/.test(filters.year) ? Number(filters.year) : Number.NaN) : undefined,
        status: filters.status || undefined,
        before: filters.before || undefined,
      });
    } catch (error) {
      fields = page.problem(error).fields;
    }
  }
  const failed = Object.keys(fields).length > 0;
  return page.render(
    { title: 'Your Orders', wide: true },
    <>
      <h1 class="page-title">Your Orders</h1>
      <p class="lead">
        Every order placed with your account, newest first. <a href="/orders/spending">See your spending and recurring purchases</a>.
      </p>
      {failed ? <Problem problem={{ status: 400, code: 'request.invalid', fields: linkable(fields), message: fields.before ? "This page link doesn't work. Start again from the first page." : undefined }} /> : null}
      <FilterForm filters={filters} years={years} errors={fields} />
      {failed ? null : <OrderList orders={result.orders} filtered={!!(filters.q || filters.year || filters.status)} later={!!filters.before} />}
      {failed ? null : <Pager filters={filters} next={result.next} />}
    </>,
    failed ? 400 : 200,
  );
}

/** The error summary links each problem to its control; a broken page link has no control, so it is the message. */
function linkable(fields: FieldErrors): FieldErrors {
  const { before: _before, ...rest } = fields;
  return rest;
}

function FilterForm({ filters, years, errors }: { filters: Filters; years: number[]; errors: FieldErrors }) {
  const yearOptions: Array<[string, string]> = [['', 'All years'], ...years.map((year): [string, string] => [String(year), String(year)])];
  return (
    <form method="get" action="/orders" class="card order-filters" role="search" aria-label="Your orders" novalidate>
      <div class={errors.q ? 'field order-search has-error' : 'field order-search'}>
        <label for="q">Search all orders</label>
        {errors.q ? (
          <p class="field-error" id="q-error">
            <span class="visually-hidden">Error: </span>
            {errors.q}
          </p>
        ) : null}
        <input id="q" name="q" type="search" value={filters.q} maxLength={SEARCH_MAX} autocomplete="off" aria-invalid={errors.q ? 'true' : undefined} aria-describedby={errors.q ? 'q-error' : undefined} />
      </div>
      <SelectField name="year" label="Year" options={yearOptions} value={filters.year} error={errors.year} />
      <SelectField name="status" label="Status" options={STATUS_OPTIONS} value={filters.status} error={errors.status} />
      <button type="submit" class="button secondary">Search orders</button>
    </form>
  );
}

function OrderList({ orders, filtered, later }: { orders: OrderSummary[]; filtered: boolean; later: boolean }) {
  if (orders.length === 0) {
    const text = filtered ? 'No orders match your search.' : later ? 'There are no older orders.' : "You haven't placed any orders yet.";
    return <p class="card muted">{text}</p>;
  }
  return (
    <ol class="order-list" aria-label="Orders, newest first">
      {orders.map((order) => (
        <OrderCard order={order} />
      ))}
    </ol>
  );
}

function OrderCard({ order }: { order: OrderSummary }) {
  const shown = order.itemTitles.slice(0, 5);
  return (
    <li class="order-card">
      <dl class="order-card-head">
        <div>
          <dt>Order placed</dt>
          <dd>
            <Day at={order.placedAt} />
          </dd>
        </div>
        <div>
          <dt>Total</dt>
          <dd>
            <Money amount={order.total} currency={order.currency} />
          </dd>
        </div>
        <div>
          <dt>Ship to</dt>
          <dd>{order.shipTo.fullName}</dd>
        </div>
        <div class="order-number">
          <dt>Order #</dt>
          <dd class="identifier">{order.number}</dd>
        </div>
      </dl>
      <div class="order-card-body">
        <StatusLine order={order} />
        <ul class="order-titles">
          {shown.map((title) => (
            <li>{title}</li>
          ))}
          {order.itemTitles.length > shown.length ? <li class="muted">and {order.itemTitles.length - shown.length} more</li> : null}
        </ul>
        <a class="button secondary small" href={`/orders/${order.id}`}>
          View order details<span class="visually-hidden"> for order {order.number}</span>
        </a>
      </div>
    </li>
  );
}

function Pager({ filters, next }: { filters: Filters; next: string | null }) {
  if (!next && !filters.before) return null;
  const link = (before: string | null) => {
    const params = new URLSearchParams();
    for (const name of ['q', 'year', 'status'] as const) if (filters[name]) params.set(name, filters[name]);
    if (before) params.set('before', before);
    const query = params.toString();
    return query ? `/orders?${query}` : '/orders';
  };
  return (
    <nav class="pager" aria-label="Order pages">
      {filters.before ? (
        <a href={link(null)}>
          <span aria-hidden="true">« </span>First page
        </a>
      ) : null}
      {next ? (
        <a href={link(next)} class="pager-older">
          Next page<span aria-hidden="true"> →</span>
        </a>
      ) : null}
    </nav>
  );
}
