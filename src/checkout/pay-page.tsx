import { DAY } from '../platform/clock.js';
import { isOpaqueId } from '../platform/crypto.js';
import { errors } from '../platform/errors.js';
import { ChoiceGroup, Field } from '../platform/web/forms.js';
import { setSessionCookie } from '../platform/http/session-cookie.js';
import { PostForm, Problem } from '../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type PageRoutes } from '../platform/web/page-routes.js';
import { signedIn, signedInOrNot, type SignedInPage } from '../sessions/guards.js';
import { hasRecentStepUp, stepUp } from '../signin/step-up.js';
import { findPartner } from '../partners/partners.js';
import { formatMoney } from '../orders/money.js';
import { listAddresses, getAddress } from '../wallet/addresses/addresses.js';
import { formatAddressLines, toAddressJson } from '../wallet/addresses/postal-address.js';
import { describeCard, getCard, listCardsFor } from '../wallet/cards/cards.js';
import { approveSession, declineSession, findCustomerSession, paysPartner, sessionItems, viewStatus, type CheckoutSessionRow } from './checkout-sessions.js';
import { returnLocation } from './checkout-request.js';
import { cspWithFormTarget } from '../platform/http/security-headers.js';
import { checkoutErrors } from './checkout-errors.js';

/**
 * "Pay with" the store: the page a partner site sends its customer to. It names the partner, shows what is being
 * bought and the total, and lets the customer pick a shipping address and a saved card, then approve or cancel.
 * Approving a partner they never paid before, or an amount over PAY_CONFIRM_ABOVE, needs a fresh confirmation
 * (a sign-in or password within the last few minutes, ASVS 7.5.1): a stolen session alone must not pay strangers.
 * Either way the customer goes back to the partner with `checkout_session=<id>` and nothing else in the URL.
 */
export function registerPayPages(routes: PageRoutes): void {
  routes.get('/pay/:id', signedInOrNot, async (page) => {
    const id = sessionIdParam(page.request.params);
    // Sign in and come straight back here (the sign-in page honours return_to for allowed paths).
    if (!page.session) return page.redirect(`/signin?return_to=${encodeURIComponent(`/pay/${id}`)}`);
    return renderPay(page as SignedInPage, await findCustomerSession(page.deps, page.session.accountId, id), NO_PROBLEM, {});
  });

  routes.post('/pay/:id/approve', signedIn, async (page) => {
    const session = await findCustomerSession(page.deps, page.session.accountId, sessionIdParam(page.request.params));
    const chosen = { address: page.field('address', 100), card: page.field('card', 100) };
    try {
      refuseUnlessOpen(session, page.deps.clock.now());
      const [address, card] = await chosenOrProblem(page, chosen);
      if ((await confirmationReason(page, session, '')) !== null) await confirmPassword(page);
      await approveSession(page.deps, session, { accountId: page.session.accountId, cardId: card.id, shippingAddress: toAddressJson(address) });
      return page.redirect(returnLocation(session.return_url, session.id));
    } catch (error) {
      return renderPay(page, session, page.problem(error), chosen);
    }
  });

  routes.post('/pay/:id/cancel', signedIn, async (page) => {
    const session = await findCustomerSession(page.deps, page.session.accountId, sessionIdParam(page.request.params));
    try {
      await declineSession(page.deps, session, page.session.accountId);
      return page.redirect(returnLocation(session.return_url, session.id));
    } catch (error) {
      return renderPay(page, session, page.problem(error), {});
    }
  });
}

/** Said before anything is asked of the customer: no password for a checkout that can't be paid any more. */
function refuseUnlessOpen(session: CheckoutSessionRow, now: number): void {
  const status = viewStatus(session, now);
  if (status === 'expired') throw checkoutErrors.sessionExpired();
  if (status !== 'open') throw checkoutErrors.sessionClosed();
}

function sessionIdParam(params: unknown): string {
  const id = (params as { id?: unknown }).id;
  if (!isOpaqueId(id)) throw errors.notFound('checkout');
  return id;
}

async function chosenOrProblem(page: SignedInPage, chosen: { address: string; card: string }) {
  const problems: Record<string, string> = {};
  const address = chosen.address ? await getAddress(page.deps, page.session.accountId, chosen.address).catch(() => null) : null;
  if (!address) problems.address = 'Choose where to ship your order.';
  const card = chosen.card ? await getCard(page.deps, page.session.accountId, chosen.card).catch(() => null) : null;
  if (!card || card.expiry === 'expired') problems.card = 'Choose a card that has not expired.';
  if (!address || !card || card.expiry === 'expired') throw checkoutErrors.choiceMissing(problems);
  return [address, card] as const;
}

/**
 * Why this approval needs a fresh confirmation, or null: a partner new to the customer, or more than
 * PAY_CONFIRM_ABOVE for the currency (a currency not configured always asks). A sign-in or password confirmation
 * within STEP_UP_MINUTES is fresh enough.
 */
async function confirmationReason(page: SignedInPage, session: CheckoutSessionRow, partnerName: string): Promise<string | null> {
  if (hasRecentStepUp(page.deps, page.session)) return null;
  if (!(await paysPartner(page.deps, page.session.accountId, session.partner_id))) return `For your security: this is your first payment to ${partnerName}.`;
  const limit = page.deps.config.payConfirmAbove.get(session.currency) ?? 0;
  return session.amount > limit ? 'For your security: we ask for your password before larger payments.' : null;
}

