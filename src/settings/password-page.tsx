import { changePassword } from './password-change.js';
import { getProfile } from '../accounts/profile.js';
import { DAY } from '../platform/clock.js';
import { Field } from '../platform/web/forms.js';
import { setSessionCookie } from '../platform/http/session-cookie.js';
import { BackLink, NewPasswordField, PASSWORD_METER_SCRIPT, PostForm, Problem, UsernameHint } from '../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type PageRoutes } from '../platform/web/page-routes.js';
import { signedIn, type SignedInPage } from '../sessions/guards.js';

/**
 * Change your password: the current one is asked for here (ASVS 6.2.3), so this page needs no separate
 * step-up; every other device is signed out and remembered devices forgotten, as a reset does (ASVS 7.4.3).
 */
export function registerPasswordPage(routes: PageRoutes): void {
  routes.get('/account/password', signedIn, async (page) => renderPasswordForm(page, NO_PROBLEM));

  routes.post('/account/password', signedIn, async (page) => {
    try {
      const result = await changePassword(page.deps, {
        session: page.session,
        currentPassword: page.field('currentPassword'),
        newPassword: page.field('newPassword'),
        info: page.info,
      });
      setSessionCookie(page.reply, page.deps.config, result.token, page.session.createdAt + page.deps.config.sessionAbsoluteDays * DAY);
      return page.redirect('/account/security?notice=password');
    } catch (error) {
      return renderPasswordForm(page, page.problem(error));
    }
  });
}

async function renderPasswordForm(page: SignedInPage, problem: FormProblem) {
  // The meter checks the new password against the same name and address the server will.
  const profile = await getProfile(page.deps, page.session.accountId);
  return page.render(
    { title: 'Change your password', scripts: [PASSWORD_METER_SCRIPT] },
    <>
      <BackLink href="/account/security">Login &amp; Security</BackLink>
      <section class="card narrow">
        <h1>Change your password</h1>
        <Problem problem={problem} />
        <PostForm action="/account/password" csrf={page.csrf}>
          <UsernameHint value={profile.email} />
          <Field
            name="currentPassword"
            label="Current password"
            type="password"
            autocomplete="current-password"
            error={problem.fields.currentPassword}
            spellcheck={false}
            required
          />
          <NewPasswordField name="newPassword" label="New password" error={problem.fields.newPassword} context={{ name: profile.name, email: profile.email }} />
          <p class="hint">Changing your password signs you out on every other device and forgets remembered devices.</p>
          <div class="form-actions">
            <button type="submit" class="button">Change password</button>
            <a href="/account/security">Cancel</a>
          </div>
        </PostForm>
      </section>
    </>,
    problem.status,
  );
}
