import type { PageRoutes } from '../platform/web/page-routes.js';
import { signedInOrNot } from '../sessions/guards.js';

/** The front door: what the account is for, and the way in. */
export function registerHomePage(routes: PageRoutes): void {
  routes.get('/', signedInOrNot, async (page) =>
    page.render(
      { title: 'Welcome', wide: true },
      <section class="hero">
        <h1>Your store account, kept safe</h1>
        <p class="lead">
          One account for everything you do with the store. Sign in with your email address or mobile number — there is
          no account number to remember.
        </p>
        <p class="actions">
          {page.session ? (
            <a class="button" href="/account">
              Go to Your Account
            </a>
          ) : (
            <>
              <a class="button" href="/signup">
                Create account
              </a>
              <a class="button secondary" href="/signin">
                Sign in
              </a>
            </>
          )}
        </p>
        <ul class="benefits">
          <li>
            <h2>You stay in control</h2>
            <p>See every device that is signed in to your account, and sign any of them out.</p>
          </li>
          <li>
            <h2>We tell you about changes</h2>
            <p>Whenever your email, phone number or password changes, we let you know straight away.</p>
          </li>
          <li>
            <h2>Your details, up to date</h2>
            <p>Change your name, email address, mobile number and password whenever you need to.</p>
          </li>
        </ul>
      </section>,
    ),
  );
}
