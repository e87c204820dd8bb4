import { amountForInput, CART, cartTotal, CURRENCY, formatMoney } from './catalogue.js';
import type { ReceivedEvent } from './webhook-log.js';
import type { ShopOrder, ShopSession } from './shop-sessions.js';

/** The shop's pages as components; shop-routes.ts frames them with renderShopPage. */

export function HomePage(props: { session: ShopSession; storeName: string }) {
  const customer = props.session.customer;
  return (
    <>
      <section class="hero">
        <div>
          <h1>{customer ? `Welcome back, ${customer.name ?? 'explorer'}` : 'Gear for the long way round'}</h1>
          <p class="lead">
            Packs, layers and socks that have walked further than we have.{' '}
            {customer ? `Pay with your ${props.storeName} account when you're ready — no card typed here.` : `Sign in and pay with your ${props.storeName} account — no new password, no card typed here.`}
          </p>
        </div>
        {!customer && (
          <form method="post" action="/signin">
            <input type="hidden" name="_csrf" value={props.session.csrf} />
            <button type="submit" class="button">Sign in with {props.storeName}</button>
          </form>
        )}
      </section>
      {customer && (
        <section class="panel" aria-labelledby="received">
          <h2 id="received">What {props.storeName} shared with us</h2>
          <dl class="facts">
            <dt>Name</dt>
            <dd>{customer.name ?? 'not shared'}</dd>
            <dt>Email</dt>
            <dd>{customer.email ?? 'not shared'}</dd>
            <dt>Phone</dt>
            <dd>{customer.phone ?? 'not shared'}</dd>
            <dt>Address</dt>
            <dd>{customer.address ?? 'not shared'}</dd>
            <dt>Your id here</dt>
            <dd>
              <code>{customer.sub}</code>
            </dd>
          </dl>
          <p class="fine">The id is ours alone: {props.storeName} gives every shop a different one for you, so shops cannot match you up between them.</p>
        </section>
      )}
      <section class="panel" aria-labelledby="picks">
        <h2 id="picks">In your cart</h2>
        <p>
          {CART.map((item) => item.name).join(' and ')} — {formatMoney(cartTotal(), CURRENCY)}.
        </p>
        <a class="button quiet" href="/cart">
          View your cart
        </a>
      </section>
    </>
  );
}

