import { AppError } from '../../platform/errors.js';
import { listAddresses } from '../addresses/addresses.js';
import { cancelCardSetup, cardSetupReturnTo, completeCardSetup, startCardSetup } from './card-setup.js';
import { cardErrors } from './card-errors.js';
import { listCardsFor, setDefaultCard } from './cards.js';
import { declineMessage, isDeclineReason } from '../gateways/gateway.js';
import { canAddCards } from '../gateways/gateways.js';
import { BillingAddressChoice, CardRow, NoAddressYet } from './card-parts.js';
import { cardIdOf, registerCardRemovePage } from './card-remove-page.js';
import { BackLink, PostForm, Problem, ReturnToField } from '../../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type PageRoutes } from '../../platform/web/page-routes.js';
import { signedIn, type SignedInPage } from '../../sessions/guards.js';
import { recentStepUp } from '../../signin/step-up-guard.js';

/**
 * Payment methods: the saved cards (brand, •••• last 4, expiry, billing address, default, expired / expires
 * soon), add a card, choose the default, remove after a confirmation page (card-remove-page.tsx). Adding needs a
 * recent password confirmation (ASVS 7.5.1); the card itself is typed on the payment gateway's page, never on
 * ours, and comes back as a token to /account/cards/return. With no gateway configured (PAYMENT_GATEWAY=none) the
 * saved cards are still listed and "Add a card" says it isn't available. Ids in paths are looked up with the
 * session's account, so another customer's card answers "not found" (ASVS 8.2.2).
 */
const NOTICES: Record<string, string> = {
  added: 'Your card was added.',
  already: 'This card is already saved to your account, so nothing was added.',
  renewed: 'This card is already saved to your account. We updated its expiry date.',
  removed: 'Your card was removed.',
  default: 'Your default card was changed.',
  cancelled: 'No card was added.',
};

export function registerCardPages(routes: PageRoutes): void {
  registerCardRemovePage(routes);
  routes.get('/account/cards', signedIn, async (page) => {
    const declined = page.query('declined');
    const problem: FormProblem = isDeclineReason(declined) ? { status: 200, code: 'card.declined', fields: {}, message: `Your card was not added. ${declineMessage(declined)}` } : NO_PROBLEM;
    return renderCards(page, problem, NOTICES[page.query('notice') ?? '']);
  });

  routes.get('/account/cards/new', recentStepUp.returningTo('/account/cards/new'), async (page) => renderNewCard(page, NO_PROBLEM));

  routes.post('/account/cards/new', recentStepUp.returningTo('/account/cards/new'), async (page) => {
    try {
      const { accountId, sessionId } = page.session;
      const setup = await startCardSetup(page.deps, { accountId, sessionId, billingAddressId: page.field('billing_address', 200) || undefined, returnTo: page.returnTo, info: page.info });
      return page.redirect(setup.gatewayUrl);
    } catch (error) {
      return renderNewCard(page, page.problem(error));
    }
  });

  // Where the gateway's page sends the customer back. Signed-in rather than step-up: the setup was started
  // after a recent password confirmation and is bound to this very session, and sending the customer to confirm
  // again here would lose the token. The token leaves the address bar by the redirect that follows.
  routes.get('/account/cards/return', signedIn, async (page) => {
    const setupId = page.query('setup') ?? '';
    const { accountId, sessionId } = page.session;
    try {
      if (page.query('cancelled') === '1') {
        // Nothing to undo if the setup is already gone; the customer only needs to hear that no card was added.
        await cancelCardSetup(page.deps, { accountId, sessionId, setupId }).catch((error: unknown) => {
          if (!(error instanceof AppError)) throw error;
        });
        return page.redirect('/account/cards?notice=cancelled');
      }
      const result = await completeCardSetup(page.deps, { accountId, sessionId, setupId, token: gatewayToken(page), info: page.info });
      if (result.outcome === 'declined') return page.redirect(`/account/cards?declined=${result.reason}`);
      // A card on the account now: back where the customer was adding it for (a checkout), if anywhere.
      const returnTo = await cardSetupReturnTo(page.deps, { accountId, sessionId }, setupId);
      return page.redirect(returnTo ?? `/account/cards?notice=${result.outcome === 'saved' ? 'added' : result.renewed ? 'renewed' : 'already'}`);
    } catch (error) {
      return renderCards(page, page.problem(error));
    }
  });

  routes.post('/account/cards/:id/default', signedIn, async (page) => {
    await setDefaultCard(page.deps, { accountId: page.session.accountId, id: cardIdOf(page) });
    return page.redirect('/account/cards?notice=default');
  });
}

async function renderCards(page: SignedInPage, problem: FormProblem, notice?: string) {
  const cards = await listCardsFor(page.deps, page.session.accountId);
  return page.render(
    { title: 'Payment methods', wide: true, notice },
    <>
      <BackLink href="/account">Your Account</BackLink>
      <h1 class="page-title">Payment methods</h1>
      <Problem problem={problem} />
      {canAddCards(page.deps.config) ? (
        <p class="actions">
          <a class="button" href="/account/cards/new">Add a card</a>
        </p>
      ) : (
        <p class="hint">{cardErrors.gatewayUnavailable().message}</p>
      )}
      {cards.length === 0 ? (
        <p class="muted">You haven't saved a card yet.</p>
      ) : (
        <ul class="saved-cards">
          {cards.map((card) => (
            <CardRow card={card} csrf={page.csrf} />
          ))}
        </ul>
      )}
    </>,
    problem.status,
  );
}

async function renderNewCard(page: SignedInPage, problem: FormProblem) {
  if (!canAddCards(page.deps.config)) return renderNoGateway(page);
  const addresses = await listAddresses(page.deps, page.session.accountId);
  const chosen = page.echo('billing_address', 200) || addresses.find((a) => a.isDefaultBilling)?.id;
  return page.render(
    { title: 'Add a card' },
    <>
      <BackLink href="/account/cards">Payment methods</BackLink>
      <Problem problem={problem} />
      <section class="card narrow">
        <h1>Add a card</h1>
        {addresses.length === 0 ? (
          <NoAddressYet returnTo={page.returnTo} />
        ) : (
          <PostForm action="/account/cards/new" csrf={page.csrf}>
            <ReturnToField value={page.returnTo} />
            <BillingAddressChoice addresses={addresses} chosen={chosen} error={problem.fields.billing_address} />
            <p class="hint">Next, you'll type the card details on our payment provider's secure page. We never see or keep the full card number or the security code.</p>
            <div class="form-actions">
              <button type="submit" class="button">Continue to the payment page</button>
              <a href="/account/cards">Cancel</a>
            </div>
          </PostForm>
        )}
      </section>
    </>,
    problem.status,
  );
}

/** PAYMENT_GATEWAY=none: the form would lead nowhere, so the page says so (503 `card.gateway_unavailable`). */
function renderNoGateway(page: SignedInPage) {
  const unavailable = cardErrors.gatewayUnavailable();
  return page.render(
    { title: 'Add a card' },
    <>
      <BackLink href="/account/cards">Payment methods</BackLink>
      <section class="card narrow">
        <h1>Add a card</h1>
        <p>{unavailable.message}</p>
        <p>
          <a href="/account/cards">Back to your payment methods</a>
        </p>
      </section>
    </>,
    unavailable.status,
  );
}

/** The gateway's token, longer than the short values page.query() allows; an unreal one (a megabyte, a list) is empty. */
function gatewayToken(page: SignedInPage): string {
  return page.query('token', 4000) ?? '';
}
