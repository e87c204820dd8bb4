import { enableSmsFactor, forgetDevices, newBackupCodes, removeFactor, twoStepOverview } from './enrolment.js';
import { verifiedPhone } from './sms/phone.js';
import { errors } from '../platform/errors.js';
import { registerAuthenticatorPage } from './totp/authenticator-page.js';
import { BackLink, PostForm, Problem } from '../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type PageRoutes } from '../platform/web/page-routes.js';
import { BackupCodes, FactorRow, PasskeysRow, phoneEnding, RememberedDevices, renderBackupCodes } from './two-step-parts.js';
import { signedIn, type SignedInPage } from '../sessions/guards.js';
import { recentStepUp } from '../signin/step-up-guard.js';

/**
 * Two-step verification settings: the account's methods, its backup codes and the devices that skip the step.
 * Adding or removing a method and getting new codes need a recent password confirmation (ASVS 7.5.1);
 * forgetting a device only takes a shortcut away, so being signed in is enough. Notices come from a fixed list.
 */
const NOTICES: Record<string, string> = {
  'totp-added': 'Your authenticator app is set up. We will ask for a code from it when you sign in.',
  'sms-added': 'Text message codes are on. We will text you a code when you sign in.',
  removed: 'That way of signing in was removed.',
  'device-forgotten': 'That device will be asked for a code next time.',
  'devices-forgotten': 'Every device will be asked for a code next time.',
};

export function registerTwoStepPages(routes: PageRoutes): void {
  routes.get('/account/two-step', signedIn, async (page) => renderOverview(page, NO_PROBLEM, NOTICES[page.query('notice') ?? '']));

  routes.post('/account/two-step/remove', recentStepUp.returningTo('/account/two-step'), async (page) => {
    try {
      await removeFactor(page.deps, { accountId: page.session.accountId, factorId: page.field('factor', 200), info: page.info });
      return page.redirect('/account/two-step?notice=removed');
    } catch (error) {
      return renderOverview(page, page.problem(error));
    }
  });

  routes.get('/account/two-step/sms', recentStepUp.returningTo('/account/two-step/sms'), async (page) => renderSmsRisk(page, NO_PROBLEM));

  routes.post('/account/two-step/sms', recentStepUp.returningTo('/account/two-step/sms'), async (page) => {
    try {
      await enableSmsFactor(page.deps, { accountId: page.session.accountId, info: page.info });
      return page.redirect('/account/two-step?notice=sms-added');
    } catch (error) {
      return renderSmsRisk(page, page.problem(error));
    }
  });

  routes.post('/account/two-step/backup-codes', recentStepUp.returningTo('/account/two-step'), async (page) => {
    const overview = await twoStepOverview(page.deps, page.session.accountId);
    // Backup codes stand in for a method; without one there is nothing for them to stand in for.
    if (overview.factors.length === 0) {
      return renderOverview(page, { status: 400, code: 'factor.none', fields: {}, message: 'Add an authenticator app or text messages first.' });
    }
    return renderBackupCodes(page, await newBackupCodes(page.deps, { accountId: page.session.accountId, info: page.info }));
  });

  routes.post('/account/two-step/devices/forget', signedIn, async (page) => {
    try {
      const id = page.field('device', 200);
      // An empty id must not reach the domain, where "no id" means every device.
      if (!id) throw errors.notFound('device');
      await forgetDevices(page.deps, { accountId: page.session.accountId, id, info: page.info });
      return page.redirect('/account/two-step?notice=device-forgotten');
    } catch (error) {
      return renderOverview(page, page.problem(error));
    }
  });

  routes.post('/account/two-step/devices/forget-all', signedIn, async (page) => {
    await forgetDevices(page.deps, { accountId: page.session.accountId, info: page.info });
    return page.redirect('/account/two-step?notice=devices-forgotten');
  });

  registerAuthenticatorPage(routes);
}

async function renderOverview(page: SignedInPage, problem: FormProblem, notice?: string) {
  const [overview, phone] = await Promise.all([twoStepOverview(page.deps, page.session.accountId), verifiedPhone(page.deps.db, page.session.accountId)]);
  const factors = overview.factors.filter((f) => f.kind === 'totp' || f.kind === 'sms');
  const passkeys = overview.factors.length - factors.length;
  const hasSms = factors.some((f) => f.kind === 'sms');
  return page.render(
    { title: 'Two-step verification', notice },
    <>
      <BackLink href="/account/security">Login &amp; Security</BackLink>
      <h1 class="page-title">Two-step verification</h1>
      <p class="lead">When you sign in, we also ask for a code from your phone, so your password alone isn't enough to get into your account.</p>
      <Problem problem={problem} />
      <section class="card" aria-labelledby="methods-title">
        <h2 id="methods-title">Your ways to get a code</h2>
        {overview.factors.length === 0 ? <p class="muted">Two-step verification is off. Add a way to get codes to turn it on.</p> : null}
        <ul class="settings">
          {factors.map((factor) => (
            <FactorRow factor={factor} phone={phone} csrf={page.csrf} />
          ))}
          {passkeys > 0 ? <PasskeysRow count={passkeys} /> : null}
        </ul>
        <div class="add-methods">
          <a class="button secondary" href="/account/two-step/authenticator">
            {factors.some((f) => f.kind === 'totp') ? 'Add another authenticator app' : 'Add an authenticator app'}
          </a>
          {hasSms ? null : phone ? (
            <a class="button secondary" href="/account/two-step/sms">Use text messages</a>
          ) : (
            <p class="muted">
              To get codes by text message: <a href="/account/phone">Add and confirm a mobile number first</a>
            </p>
          )}
        </div>
      </section>
      {overview.factors.length > 0 ? <BackupCodes left={overview.backupCodesLeft} csrf={page.csrf} /> : null}
      <RememberedDevices devices={overview.rememberedDevices} csrf={page.csrf} />
    </>,
    problem.status,
  );
}

async function renderSmsRisk(page: SignedInPage, problem: FormProblem) {
  const phone = await verifiedPhone(page.deps.db, page.session.accountId);
  return page.render(
    { title: 'Use text messages' },
    <>
      <BackLink href="/account/two-step">Two-step verification</BackLink>
      <section class="card narrow">
        <h1>Use text messages</h1>
        <Problem problem={problem} />
        {phone ? (
          <>
            <p>We will text a code to your phone ending in {phoneEnding(phone)} each time you sign in on a new device.</p>
            <div class="callout warning">
              <h2>Text messages are the least safe way</h2>
              <p>Text messages can be intercepted or redirected by SIM swap. An authenticator app or a passkey is safer.</p>
              <p class="callout-links">
                <a href="/account/two-step/authenticator">Add an authenticator app instead</a>
                <a href="/account/passkeys">Use a passkey instead</a>
              </p>
            </div>
            <PostForm action="/account/two-step/sms" csrf={page.csrf}>
              <div class="form-actions">
                <button type="submit" class="button">Turn on text messages</button>
                <a href="/account/two-step">Cancel</a>
              </div>
            </PostForm>
          </>
        ) : (
          <>
            <p>We can only text codes to a mobile number you have confirmed.</p>
            <p class="actions">
              <a class="button" href="/account/phone">Add and confirm a mobile number first</a>
              <a href="/account/two-step">Cancel</a>
            </p>
          </>
        )}
      </section>
    </>,
    problem.status,
  );
}