export function CartPage(props: { session: ShopSession; storeName: string }) {
  return (
    <>
      <h1>Your cart</h1>
      <table>
        <caption class="fine">Prices in US dollars</caption>
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col" class="num">Qty</th>
            <th scope="col" class="num">Price</th>
            <th scope="col" class="num">Total</th>
          </tr>
        </thead>
        <tbody>
          {CART.map((item) => (
            <tr>
              <td>{item.name}</td>
              <td class="num">{item.quantity}</td>
              <td class="num">{formatMoney(item.unit_amount, CURRENCY)}</td>
              <td class="num">{formatMoney(item.unit_amount * item.quantity, CURRENCY)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td colSpan={3}>Order total</td>
            <td class="num">{formatMoney(cartTotal(), CURRENCY)}</td>
          </tr>
        </tfoot>
      </table>
      <div class="panel">
        <form method="post" action="/checkout">
          <input type="hidden" name="_csrf" value={props.session.csrf} />
          <button type="submit" class="button">Pay with {props.storeName}</button>
        </form>
        <p class="hint">You choose the address and card at {props.storeName}. We receive the address and the card's brand, never its number.</p>
      </div>
    </>
  );
}

export function OrderPage(props: { session: ShopSession; order: ShopOrder; refundError?: string; refundValue?: string; refundKey: string }) {
  const { charge } = props.order;
  const refunded = charge.refunded;
  const left = charge.amount - refunded;
  return (
    <>
      <h1>Thank you for your order</h1>
      <section class="panel" aria-labelledby="order">
        <h2 id="order">Order {charge.order.number}</h2>
        <dl class="facts">
          <dt>Charged</dt>
          <dd>{formatMoney(charge.amount, charge.currency)}</dd>
          <dt>Paid with</dt>
          <dd>{brandName(charge.card.brand)} card</dd>
          <dt>Ship to</dt>
          <dd>{formatAddress(charge.shipping_address)}</dd>
          <dt>Refunded</dt>
          <dd>{refunded === 0 ? 'nothing yet' : formatMoney(refunded, charge.currency)}</dd>
          <dt>Charge</dt>
          <dd>
            <code>{charge.id}</code>
          </dd>
        </dl>
      </section>
      {left > 0 && (
        <section class="panel" aria-labelledby="refund">
          <h2 id="refund">Refund</h2>
          <form method="post" action={`/orders/${encodeURIComponent(charge.id)}/refund`} novalidate>
            <input type="hidden" name="_csrf" value={props.session.csrf} />
            <input type="hidden" name="refund_key" value={props.refundKey} />
            <label for="amount">Amount to refund (US$)</label>
            <p class="hint" id="amount-hint">Up to {formatMoney(left, charge.currency)}; leave it as it is for a full refund.</p>
            <input
              type="text"
              id="amount"
              name="amount"
              inputMode="decimal"
              value={props.refundValue ?? amountForInput(left, charge.currency)}
              aria-invalid={props.refundError ? 'true' : undefined}
              aria-describedby={props.refundError ? 'amount-hint amount-error' : 'amount-hint'}
            />
            {props.refundError && (
              <p class="field-error" id="amount-error">
                {props.refundError}
              </p>
            )}
            <p>
              <button type="submit" class="button quiet">
                Refund
              </button>
            </p>
          </form>
        </section>
      )}
    </>
  );
}

export function EventLogPage(props: { events: readonly ReceivedEvent[]; webhookUrl: string | undefined }) {
  return (
    <>
      <h1>Webhook log</h1>
      <p class="lead">
        Events the store sent to <code>{props.webhookUrl ?? 'nowhere yet'}</code>, newest first. Each is trusted only when its <code>Custos-Signature</code> checks out.
      </p>
      {props.events.length === 0 ? (
        <p class="panel">No events have arrived yet.</p>
      ) : (
        <table class="events">
          <thead>
            <tr>
              <th scope="col">Received</th>
              <th scope="col">Event</th>
              <th scope="col">Details</th>
              <th scope="col">Signature</th>
            </tr>
          </thead>
          <tbody>
            {props.events.map((event) => (
              <tr>
                <td class="when">{new Date(event.receivedAt).toISOString().slice(11, 19)} UTC</td>
                <td>
                  <code>{event.type}</code>
                </td>
                <td>{event.summary}</td>
                <td>{event.verified ? <span class="ok">verified ✓</span> : <span class="bad">not verified ✗ ({event.reason})</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function ProblemPage(props: { title: string; message: string }) {
  return (
    <>
      <h1>{props.title}</h1>
      <p class="problem" role="alert">
        {props.message}
      </p>
      <p>
        <a href="/">Back to the shop</a>
      </p>
    </>
  );
}

function formatAddress(address: Record<string, unknown> | null): string {
  if (!address) return 'no address';
  const part = (key: string) => (typeof address[key] === 'string' && address[key] ? (address[key] as string) : undefined);
  const cityLine = [part('city'), [part('region'), part('postal_code')].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  return [part('full_name') ?? part('name'), part('line1'), part('line2'), cityLine, part('country')].filter(Boolean).join(', ');
}

const BRANDS: Record<string, string> = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover', jcb: 'JCB', diners: 'Diners Club', unionpay: 'UnionPay' };

/** The store names brands by code ("visa"); people read "Visa". */
function brandName(code: string): string {
  return BRANDS[code.toLowerCase()] ?? code.charAt(0).toUpperCase() + code.slice(1);
}
