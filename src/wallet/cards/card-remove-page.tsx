import { errors } from '../../platform/errors.js';
import { getCard, removeCard } from './cards.js';
import { AddressLines } from '../addresses/address-lines.js';
import { CardTitle } from './card-parts.js';
import { BackLink, PostForm } from '../../platform/web/page-parts.js';
import type { PageRoutes } from '../../platform/web/page-routes.js';
import { signedIn, type SignedInPage } from '../../sessions/guards.js';

/**
 * Removing a card: a confirmation page first (a link must never delete), then the post, which tells the customer
 * at every verified contact. The id is looked up with the session's account, so another customer's card answers
 * "not found" (ASVS 8.2.2).
 */
export function registerCardRemovePage(routes: PageRoutes): void {
  routes.get('/account/cards/:id/remove', signedIn, async (page) => {
    const card = await getCard(page.deps, page.session.accountId, cardIdOf(page));
    return page.render(
      { title: 'Remove this card?' },
      <>
        <BackLink href="/account/cards">Payment methods</BackLink>
        <section class="card narrow">
          <h1>Remove this card?</h1>
          <p class="saved-card-title">
            <CardTitle card={card} />
          </p>
          <AddressLines address={card.billingAddress} />
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

  routes.post('/account/cards/:id/remove', signedIn, async (page) => {
    await removeCard(page.deps, { accountId: page.session.accountId, id: cardIdOf(page), info: page.info });
    return page.redirect('/account/cards?notice=removed');
  });
}

/** The card id in the path; the wallet checks its shape and its owner. */
export function cardIdOf(page: SignedInPage): string {
  const id = (page.request.params as Record<string, string>).id;
  if (!id) throw errors.notFound('card');
  return id;
}
