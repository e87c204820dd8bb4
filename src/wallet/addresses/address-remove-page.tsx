import { getAddress, removeAddress } from './addresses.js';
import { AddressLines } from './address-lines.js';
import { BackLink, PostForm } from '../../platform/web/page-parts.js';
import type { PageRoutes } from '../../platform/web/page-routes.js';
import { signedIn, type SignedInPage } from '../../sessions/guards.js';

/**
 * Removing an address: a confirmation page first (a link must never delete), then the post. The id is looked up
 * with the session's account, so another customer's address answers "not found" (ASVS 8.2.2).
 */
export function registerAddressRemovePage(routes: PageRoutes): void {
  routes.get('/account/addresses/:id/remove', signedIn, async (page) => {
    const address = await getAddress(page.deps, page.session.accountId, addressIdOf(page));
    return page.render(
      { title: 'Remove this address?' },
      <>
        <BackLink href="/account/addresses">Your Addresses</BackLink>
        <section class="card narrow">
          <h1>Remove this address?</h1>
          <AddressLines address={address} />
          {address.isDefaultShipping || address.isDefaultBilling ? (
            <p class="hint">It is one of your defaults; your newest other address will take its place.</p>
          ) : null}
          <p class="hint">Orders already placed keep the address they were sent to.</p>
          <PostForm action={`/account/addresses/${address.id}/remove`} csrf={page.csrf}>
            <div class="form-actions">
              <button type="submit" class="button danger">Remove this address</button>
              <a href="/account/addresses">Keep it</a>
            </div>
          </PostForm>
        </section>
      </>,
    );
  });

  routes.post('/account/addresses/:id/remove', signedIn, async (page) => {
    await removeAddress(page.deps, page.session.accountId, addressIdOf(page));
    return page.redirect('/account/addresses?notice=removed');
  });
}

/** The address id in the path; the address book checks it (isOpaqueId) and its owner. */
export function addressIdOf(page: SignedInPage): string {
  return (page.request.params as Record<string, string>).id ?? '';
}
