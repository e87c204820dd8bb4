import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { CART, cartTotal, CURRENCY, parseAmount } from './catalogue.js';
import { CustosApiError } from './custos-api.js';
import { field, FORM_EXPIRED, formAllowed, sendPage, sendProblem, visit, type ShopContext } from './shop-context.js';
import { CartPage, OrderPage } from './shop-pages.js';

/**
 * "Pay with <store>": the cart, the trip to Custos's checkout page and back, the charge, and refunds. Only the
 * browser that started a checkout can finish it, and only the browser that paid sees or refunds its order.
 */
export function registerPayRoutes(app: FastifyInstance, shop: ShopContext): void {
  app.get('/cart', async (request, reply) => {
    const { session } = visit(shop, request, reply);
    return sendPage(reply, { title: 'Your cart', csrf: session.csrf, customerName: session.customer?.name, current: 'cart' }, <CartPage session={session} storeName={shop.storeName} />);
  });

  app.post('/checkout', async (request, reply) => {
    const { session } = visit(shop, request, reply);
    if (!formAllowed(session, request.body)) return sendProblem(reply, session, 403, 'Please try again', FORM_EXPIRED);
    try {
      const checkout = await shop.api.createCheckoutSession({ amount: cartTotal(), currency: CURRENCY, items: [...CART], return_url: `${shop.publicUrl}/checkout/return` });
      // Only ever send the customer to the store itself, whatever the answer says.
      if (new URL(checkout.url).origin !== new URL(shop.custosUrl).origin) throw new Error(`checkout URL ${checkout.url} is not on ${shop.custosUrl}`);
      session.pendingCheckouts.add(checkout.id);
      return reply.redirect(checkout.url, 303);
    } catch (error) {
      shop.log(`Checkout could not start: ${(error as Error).message}`);
      return sendProblem(reply, session, 502, 'Payment unavailable', `We couldn't start the payment with ${shop.storeName}. Your card was not charged; please try again.`);
    }
  });

  app.get('/checkout/return', async (request, reply) => {
    const { session } = visit(shop, request, reply);
    const id = (request.query as Record<string, unknown>).checkout_session;
    const paid = [...session.orders.values()].find((order) => order.checkoutSessionId === id);
    if (paid) return reply.redirect(`/orders/${encodeURIComponent(paid.charge.id)}`, 303);
    if (typeof id !== 'string' || !session.pendingCheckouts.has(id)) {
      return sendProblem(reply, session, 403, 'Not your payment', 'This payment was not started in this browser. Please start again from your cart.');
    }
    try {
      const checkout = await shop.api.getCheckoutSession(id);
      if (!checkout.charge_permission) {
        // The permission is shown once: a second tab coming back at the same moment finds it gone, and the first one finishes the order.
        if (checkout.status === 'approved' || checkout.status === 'charged') {
          return sendProblem(reply, session, 409, 'Payment in progress', 'Your payment is being completed in another tab. Reload this page in a moment to see your order.');
        }
        // Still open: the customer may go back to the store's page and approve it after all.
        if (checkout.status !== 'open') session.pendingCheckouts.delete(id);
        return sendProblem(reply, session, 409, 'Payment not completed', `The payment was not approved at ${shop.storeName} (it is ${checkout.status}). Nothing was charged; you can try again from your cart.`);
      }
      // Keyed by the checkout session: coming back twice (a reload, a double click) answers the same charge.
      const charge = await shop.api.charge(checkout.charge_permission, `northwind-charge-${id}`);
      session.pendingCheckouts.delete(id);
      session.orders.set(charge.id, { checkoutSessionId: id, charge });
      return reply.redirect(`/orders/${encodeURIComponent(charge.id)}?placed=1`, 303);
    } catch (error) {
      shop.log(`Payment could not complete: ${(error as Error).message}`);
      const message = error instanceof CustosApiError && error.status < 500 ? error.message : `We couldn't reach ${shop.storeName}. Please try again.`;
      return sendProblem(reply, session, 502, 'Payment not completed', message);
    }
  });

  app.get('/orders/:id', async (request, reply) => {
    const { session } = visit(shop, request, reply);
    const order = session.orders.get((request.params as { id: string }).id);
    if (!order) return sendProblem(reply, session, 404, 'No such order', 'This browser has no order by that id.');
    const query = request.query as Record<string, unknown>;
    const notice = query.placed === '1' ? `Paid with ${shop.storeName}. Your order is on its way.` : query.refunded === '1' ? 'Refund sent. It shows in your order history at the store too.' : undefined;
    return sendPage(reply, { title: 'Your order', csrf: session.csrf, customerName: session.customer?.name, notice }, <OrderPage session={session} order={order} refundKey={newRefundKey()} />);
  });

  app.post('/orders/:id/refund', async (request, reply) => {
    const { session } = visit(shop, request, reply);
    if (!formAllowed(session, request.body)) return sendProblem(reply, session, 403, 'Please try again', FORM_EXPIRED);
    const order = session.orders.get((request.params as { id: string }).id);
    if (!order) return sendProblem(reply, session, 404, 'No such order', 'This browser has no order by that id.');
    const typed = field(request.body, 'amount') ?? '';
    const refundKey = field(request.body, 'refund_key') ?? '';
    const left = order.charge.amount - order.charge.refunded;
    const amount = parseAmount(typed, order.charge.currency);
    const problem =
      amount === undefined || amount <= 0 ? 'Enter an amount like 12.50.' : amount > left ? 'That is more than is left to refund.' : !/^[\w-]{16,64}$/.test(refundKey) ? FORM_EXPIRED : undefined;
    const again = (refundError: string, status: number) =>
      sendPage(reply, { title: 'Your order', csrf: session.csrf, customerName: session.customer?.name }, <OrderPage session={session} order={order} refundKey={newRefundKey()} refundError={refundError} refundValue={typed.slice(0, 20)} />, status);
    if (problem) return again(problem, 400);
    try {
      // The key comes from the form: pressing Refund twice sends one refund.
      const refunded = await shop.api.refund(order.charge.id, amount!, `northwind-refund-${refundKey}`);
      order.charge = refunded.charge;
      return reply.redirect(`/orders/${encodeURIComponent(order.charge.id)}?refunded=1`, 303);
    } catch (error) {
      shop.log(`Refund failed: ${(error as Error).message}`);
      if (error instanceof CustosApiError && error.status < 500) return again(error.message, 422);
      return again(`We couldn't reach ${shop.storeName}. Nothing was refunded; please try again.`, 502);
    }
  });
}

function newRefundKey(): string {
  return randomBytes(18).toString('base64url');
}
