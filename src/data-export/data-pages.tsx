import { formatTime } from '../platform/format.js';
import { BackLink, PostForm, Problem } from '../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type PageRoutes } from '../platform/web/page-routes.js';
import { signedIn, type SignedInPage } from '../sessions/guards.js';
import { recentStepUp } from '../signin/step-up-guard.js';
import { DOWNLOAD_PATH, downloadExport, EXPORT_TTL_MS, EXPORTS_PER_DAY, listExports, requestExport } from './exports.js';
import { sendExportFile } from './send-file.js';

/**
 * Your Account → Download your data: ask for a copy (after a recent password confirmation), see where it stands,
 * and the emailed link's download, which needs this account signed in as well as the link's token.
 */
export function registerDataPages(routes: PageRoutes): void {
  const guard = recentStepUp.returningTo('/account/data');

  routes.get('/account/data', guard, async (page) => renderDataPage(page, NO_PROBLEM));

  routes.post('/account/data', guard, async (page) => {
    try {
      await requestExport(page.deps, page.session.accountId, page.info);
      return page.redirect('/account/data?notice=requested');
    } catch (error) {
      return renderDataPage(page, page.problem(error));
    }
  });

  // Signed in, not stepped up: the token from the email is the second thing shown. Signed out, the guard sends the
  // browser to sign in and back here.
  routes.get(DOWNLOAD_PATH, signedIn, async (page) => {
    const file = await downloadExport(page.deps, page.session.accountId, page.query('export', 64) ?? '', page.query('token', 128) ?? '', page.info);
    return sendExportFile(page.reply, file);
  });
}

async function renderDataPage(page: SignedInPage, problem: FormProblem) {
  const exports = await listExports(page.deps, page.session.accountId);
  const underWay = exports.some((e) => e.status !== 'ready');
  const notice = page.query('notice') === 'requested' ? 'We are preparing a copy of your data. We will email you a link when it is ready.' : undefined;
  return page.render(
    { title: 'Download your data', notice },
    <>
      <BackLink href="/account">Your Account</BackLink>
      <section class="card narrow">
        <h1>Download your data</h1>
        <Problem problem={problem} />
        <p>
          A copy of everything we hold about you, in one JSON file: your profile, email addresses and phone, addresses, saved cards (brand, last 4 digits and
          expiry only), orders, returns and disputes, login activity, the messages we sent you, partner sites you allowed, your two-step methods (by name) and your sessions.
        </p>
        <p>
          We prepare it in the background and email you a link. The link works for {EXPORT_TTL_MS / 86_400_000} days, and only while you are signed in to this
          account. You can ask {EXPORTS_PER_DAY} times a day.
        </p>
        {exports.length > 0 ? (
          <ul class="exports">
            {exports.map((e) => (
              <li>
                Asked {formatTime(e.requestedAt)}: {e.status === 'ready' ? `ready — use the link we emailed you (until ${formatTime(e.expiresAt!)})` : 'being prepared'}
              </li>
            ))}
          </ul>
        ) : null}
        <PostForm action="/account/data" csrf={page.csrf}>
          <div class="form-actions">
            <button type="submit" class="button" disabled={underWay}>
              Ask for a copy of my data
            </button>
          </div>
        </PostForm>
      </section>
      <section class="card narrow">
        <h2>Close your account</h2>
        <p>
          Done with this store? <a href="/account/close">Close your account</a>. You will be told exactly what happens first.
        </p>
      </section>
    </>,
    problem.status,
  );
}