/** The same password check and throttle as sign-in; success gives the session a new token (ASVS 7.2.4). */
async function confirmPassword(page: SignedInPage): Promise<void> {
  const password = page.field('password');
  if (!password) throw errors.invalidInput({ password: 'Enter your password to confirm this payment.' });
  const token = await stepUp(page.deps, page.session, password, page.info);
  setSessionCookie(page.reply, page.deps.config, token, page.session.createdAt + page.deps.config.sessionAbsoluteDays * DAY);
}

async function renderPay(page: SignedInPage, session: CheckoutSessionRow, problem: FormProblem, chosen: { address?: string; card?: string }) {
  const partner = await findPartner(page.deps, session.partner_id);
  if (!partner) throw errors.notFound('checkout');
  const status = viewStatus(session, page.deps.clock.now());
  const total = formatMoney(session.amount, session.currency);
  const title = `Pay ${partner.name}`;
  // Pay and Cancel end in a redirect to the partner's return URL, which the browser checks against form-action.
  page.reply.header('content-security-policy', cspWithFormTarget(new URL(session.return_url).origin, page.deps.config));
  if (status !== 'open') return page.render({ title }, <Closed partnerName={partner.name} status={status} />, problem.status === 200 ? 200 : problem.status);
  const [addresses, cards] = await Promise.all([listAddresses(page.deps, page.session.accountId), listCardsFor(page.deps, page.session.accountId)]);
  const usable = cards.filter((card) => card.expiry !== 'expired');
  const back = encodeURIComponent(`/pay/${session.id}`);
  const confirm = await confirmationReason(page, session, partner.name);
  return page.render(
    { title },
    <section class="card narrow pay">
      <h1>Pay {partner.name}</h1>
      <p class="lead">{partner.name} asks you to pay with your {page.deps.config.storeName} account.</p>
      <Problem problem={problem} />
      <p class="muted">You will return to {new URL(session.return_url).host} when you are done.</p>
      <div class="table-scroll" role="region" aria-labelledby="pay-items-caption" tabindex={0}>
        <table class="order-items">
          <caption id="pay-items-caption" class="visually-hidden">What you are buying</caption>
          <thead>
            <tr><th scope="col">Item</th><th scope="col" class="number">Quantity</th><th scope="col" class="number">Amount</th></tr>
          </thead>
          <tbody>
            {sessionItems(session).map((item) => (
              <tr>
                <th scope="row">{item.name}</th>
                <td class="number">{item.quantity}</td>
                <td class="number">{formatMoney(item.quantity * item.unit_amount, session.currency)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr><th scope="row" colSpan={2}>Total</th><td class="number"><strong>{total}</strong></td></tr>
          </tfoot>
        </table>
      </div>
      <PostForm action={`/pay/${session.id}/approve`} csrf={page.csrf}>
        <ChoiceGroup name="address" legend="Ship to" class="field choices" items={addresses} error={problem.fields.address} keyOf={(a) => a.id}
          choice={(address, id) => (
            <div class="choice">
              <input type="radio" id={id} name="address" value={address.id} checked={address.id === (chosen.address || addresses[0]?.id)} />
              <label for={id}>{formatAddressLines(address).join(', ')}</label>
            </div>
          )}>
          <p class="hint"><a href={`/account/addresses/new?return_to=${back}`}>Add an address</a></p>
        </ChoiceGroup>
        <ChoiceGroup name="card" legend="Pay with" class="field choices" items={usable} error={problem.fields.card} keyOf={(c) => c.id}
          choice={(card, id) => (
            <div class="choice">
              <input type="radio" id={id} name="card" value={card.id} checked={card.id === (chosen.card || usable.find((c) => c.isDefault)?.id || usable[0]?.id)} />
              <label for={id}>{describeCard(card)}</label>
            </div>
          )}>
          <p class="hint"><a href={`/account/cards/new?return_to=${back}`}>Add a card</a></p>
        </ChoiceGroup>
        {confirm ? (
          <Field name="password" label="Confirm with your password" type="password" autocomplete="current-password" error={problem.fields.password}
            hint={confirm} spellcheck={false} required />
        ) : null}
        <p class="muted">{partner.name} will receive your shipping address and the card's brand — never its number.</p>
        <div class="form-actions">
          <button type="submit" class="button">Pay {total}</button>
        </div>
      </PostForm>
      <PostForm action={`/pay/${session.id}/cancel`} csrf={page.csrf}>
        <p class="aside"><button type="submit" class="link-button">Cancel and go back to {partner.name}</button></p>
      </PostForm>
    </section>,
    problem.status,
  );
}

function Closed({ partnerName, status }: { partnerName: string; status: string }) {
  const words: Record<string, string> = {
    approved: `You approved this payment. ${partnerName} will finish your order.`,
    charged: `You paid ${partnerName}. The order is in Your Orders.`,
    declined: `You cancelled this payment. Nothing was charged.`,
    expired: `This payment request has expired. Go back to ${partnerName} and start again; nothing was charged.`,
  };
  return (
    <section class="card narrow">
      <h1>Pay {partnerName}</h1>
      <p>{words[status]}</p>
      <p><a href="/orders">Your Orders</a></p>
    </section>
  );
}
