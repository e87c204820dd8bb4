import { confirmSignupLink, signInAfterSignup } from '../accounts/signup.js';
import { PostForm, Problem } from './page-parts.js';
import type { PageRoutes } from './page-session.js';
import { clearSignupCookie, startedInThisBrowser } from './signup-cookie.js';

/**
 * The link in the sign-up email. Opening it only shows a button: mail scanners fetch links, so a GET must
 * never confirm anything. The POST confirms the address, and signs in only the browser that started the
 * sign-up (see signup-cookie.ts).
 */
export function registerSignupLinkPages(routes: PageRoutes): void {
  routes.get('/signup/confirm/link', 'anyone', async (page) => {
    const flowId = page.query('flow');
    const token = page.query('token');
    if (!flowId || !token) return page.redirect('/signup');
    return page.render(
      { title: 'Confirm your email address' },
      <section class="card narrow">
        <h1>Confirm your email address</h1>
        <p>You're one step away from finishing your account.</p>
        <PostForm action="/signup/confirm/link" csrf={page.csrf}>
          <input type="hidden" name="flow" value={flowId} />
          <input type="hidden" name="token" value={token} />
          <button type="submit" class="button">Confirm my email address</button>
        </PostForm>
      </section>,
    );
  });

  routes.post('/signup/confirm/link', 'anyone', async (page) => {
    try {
      const flowId = page.field('flow', 200);
      const accountId = await confirmSignupLink(page.deps, flowId, page.field('token', 200), page.info);
      if (startedInThisBrowser(page.request, flowId)) {
        const session = await signInAfterSignup(page.deps, accountId, page.info);
        page.signIn(session);
        clearSignupCookie(page.reply, page.deps.config);
        return page.redirect('/account?welcome=1');
      }
      return page.render(
        { title: 'Email address confirmed' },
        <section class="card narrow">
          <h1>Thank you</h1>
          <p>Your email address is confirmed. Please sign in.</p>
          <p class="actions">
            <a class="button" href="/signin">Sign in</a>
          </p>
        </section>,
      );
    } catch (error) {
      const problem = page.problem(error);
      return page.render(
        { title: 'Confirm your email address' },
        <section class="card narrow">
          <h1>We couldn't confirm your address</h1>
          <Problem problem={problem} />
          <p>
            If you already confirmed it, <a href="/signin">sign in</a>. Otherwise, <a href="/signup">create your account</a>{' '}
            again and we'll send a new email.
          </p>
        </section>,
        problem.status,
      );
    }
  });
}
