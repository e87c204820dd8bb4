import { Field } from '../platform/web/forms.js';
import { CodeField, NewPasswordField, PostForm, Problem } from '../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type Page, type PageRoutes } from '../platform/web/page-routes.js';
import { completeStaffSetup, startStaffSetup } from './setup.js';
import { staffPasswordStep, staffSecondStep, staffSignOut } from './signin.js';
import { permissionsOf, type Permission } from './roles.js';
import { clearStaffCookie, setStaffCookie, staffSignedIn, STAFF_SIGNIN_PAGE } from './staff-guard.js';

/**
 * The support console's way in, working without JavaScript: the setup link's page, sign-in (password, then an
 * authenticator code; the sign-in ticket travels in a hidden field, never the URL), sign-out, and the home page.
 */
const DOES: Record<Permission, string> = {
  'customers.search': 'Find customers',
  'callers.verify': 'Verify a caller',
  'customers.view': 'See a customer’s account',
  'customers.act': 'Act on a customer’s account',
  'recovery.start': 'Start an account recovery',
  'recovery.approve': 'Approve an account recovery',
  'fraud.view': 'See fraud reports',
  'staff.manage': 'Manage staff',
  'staff.audit': 'Read the staff audit list',
  'merges.undo': 'Undo a merge of two accounts',
};

/** Where a permission's work starts, when it has a page of its own. */
const LINKS: Partial<Record<Permission, string>> = {
  'customers.search': '/support/customers',
  'fraud.view': '/support/fraud',
  'recovery.approve': '/support/recoveries',
  'staff.manage': '/support/staff',
  'staff.audit': '/support/staff-actions',
};

export function registerStaffSigninPages(routes: PageRoutes): void {
  routes.get(STAFF_SIGNIN_PAGE, 'anyone', async (page) => renderSignin(page, NO_PROBLEM, '', page.query('notice') === 'setup'));

  routes.post(STAFF_SIGNIN_PAGE, 'anyone', async (page) => {
    try {
      const ticket = await staffPasswordStep(page.deps, { email: page.field('email', 320), password: page.field('password') }, page.info);
      return renderCode(page, NO_PROBLEM, ticket.ticket, ticket.methods);
    } catch (error) {
      return renderSignin(page, page.problem(error), page.echo('email', 320), false);
    }
  });

  routes.post('/support/signin/code', 'anyone', async (page) => {
    const ticket = page.field('ticket', 200);
    try {
      const session = await staffSecondStep(page.deps, { ticket, method: 'totp', code: page.field('code', 16) }, page.info);
      setStaffCookie(page.reply, page.deps.config, session.token, session.expiresAt);
      return page.redirect('/support');
    } catch (error) {
      const problem = page.problem(error);
      return problem.code === 'staff.signin_expired' ? renderSignin(page, problem, '', false) : renderCode(page, problem, ticket, ['totp']);
    }
  });

  routes.post('/support/signout', staffSignedIn, async (page) => {
    await staffSignOut(page.deps, page.staff, page.info);
    clearStaffCookie(page.reply, page.deps.config);
    return page.redirect(STAFF_SIGNIN_PAGE);
  });

  routes.get('/support', staffSignedIn, async (page) =>
    page.render(
      { title: 'Support console' },
      <section class="card">
        <h1>Support console</h1>
        <p>Your role: {page.staff.role}. Sign out from the bar above when you step away from your desk.</p>
        <h2>What your role may do</h2>
        <ul class="staff-permissions">
          {permissionsOf(page.staff.role).map((p) => <li data-permission={p}>{LINKS[p] ? <a href={LINKS[p]}>{DOES[p]}</a> : DOES[p]}</li>)}
        </ul>
      </section>,
    ),
  );

  routes.get('/support/setup', 'anyone', async (page) => {
    const token = page.query('token') ?? '';
    try {
      const { staff, authenticator } = await startStaffSetup(page.deps, token);
      return renderSetup(page, NO_PROBLEM, token, { name: staff.name, email: staff.email, key: authenticator.key, uri: authenticator.uri });
    } catch (error) {
      return renderGone(page, page.problem(error));
    }
  });

  routes.post('/support/setup', 'anyone', async (page) => {
    const token = page.field('token', 200);
    try {
      await completeStaffSetup(page.deps, { token, password: page.field('password'), code: page.field('code', 16) }, page.info.ip);
      return page.redirect(`${STAFF_SIGNIN_PAGE}?notice=setup`);
    } catch (error) {
      const problem = page.problem(error);
      return problem.status === 410 ? renderGone(page, problem) : renderSetup(page, problem, token, null);
    }
  });
}

