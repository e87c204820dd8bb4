import { changePassword } from '../accounts/password-change.js';
import { getProfile } from '../accounts/profile.js';
import { DAY } from '../platform/clock.js';
import { Checkbox, Field } from '../platform/http/forms.js';
import { setSessionCookie } from '../platform/http/session-cookie.js';
import { BackLink, NewPasswordField, PASSWORD_METER_SCRIPT, PostForm, Problem, UsernameHint } from './page-parts.js';
import { NO_PROBLEM, type FormProblem, type SignedInPage, type PageRoutes } from './page-session.js';

/**
 * Change your password: the current one is asked for here (ASVS 6.2.3), so this page needs no separate
 * step-up; signing out the other devices is offered and on by default (ASVS 7.4.3).
 */
export function registerPasswordPage(routes: PageRoutes): void {
  routes.get('/account/password', 'signed-in', async (page) => renderPasswordForm(page, NO_PROBLEM, true));

  routes.post('/account/password', 'signed-in', async (page) => {
    const signOutOthers = page.checked('signOutOthers');
    try {
      const result = await changePassword(page.deps, {
        session: page.session,
        currentPassword: page.field('currentPassword'),
        newPassword: page.field('newPassword'),
        signOutOthers,
        info: page.info,
      });
      setSessionCookie(page.reply, page.deps.config, result.token, page.session.createdAt + page.deps.config.sessionAbsoluteDays * DAY);
      return page.redirect('/account/security?notice=password');
    } catch (error) {
      return renderPasswordForm(page, page.problem(error), signOutOthers);
    }
  });
}

async function renderPasswordForm(page: SignedInPage, problem: FormProblem, signOutOthers: boolean) {
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
          <Checkbox
            name="signOutOthers"
            label="Sign out of all other devices"
            checked={signOutOthers}
            hint="Recommended if you think someone else knows your password."
          />
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
