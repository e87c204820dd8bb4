import { signInAfterSignup, signupDestination } from './signup.js';
import { confirmSignupLink } from './signup-confirm.js';
import { browserSecretFor, clearSignupCookie } from './signup-cookie.js';
import { Field } from '../platform/web/forms.js';
import { PostForm, Problem } from '../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type Page, type PageRoutes } from '../platform/web/page-routes.js';

/**
 * The link in the sign-up email. Opening it only shows a button: mail scanners fetch links, so a GET must
 * never confirm anything. The POST confirms the address and signs in — in the browser that started the
 * sign-up, or in any other once the sign-up's password is typed, so someone else's sign-up with your address
 * can't become your account with their password (SECURITY.md Recovery, pre-hijacking).
 */
export function registerSignupLinkPages(routes: PageRoutes): void {
  routes.get('/signup/confirm/link', 'anyone', async (page) => {
    const flowId = page.query('flow');
    const token = page.query('token');
    if (!flowId || !token) return page.redirect('/signup');
    return renderConfirmLink(page, flowId, token, NO_PROBLEM);
  });

  routes.post('/signup/confirm/link', 'anyone', async (page) => {
    const flowId = page.field('flow', 200);
    const token = page.field('token', 200);
    try {
      const author = { browserSecret: browserSecretFor(page.request, flowId), password: page.field('password') || undefined };
      const accountId = await confirmSignupLink(page.deps, flowId, token, author, page.info);
      const session = await signInAfterSignup(page.deps, accountId, page.info);
      page.signIn(session);
      clearSignupCookie(page.reply, page.deps.config);
      return page.redirect(await signupDestination(page.deps, flowId));
    } catch (error) {
      const problem = page.problem(error);
      // Asked for the sign-up's password, or given a wrong one: the link still works, so ask again.
      if (problem.fields.password) return renderConfirmLink(page, flowId, token, problem);
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

function renderConfirmLink(page: Page, flowId: string, token: string, problem: FormProblem) {
  return page.render(
    { title: 'Confirm your email address' },
    <section class="card narrow">
      <h1>Confirm your email address</h1>
      <Problem problem={problem} />
      <p>You're one step away from finishing your account.</p>
      <PostForm action="/signup/confirm/link" csrf={page.csrf}>
        <input type="hidden" name="flow" value={flowId} />
        <input type="hidden" name="token" value={token} />
        {browserSecretFor(page.request, flowId) ? null : <SignupAuthorField error={problem.fields.password} />}
        <button type="submit" class="button">Confirm my email address</button>
      </PostForm>
      <p class="aside">Didn't start creating an account? Close this page: nothing happens without the button.</p>
    </section>,
    problem.status,
  );
}

/** Shown in a browser that did not start the sign-up: only whoever chose the password may finish it. */
export function SignupAuthorField(props: { error?: string }) {
  return (
    <Field
      name="password"
      label="Password"
      type="password"
      autocomplete="current-password"
      hint="Enter the password you chose when you started creating this account: this browser is not the one that started it."
      error={props.error}
      spellcheck={false}
      required
    />
  );
}