function renderSignin(page: Page, problem: FormProblem, email: string, setupDone: boolean) {
  return page.render(
    { title: 'Staff sign-in' },
    <section class="card narrow">
      <h1>Support console sign-in</h1>
      {setupDone && <p class="notice" role="status">You’re set up. Sign in with your new password and your authenticator app.</p>}
      <Problem problem={problem} />
      <PostForm action={STAFF_SIGNIN_PAGE} csrf={page.csrf}>
        <Field name="email" type="email" label="Work email" autocomplete="username" value={email} spellcheck={false} autocapitalize="none" required autofocus />
        <Field name="password" type="password" label="Password" autocomplete="current-password" required />
        <div class="form-actions"><button type="submit" class="button">Continue</button></div>
      </PostForm>
    </section>,
    problem.status,
  );
}

/** The second step: a passkey first when the member has one (it can't be phished), the authenticator code otherwise or as well. */
function renderCode(page: Page, problem: FormProblem, ticket: string, methods: string[]) {
  const passkey = methods.includes('passkey');
  const totp = methods.includes('totp');
  return page.render(
    { title: 'Staff sign-in: second step', scripts: STAFF_PASSKEY_SCRIPTS },
    <section class="card narrow">
      <h1>{passkey ? 'Confirm it’s you' : 'Enter your authenticator code'}</h1>
      <Problem problem={problem} />
      {passkey && (
        <div class="passkey-action" data-staff-passkey="signin" data-ticket={ticket}>
          <p class="field-error" role="alert" data-passkey-error hidden />
          <button type="button" class="button" data-passkey-button hidden disabled>Use your passkey</button>
          <p class="hint" data-passkey-nojs>Passkeys need JavaScript.</p>
        </div>
      )}
      {totp && (
        <PostForm action="/support/signin/code" csrf={page.csrf}>
          {passkey && <p>Or enter a code from your authenticator app.</p>}
          <input type="hidden" name="ticket" value={ticket} />
          <CodeField hint="From the authenticator app you set up for the support console." error={problem.fields.code} />
          <div class="form-actions"><button type="submit" class={passkey ? 'button secondary' : 'button'}>Sign in</button></div>
        </PostForm>
      )}
    </section>,
    problem.status,
  );
}

const STAFF_PASSKEY_SCRIPTS = ['/assets/simplewebauthn-browser.js', '/assets/passkey-buttons.js', '/assets/staff-passkeys.js'];

function renderSetup(page: Page, problem: FormProblem, token: string, shown: { name: string; email: string; key: string; uri: string } | null) {
  return page.render(
    { title: 'Set up your support console access', scripts: STAFF_PASSKEY_SCRIPTS },
    <section class="card narrow">
      <h1>Set up your access</h1>
      {shown && <p>For {shown.name} ({shown.email}). This link works once.</p>}
      <Problem problem={problem} />
      <PostForm action="/support/setup" csrf={page.csrf}>
        <input type="hidden" name="token" value={token} />
        <NewPasswordField name="password" label="Choose a password" autofocus error={problem.fields.password} context={shown ? { name: shown.name, email: shown.email } : undefined} />
        <h2>Your second step</h2>
        <div class="passkey-action" data-staff-passkey="setup" data-token={token}>
          <Field name="passkey_name" label="Name for the passkey" hint="Such as the computer or security key it is on." value="Work computer" maxLength={60} />
          <p class="field-error" role="alert" data-passkey-error hidden />
          <button type="button" class="button" data-passkey-button hidden disabled>Finish with a passkey</button>
          <p class="hint" data-passkey-nojs>Passkeys need JavaScript; use an authenticator app below.</p>
        </div>
        <h3>Or use an authenticator app</h3>
        {shown ? (
          <div class="authenticator-key">
            <p>Add this key to the app (or open the link on your phone):</p>
            <p><code>{shown.key}</code></p>
            <p><a href={shown.uri}>Open in authenticator app</a></p>
          </div>
        ) : (
          <p>Use the key you already added to your authenticator app.</p>
        )}
        <CodeField hint="The 6-digit code your authenticator app shows for this key." error={problem.fields.code} autofocus={false} />
        <div class="form-actions"><button type="submit" class="button secondary">Finish with the authenticator app</button></div>
      </PostForm>
    </section>,
    problem.status === 200 ? 200 : problem.status,
  );
}

function renderGone(page: Page, problem: FormProblem) {
  return page.render(
    { title: 'Setup link not valid' },
    <section class="card narrow">
      <h1>This setup link can’t be used</h1>
      <p>{problem.message ?? 'It has expired or was already used.'} Ask an admin for a new one.</p>
    </section>,
    410,
  );
}
