import { CASE_KIND_LABELS, CASE_STATUS_LABELS, reasonLabel } from '../cases/case-reasons.js';
import { returnRefusal, returnWindowClosesAt } from '../cases/cases.js';
import { loadOrder, type OrderDetail } from './history.js';
import { STATUS_LABELS, type OrderItem } from './order-view.js';
import { formatTime, iso } from '../platform/format.js';
import { AddressLines } from '../wallet/addresses/address-lines.js';
import { CardName, Day, Money, orderIdParam, StatusLine } from './order-parts.js';
import { BackLink } from '../platform/web/page-parts.js';
import type { PageRoutes } from '../platform/web/page-routes.js';
import { signedIn, type SignedInPage } from '../sessions/guards.js';

/**
 * One order: what was bought at what price, where it went, how it was paid, each step with its time, and what
 * the customer can do about it — return an item (only while that is possible), report a problem, or say they
 * don't recognise the order. Another customer's order is "not found" (ASVS 8.2.2).
 */
const NOTICES: Record<string, string> = {
  return: 'Your return request was sent to the store. We show its answer here.',
  dispute: 'Your problem report was sent to the store. We show its answer here.',
};

export function registerOrderDetailPage(routes: PageRoutes): void {
  routes.get('/orders/:id', signedIn, async (page) => {
    const order = await loadOrder(page.deps, page.session.accountId, orderIdParam(page));
    return renderOrder(page, order);
  });
}

function renderOrder(page: SignedInPage, order: OrderDetail) {
  const refusal = returnRefusal(page.deps, order);
  const returnable = refusal === null;
  const closesAt = returnWindowClosesAt(page.deps.config, order);
  const reported = order.cases.some((c) => c.kind === 'fraud_report' && c.status === 'open');
  return page.render(
    { title: `Order ${order.number}`, wide: true, notice: NOTICES[page.query('notice') ?? ''] },
    <>
      <BackLink href="/orders">Your Orders</BackLink>
      <h1 class="page-title">Order details</h1>
      <p class="lead">
        Ordered <Day at={order.placedAt} /> · Order # <span class="identifier">{order.number}</span>
        {order.soldBy !== null ? <> · Sold by {order.soldBy}</> : null}
      </p>
      {order.fraudReportedAt !== null ? (
        <div class="callout warning">
          <h2>You told us you don't recognise this order</h2>
          <p>
            You reported it on {formatTime(order.fraudReportedAt)}, and the store has been told. If you haven't yet,{' '}
            <a href="/account/secure">secure your account</a>.
          </p>
        </div>
      ) : null}
      <section class="card order-facts" aria-label="Delivery, payment and totals">
        <div>
          <h2>Ship to</h2>
          <AddressLines address={order.shipTo} />
        </div>
        <div>
          <h2>Payment method</h2>
          <p>
            <CardName card={order.card} />
          </p>
        </div>
        <div>
          <h2>Order summary</h2>
          <dl class="order-totals">
            <Total label="Items" amount={order.subtotal} currency={order.currency} />
            <Total label="Shipping" amount={order.shippingTotal} currency={order.currency} />
            <Total label="Tax" amount={order.taxTotal} currency={order.currency} />
            <Total label="Order total" amount={order.total} currency={order.currency} grand />
          </dl>
          {order.refunded > 0 ? (
            <p class="muted">
              Refunded <Money amount={order.refunded} currency={order.currency} /> of <Money amount={order.total} currency={order.currency} />
            </p>
          ) : null}
        </div>
      </section>
      <section class="card" aria-labelledby="items-title">
        <h2 id="items-title">Items</h2>
        <StatusLine order={order} />
        <ItemsTable order={order} returnable={returnable} />
        <p class="muted return-window">
          {refusal === null && closesAt !== null ? `You can ask to return items until ${formatTime(closesAt)}.` : refusal?.message}
        </p>
      </section>
      <section class="card" aria-labelledby="history-title">
        <h2 id="history-title">Order history</h2>
        <ol class="timeline">
          {order.history.map((event) => (
            <li class={`timeline-${event.status}`}>
              <span class="timeline-status">{STATUS_LABELS[event.status]}</span>{' '}
              <time datetime={iso(event.at)}>{formatTime(event.at)}</time>
            </li>
          ))}
        </ol>
      </section>
      {order.cases.length > 0 ? <Cases order={order} /> : null}
      <section class="card order-actions" aria-labelledby="help-title">
        <h2 id="help-title">Need help with this order?</h2>
        <p class="actions">
          <a class="button secondary" href={`/orders/${order.id}/problem`}>Problem with order</a>
          {reported ? null : (
            <a class="button danger" href={`/orders/${order.id}/not-recognised`}>I don't recognise this order</a>
          )}
        </p>
      </section>
    </>,
  );
}

function Total(props: { label: string; amount: number; currency: string; grand?: boolean }) {
  return (
    <div class={props.grand ? 'grand-total' : undefined}>
      <dt>{props.label}</dt>
      <dd>
        <Money amount={props.amount} currency={props.currency} />
      </dd>
    </div>
  );
}

function ItemsTable({ order, returnable }: { order: OrderDetail; returnable: boolean }) {
  return (
    <div class="table-scroll" role="region" aria-labelledby="items-caption" tabindex={0}>
      <table class="order-items">
        <caption id="items-caption" class="visually-hidden">Items in this order</caption>
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col" class="number">Quantity</th>
            <th scope="col" class="number">Price each</th>
            <th scope="col" class="number">Total</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {order.items.map((item) => (
            <tr>
              <th scope="row">{item.title}</th>
              <td class="number">{item.quantity}</td>
              <td class="number"><Money amount={item.unitPrice} currency={order.currency} /></td>
              <td class="number"><Money amount={item.lineTotal} currency={order.currency} /></td>
              <td><ItemAction order={order} item={item} returnable={returnable} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ItemAction({ order, item, returnable }: { order: OrderDetail; item: OrderItem; returnable: boolean }) {
  const open = order.cases.some((c) => c.kind === 'return' && c.itemId === item.id && c.status === 'open');
  if (open) return <span class="muted">Return requested</span>;
  if (!returnable || item.quantity - item.inReturns <= 0) return null;
  return (
    <a class="button secondary small" href={`/orders/${order.id}/return?item=${encodeURIComponent(item.id)}`}>
      Return or refund item<span class="visually-hidden">: {item.title}</span>
    </a>
  );
}

function Cases({ order }: { order: OrderDetail }) {
  const titles = new Map(order.items.map((item) => [item.id, item.title]));
  return (
    <section class="card" aria-labelledby="cases-title">
      <h2 id="cases-title">Your requests</h2>
      <ul class="order-cases">
        {order.cases.map((c) => (
          <li>
            <p class="case-what">
              {CASE_KIND_LABELS[c.kind]}
              {c.itemId ? `: ${c.quantity} × ${titles.get(c.itemId) ?? 'item'}` : ''}
              <span class={`badge case-${c.status}`}>{CASE_STATUS_LABELS[c.status]}</span>
            </p>
            <p class="muted">
              {reasonLabel(c.kind, c.reason)} · <time datetime={iso(c.createdAt)}>{formatTime(c.createdAt)}</time>
              {c.refundAmount !== null ? (
                <>
                  {' '}· Refund <Money amount={c.refundAmount} currency={order.currency} />
                </>
              ) : null}
            </p>
            {c.resolution ? <p>{c.resolution}</p> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
