import type { ComponentChildren } from 'preact';
import { findAccount } from './find-account.js';
import { startPasswordReset } from './password-reset.js';
import { IdentifierField, PostForm, Problem } from '../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type Page, type PageRoutes } from '../platform/web/page-routes.js';

/**
 * "Forgot your password?" (first step) and "Find your account". Whatever is typed, the next page is the same
 * whether or not it belongs to an account (ASVS 6.3.8): it says where a message would have gone, never whether
 * one went. A sign-in lockout does not block either (SECURITY.md "Recovery"). The steps after the message are
 * in reset-password-pages.tsx.
 */
export const RESET_START = '/recovery/password';

export const SENT_EITHER_WAY = 'If that belongs to an account, we sent a code to it.';
export const HINT_SENT_EITHER_WAY = "If that belongs to an account, we've sent it a message with a hint of the account's other sign-in details.";

export function registerRecoveryPages(routes: PageRoutes): void {
  // The page's old address, still in bookmarks and older emails.
  routes.get('/recovery', 'anyone', async (page) => page.redirect(RESET_START));

  routes.get(RESET_START, 'anyone', async (page) => renderStart(page, NO_PROBLEM));

  routes.post(RESET_START, 'anyone', async (page) => {
    try {
      const started = await startPasswordReset(page.deps, page.field('identifier'), page.info);
      return page.redirect(`/recovery/password/code?flow=${encodeURIComponent(started.flowId)}`);
    } catch (error) {
      return renderStart(page, page.problem(error), page.echo('identifier'));
    }
  });

  routes.get('/recovery/find-account', 'anyone', async (page) => renderFindAccount(page, NO_PROBLEM));

  routes.post('/recovery/find-account', 'anyone', async (page) => {
    try {
      await findAccount(page.deps, page.field('identifier'), page.info);
      return page.redirect('/recovery/find-account/sent');
    } catch (error) {
      return renderFindAccount(page, page.problem(error), page.echo('identifier'));
    }
  });

  routes.get('/recovery/find-account/sent', 'anyone', async (page) =>
    page.render(
      { title: 'Find your account' },
      <section class="card narrow">
        <h1>Check your messages</h1>
        <p>{HINT_SENT_EITHER_WAY}</p>
        <p>For your privacy, the hint shows the details only in part. It can take a few minutes to arrive.</p>
        <p class="actions">
          <a class="button" href="/signin">Sign in</a>
          <a href={RESET_START}>Forgot your password?</a>
        </p>
      </section>,
    ),
  );
}

function renderStart(page: Page, problem: FormProblem, identifier?: string) {
  return page.render(
    { title: 'Forgot your password?' },
    <section class="card narrow">
      <h1>Forgot your password?</h1>
      <Problem problem={problem} />
      <p>Enter the email address or mobile phone number you sign in with. We'll send you a code to choose a new password.</p>
      <PostForm action={RESET_START} csrf={page.csrf}>
        <IdentifierField label="Email or mobile phone number" autocomplete="username" value={identifier} error={problem.fields.identifier} />
        <button type="submit" class="button">Send me a code</button>
      </PostForm>
      <div class="aside">
        <p>
          <a href="/recovery/find-account">Forgot which email you used?</a>
        </p>
        <p>
          Remembered it? <a href="/signin">Sign in</a>
        </p>
      </div>
    </section>,
    problem.status,
  );
}

function renderFindAccount(page: Page, problem: FormProblem, identifier?: string) {
  return page.render(
    { title: 'Find your account' },
    <section class="card narrow">
      <h1>Find your account</h1>
      <Problem problem={problem} />
      <p>We'll send a hint of the account's sign-in details to what you enter here — never to this page.</p>
      <PostForm action="/recovery/find-account" csrf={page.csrf}>
        <IdentifierField label="A mobile number or another email address you might have used" value={identifier} error={problem.fields.identifier} />
        <button type="submit" class="button">Send me a hint</button>
      </PostForm>
      <p class="aside">
        <a href={RESET_START}>Back to resetting your password</a>
      </p>
    </section>,
    problem.status,
  );
}

/** A recovery step whose flow is gone (unknown, expired or finished): say so and offer the first step again. */
export function renderStartAgain(page: Page, status: number, message: ComponentChildren) {
  return page.render(
    { title: 'Forgot your password?' },
    <section class="card narrow">
      <h1>Please start again</h1>
      <p>{message}</p>
      <p class="actions">
        <a class="button" href={RESET_START}>Reset your password</a>
        <a href="/signin">Sign in</a>
      </p>
    </section>,
    status,
  );
}
