import type { Chrome, Viewer } from '../platform/web/layout.js';
import { firstName } from '../platform/web/page-routes.js';

/** The customer's pages: the store's own brand, the customer's name and Your Account when signed in. */
export const customerChrome: Chrome = {
  titleSuffix: 'Custos',
  footer: 'Your account is protected. We will never ask for your password by email, text or phone.',
  header: (viewer) => <CustomerHeader viewer={viewer} />,
};

function CustomerHeader({ viewer }: { viewer: Viewer | undefined }) {
  const name = viewer?.given.displayName;
  return (
    <header class="site-header">
      <a class="brand" href="/">
        <span class="brand-mark" aria-hidden="true">◆</span> Custos
      </a>
      <nav aria-label="Account">
        {name !== undefined ? (
          <>
            <span class="nav-greeting">Hello, {firstName(name)}</span>
            <a href="/account">Your Account</a>
            <form method="post" action="/signout" class="inline-form">
              <input type="hidden" name="_csrf" value={viewer!.csrf} />
              <button type="submit" class="link-button">Sign out</button>
            </form>
          </>
        ) : (
          <>
            <a href="/signin">Sign in</a>
            <a href="/signup">Create account</a>
          </>
        )}
      </nav>
    </header>
  );
}
