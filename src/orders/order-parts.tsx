import { formatMoney } from './money.js';
import { STATUS_LABELS, type OrderSummary } from './order-view.js';
import { errors } from '../platform/errors.js';
import { isOpaqueId } from '../platform/crypto.js';
import type { Page } from '../platform/web/page-routes.js';
import { MaskedCard } from '../wallet/cards/masked-card.js';
import { iso } from '../platform/format.js';

/** Pieces the order pages share: dates, amounts, the card, the status line, and the form controls they need. */
const dayFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "5 January 2026" (UTC, as every time on these pages). */
export function formatDay(ms: number): string {
  return dayFormat.format(ms);
}

export function Day({ at }: { at: number }) {
  return <time datetime={iso(at)}>{formatDay(at)}</time>;
}

export function Money({ amount, currency }: { amount: number; currency: string }) {
  return <span class="money">{formatMoney(amount, currency)}</span>;
}

/** The card an order was paid with, as it was then. */
export function CardName({ card }: { card: { brand: string; last4: string } | null }) {
  if (!card) return <span class="muted">No card on record</span>;
  return <MaskedCard brand={card.brand} last4={card.last4} />;
}

/** The latest step the order reached, with its date: "Delivered 18 January 2026". */
export function StatusLine({ order }: { order: Pick<OrderSummary, 'status' | 'history'> }) {
  const latest = order.history[order.history.length - 1];
  return (
    <p class={`order-status status-${order.status}`}>
      {STATUS_LABELS[order.status]}
      {latest ? (
        <>
          {' '}
          <Day at={latest.at} />
        </>
      ) : null}
    </p>
  );
}

/** The order id in the path: anything that is not one of our ids is "not found" before any query runs. */
export function orderIdParam(page: Page): string {
  const id = (page.request.params as Record<string, unknown>).id;
  if (!isOpaqueId(id)) throw errors.notFound('order');
  return id;
}

