import { errors } from '../platform/errors.js';
import { formatTime } from '../platform/format.js';
import { Checkbox } from '../platform/web/forms.js';
import { BackLink, PostForm, Problem } from '../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type PageRoutes } from '../platform/web/page-routes.js';
import { clearSessionCookie } from '../platform/http/session-cookie.js';
import type { SignedInPage } from '../sessions/guards.js';
import { recentStepUp } from '../signin/step-up-guard.js';
import { closeAccount, WHAT_CLOSING_DOES } from './closing.js';

/** The box the customer ticks to say they read what closing does; without it nothing is closed. */
export const CONFIRM_FIELD = 'confirm';

/**
 * Your Account → Close your account: behind a password confirmation of the last few minutes (ASVS 7.5.1), a plain
 * statement of what happens, a box to tick and a button. Closing ends this session too, so the answer is a page
 * for a signed-out visitor.
 */
export function registerClosePages(routes: PageRoutes): void {
  const guard = recentStepUp.returningTo('/account/close');

  routes.get('/account/close', guard, async (page) => renderCloseForm(page, NO_PROBLEM));

  routes.post('/account/close', guard, async (page) => {
    try {
      if (!page.checked(CONFIRM_FIELD)) throw errors.invalidInput({ [CONFIRM_FIELD]: 'Tick the box to say you understand what closing does.' });
      const { eraseAfter } = await closeAccount(page.deps, page.session.accountId, page.info);
      clearSessionCookie(page.reply, page.deps.config);
      return page.signedOut().render(
        { title: 'Your account is closed' },
        <section class="card narrow">
          <h1>Your account is closed</h1>
          <p>You are signed out everywhere, and we have emailed you to confirm.</p>
          <p>
            Changed your mind? Sign in with your password before {formatTime(eraseAfter)} and you can reopen it.
          </p>
          <p>
            <a href="/">Home</a>
          </p>
        </section>,
      );
    } catch (error) {
      return renderCloseForm(page, page.problem(error));
    }
  });
}

function renderCloseForm(page: SignedInPage, problem: FormProblem) {
  const { closeGraceDays, identifierQuarantineDays } = page.deps.config;
  return page.render(
    { title: 'Close your account' },
    <>
      <BackLink href="/account">Your Account</BackLink>
      <section class="card narrow">
        <h1>Close your account</h1>
        <Problem problem={problem} />
        <p>Before you close it, you may want a copy of your data: <a href="/account/data">Download your data</a>. Once closed, you cannot download it.</p>
        <h2>What happens when you close it</h2>
        <ul>
          {WHAT_CLOSING_DOES(closeGraceDays, identifierQuarantineDays).map((line) => (
            <li>{line}</li>
          ))}
        </ul>
        <PostForm action="/account/close" csrf={page.csrf}>
          <Checkbox name={CONFIRM_FIELD} label="I understand: close my account." checked={false} hint={problem.fields[CONFIRM_FIELD]} />
          <div class="form-actions">
            <button type="submit" class="button danger">
              Close my account
            </button>
            <a href="/account">Keep my account</a>
          </div>
        </PostForm>
      </section>
    </>,
    problem.status,
  );
}
