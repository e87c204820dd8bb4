import type { KoaContextWithOIDC } from 'oidc-provider';
import { renderPage } from '../../platform/web/layout.js';
import { customerChrome } from '../../accounts/customer-chrome.js';

/**
 * What the browser sees when the provider cannot send it back to the partner (unknown partner, a redirect URI
 * that is not registered exactly): our page, never the library's, and never a redirect to an unchecked address.
 */
export async function renderProviderError(ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }): Promise<void> {
  ctx.type = 'html';
  ctx.body = renderPage({ title: 'We could not sign you in' }, (
    <section class="card narrow">
      <h1>We could not sign you in</h1>
      <p>The site that sent you here made a request we cannot accept, so you have not been signed in to it.</p>
      <p>
        <small>
          Reason: <code>{out.error}</code>
          {out.error_description ? ` — ${out.error_description}` : ''}
        </small>
      </p>
      <p>
        <a href="/">Go to the home page</a>
      </p>
    </section>
  ), customerChrome);
}
