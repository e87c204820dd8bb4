import { AppError, errors } from '../platform/errors.js';
import { listAddresses } from '../wallet/addresses.js';
import { cancelCardSetup, completeCardSetup, startCardSetup } from '../wallet/card-setup.js';
import { getCard, listCardsFor, removeCard, setDefaultCard } from '../wallet/cards.js';
import { declineMessage, isDeclineReason } from '../wallet/gateway.js';
import { formatAddressLines } from '../wallet/postal-address.js';
import { BillingAddressChoice, CardRow, CardTitle, NoAddressYet } from './card-parts.js';
import { BackLink, PostForm, Problem } from './page-parts.js';
import { NO_PROBLEM, type FormProblem, type PageRoutes, type SignedInPage } from './page-session.js';

/**
 * Payment methods: the saved cards (brand, •••• last 4, expiry, billing address, default, expired / expires
 * soon), add a card, choose the default, remove after a confirmation page. Adding needs a recent password
 * confirmation (ASVS 7.5.1); the card itself is typed on the payment gateway's page, never on ours, and comes
 * back as a token to /account/cards/return. Ids in paths are looked up with the session's account, so another
 * customer's card answers "not found" (ASVS 8.2.2).
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
  routes.get('/account/cards', 'signed-in', async (page) => {
    const declined = page.query('declined');
    const problem: FormProblem = isDeclineReason(declined) ? { status: 200, code: 'card.declined', fields: {}, message: `Your card was not added. ${declineMessage(declined)}` } : NO_PROBLEM;
    return renderCards(page, problem, NOTICES[page.query('notice') ?? '']);
  });

  routes.get('/account/cards/new', { stepUp: '/account/cards/new' }, async (page) => renderNewCard(page, NO_PROBLEM));

  routes.post('/account/cards/new', { stepUp: '/account/cards/new' }, async (page) => {
    try {
      const setup = await startCardSetup(page.deps, { accountId: page.session.accountId, billingAddressId: page.field('billing_address', 200) || undefined });
      return page.redirect(setup.gatewayUrl);
    } catch (error) {
      return renderNewCard(page, page.problem(error));
    }
  });

  // Where the gateway's page sends the customer back. Signed-in rather than step-up: the setup was started
  // after a recent password confirmation and is bound to this account, and sending the customer to confirm
  // again here would lose the token. The token leaves the address bar by the redirect that follows.
  routes.get('/account/cards/return', 'signed-in', async (page) => {
    const setupId = page.query('setup') ?? '';
    const accountId = page.session.accountId;
    try {
      if (page.query('cancelled') === '1') {
        // Nothing to undo if the setup is already gone; the customer only needs to hear that no card was added.
        await cancelCardSetup(page.deps, { accountId, setupId }).catch((error: unknown) => {
          if (!(error instanceof AppError)) throw error;
        });
        return page.redirect('/account/cards?notice=cancelled');
      }
      const result = await completeCardSetup(page.deps, { accountId, setupId, token: gatewayToken(page), info: page.info });
      if (result.outcome === 'declined') return page.redirect(`/account/cards?declined=${result.reason}`);
      return page.redirect(`/account/cards?notice=${result.outcome === 'saved' ? 'added' : result.renewed ? 'renewed' : 'already'}`);
    } catch (error) {
      return renderCards(page, page.problem(error));
    }
  });

  routes.get('/account/cards/:id/remove', 'signed-in', async (page) => {
    const card = await getCard(page.deps, page.session.accountId, idOf(page));
    return page.render(
      { title: 'Remove this card?' },
      <>
        <BackLink href="/account/cards">Payment methods</BackLink>
        <section class="card narrow">
          <h1>Remove this card?</h1>
          <p class="saved-card-title">
            <CardTitle card={card} />
          </p>
          <address class="address-lines">
            {formatAddressLines(card.billingAddress).map((line) => (
              <span>{line}</span>
            ))}
          </address>
          {card.isDefault ? <p class="hint">It is your default card; your newest other card will take its place.</p> : null}
          <p class="hint">Orders already paid with it are not affected.</p>
          <PostForm action={`/account/cards/${card.id}/remove`} csrf={page.csrf}>
            <div class="form-actions">
              <button type="submit" class="button danger">Remove this card</button>
              <a href="/account/cards">Keep it</a>
            </div>
          </PostForm>
        </section>
      </>,
    );
  });

  routes.post('/account/cards/:id/remove', 'signed-in', async (page) => {
    await removeCard(page.deps, { accountId: page.session.accountId, id: idOf(page), info: page.info });
    return page.redirect('/account/cards?notice=removed');
  });

  routes.post('/account/cards/:id/default', 'signed-in', async (page) => {
    await setDefaultCard(page.deps, { accountId: page.session.accountId, id: idOf(page) });
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
      <p class="actions">
        <a class="button" href="/account/cards/new">Add a card</a>
      </p>
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
          <NoAddressYet />
        ) : (
          <PostForm action="/account/cards/new" csrf={page.csrf}>
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

function idOf(page: SignedInPage): string {
  const id = (page.request.params as Record<string, string>).id;
  if (!id) throw errors.notFound('card');
  return id;
}

/** The gateway's token, longer than the short values page.query() allows; an unreal one (a megabyte, a list) is empty. */
function gatewayToken(page: SignedInPage): string {
  const value = (page.request.query as Record<string, unknown> | undefined)?.token;
  return typeof value === 'string' && value.length <= 4000 ? value : '';
}
