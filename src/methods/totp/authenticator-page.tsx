import { beginTotp, confirmTotp, newBackupCodes, twoStepOverview } from '../enrolment.js';
import { Field } from '../../platform/web/forms.js';
import { BackLink, PostForm, Problem } from '../../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type PageRoutes } from '../../platform/web/page-routes.js';
import { groupedKey, renderBackupCodes } from '../two-step-parts.js';
import { recentStepUp } from '../../signin/step-up-guard.js';
import type { SignedInPage } from '../../sessions/guards.js';

/**
 * Adding an authenticator app: a QR code drawn on the server (no script), the same key as text for typing in,
 * and the app's first code to prove it was set up (the key stays inactive until then). A reload shows the
 * same key. The page carries the key, so it is never stored by the browser or a proxy.
 */
const CONFIRMED = 'Your authenticator app is set up. Save these backup codes too, in case you lose your phone.';

export function registerAuthenticatorPage(routes: PageRoutes): void {
  const access = recentStepUp.returningTo('/account/two-step/authenticator');

  routes.get('/account/two-step/authenticator', access, async (page) => renderAuthenticator(page, NO_PROBLEM));

  routes.post('/account/two-step/authenticator', access, async (page) => {
    const accountId = page.session.accountId;
    try {
      await confirmTotp(page.deps, { accountId, code: page.field('code', 20), info: page.info });
    } catch (error) {
      return renderAuthenticator(page, page.problem(error));
    }
    // The first method comes with its backup codes, so losing the phone never means losing the account.
    const { backupCodesLeft } = await twoStepOverview(page.deps, accountId);
    if (backupCodesLeft > 0) return page.redirect('/account/two-step?notice=totp-added');
    return renderBackupCodes(page, await newBackupCodes(page.deps, { accountId, info: page.info }), CONFIRMED);
  });
}

async function renderAuthenticator(page: SignedInPage, problem: FormProblem) {
  const { key, qrSvg } = await beginTotp(page.deps, page.session.accountId);
  page.reply.header('cache-control', 'no-store');
  return page.render(
    { title: 'Add an authenticator app' },
    <>
      <BackLink href="/account/two-step">Two-step verification</BackLink>
      <section class="card narrow">
        <h1>Add an authenticator app</h1>
        <Problem problem={problem} />
        <ol class="steps">
          <li>
            <h2>Open an authenticator app on your phone</h2>
            <p class="muted">Any app that makes 6-digit codes works, such as Google Authenticator, Microsoft Authenticator or your password manager.</p>
          </li>
          <li>
            <h2>Scan this QR code with the app</h2>
            {/* Raw markup on purpose: the qrcode library drew this SVG from our own otpauth URI; nothing typed by anyone is in it. */}
            <figure class="qr" role="img" aria-label="QR code for your authenticator app" dangerouslySetInnerHTML={{ __html: qrSvg.trim() }} />
            <p class="hint">Can't scan it? Choose "Enter a setup key" in the app and type this key (spaces don't matter). If the app asks, choose "Time based".</p>
            <p class="totp-key-box">
              <span class="visually-hidden">Setup key: </span>
              <code class="totp-key">{groupedKey(key)}</code>
            </p>
          </li>
          <li>
            <h2>Check that it works</h2>
            <PostForm action="/account/two-step/authenticator" csrf={page.csrf}>
              <Field
                name="code"
                label="Enter the 6-digit code the app shows"
                inputmode="numeric"
                autocomplete="one-time-code"
                error={problem.fields.code}
                spellcheck={false}
                autocapitalize="none"
                maxLength={12}
                required
              />
              <button type="submit" class="button">Turn on</button>
            </PostForm>
          </li>
        </ol>
      </section>
    </>,
    problem.status,
  );
}
