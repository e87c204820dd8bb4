import { DAY } from '../platform/clock.js';
import { Field } from '../platform/web/forms.js';
import { setSessionCookie } from '../platform/http/session-cookie.js';
import { stepUp } from './step-up.js';
import { BackLink, PostForm, Problem, ReturnToField } from '../platform/web/page-parts.js';
import { returnToQuery } from '../platform/web/return-to.js';
import { NO_PROBLEM, type FormProblem, type PageRoutes } from '../platform/web/page-routes.js';
import { safeReturnPath, type ReturnPath } from './return-paths.js';
import { signedIn, type SignedInPage } from '../sessions/guards.js';

/**
 * "Confirm your password" before changing a sign-in detail (ASVS 7.5.1). Success gives the session a new
 * token (ASVS 7.2.4) and goes back to where the customer was headed — only ever a path on the allow-list,
 * carrying on that page's own return_to (checked again on every use) when the journey had one.
 */
export function registerStepUpPage(routes: PageRoutes): void {
  routes.get('/account/confirm-password', signedIn, async (page) =>
    renderConfirmPassword(page, NO_PROBLEM, safeReturnPath(page.query('return')), page.returnTo),
  );

  routes.post('/account/confirm-password', signedIn, async (page) => {
    const returnTo = safeReturnPath(page.echo('return'));
    try {
      const token = await stepUp(page.deps, page.session, page.field('password'), page.info);
      setSessionCookie(page.reply, page.deps.config, token, page.session.createdAt + page.deps.config.sessionAbsoluteDays * DAY);
      return page.redirect(`${returnTo}${returnToQuery(page.returnTo)}`);
    } catch (error) {
      return renderConfirmPassword(page, page.problem(error), returnTo, page.returnTo);
    }
  });
}

function renderConfirmPassword(page: SignedInPage, problem: FormProblem, returnTo: ReturnPath, journey: string | undefined) {
  return page.render(
    { title: 'Confirm your password' },
    <>
      <BackLink href="/account/security">Login &amp; Security</BackLink>
      <section class="card narrow">
        <h1>Confirm your password</h1>
        <Problem problem={problem} />
        <p>For your security, please enter your password again before you change your sign-in details.</p>
        <PostForm action="/account/confirm-password" csrf={page.csrf}>
          <input type="hidden" name="return" value={returnTo} />
          <ReturnToField value={journey} />
          <Field
            name="password"
            label="Password"
            type="password"
            autocomplete="current-password"
            error={problem.fields.password}
            spellcheck={false}
            required
            autofocus
          />
          <button type="submit" class="button">Continue</button>
        </PostForm>
        <p class="aside">
          <a href="/recovery/password">Forgot your password?</a>
        </p>
      </section>
    </>,
    problem.status,
  );
}
