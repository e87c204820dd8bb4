import { NewPasswordField, PostForm, Problem } from '../../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type Page, type PageRoutes } from '../../platform/web/page-routes.js';
import { cancelByToken, completeRecovery, describeLink } from './finish.js';

/**
 * The two pages a supervised recovery sends people to, without signing in: an old contact's cancel link and the
 * new address's set-a-password link. Opening either only shows a button or a form — mail scanners fetch links,
 * so no GET spends a token; the POST does, once.
 */
export function registerRecoveryPublicPages(routes: PageRoutes): void {
  routes.get('/support/recoveries/cancel', 'anyone', async (page) => {
    const token = page.query('token') ?? '';
    return page.render(
      { title: 'Cancel the account recovery' },
      <section class="card narrow">
        <h1>Cancel the account recovery</h1>
        <p>Someone asked our support team to move your account to a new email address. If that was not you, cancel it: your account stays as it was.</p>
        <PostForm action="/support/recoveries/cancel" csrf={page.csrf}>
          <input type="hidden" name="token" value={token} />
          <button type="submit" class="button">Cancel the recovery</button>
        </PostForm>
      </section>,
    );
  });

  routes.post('/support/recoveries/cancel', 'anyone', async (page) => {
    try {
      await cancelByToken(page.deps, page.field('token', 200));
      return page.render({ title: 'Recovery cancelled' }, <section class="card narrow"><h1>Recovery cancelled</h1><p role="status">Nothing changed on your account. We told every contact on file.</p></section>);
    } catch (error) {
      return gone(page, page.problem(error), 'This cancel link was used already, or the recovery has ended.');
    }
  });

  routes.get('/support/recoveries/finish', 'anyone', async (page) => renderFinish(page, page.query('token') ?? '', NO_PROBLEM));

  routes.post('/support/recoveries/finish', 'anyone', async (page) => {
    const token = page.field('token', 200);
    try {
      await completeRecovery(page.deps, token, page.field('password', 1000));
      return page.render(
        { title: 'Account recovered' },
        <section class="card narrow"><h1>Your account is recovered</h1><p role="status">Sign in with this email address and your new password.</p><p><a class="button" href="/signin">Sign in</a></p></section>,
      );
    } catch (error) {
      return renderFinish(page, token, page.problem(error));
    }
  });
}

async function renderFinish(page: Page, token: string, problem: FormProblem) {
  const link = token ? await describeLink(page.deps, token) : undefined;
  if (!link) return gone(page, problem, 'This link was used already, was cancelled, or has expired.');
  return page.render(
    { title: 'Set a password' },
    <section class="card narrow">
      <h1>Set a password</h1>
      <p>
        Your account’s email becomes <span class="identifier">{link.email}</span>. Every other device, remembered device and second step is removed.
      </p>
      <Problem problem={problem} />
      <PostForm action="/support/recoveries/finish" csrf={page.csrf}>
        <input type="hidden" name="token" value={token} />
        <NewPasswordField name="password" label="New password" error={problem.fields.password} context={{ email: link.email }} />
        <div class="form-actions">
          <button type="submit" class="button">Set the password</button>
        </div>
      </PostForm>
    </section>,
    problem.status,
  );
}

function gone(page: Page, problem: FormProblem, message: string) {
  return page.render({ title: 'Link no longer works' }, <section class="card narrow"><h1>This link no longer works</h1><p>{message}</p></section>, problem.status === 200 ? 410 : problem.status);
}
