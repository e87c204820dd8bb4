import type { ActivityEntry } from '../activity/activity.js';
import { formatTime, iso } from '../platform/format.js';
import { clearSessionCookie, readSessionToken } from '../platform/http/session-cookie.js';
import { secureAccount, secureAccountByLink } from './secure-account.js';
import { authenticateToken } from '../sessions/store.js';
import { PostForm } from '../platform/web/page-parts.js';
import type { Page, PageRoutes } from '../platform/web/page-routes.js';
import { RESET_START } from './recovery-pages.js';
import { signedIn, signedInOrNot, type SignedInOrNotPage } from '../sessions/guards.js';

/**
 * "This wasn't me": from the single-use link in an alert email (no sign-in needed: holding the inbox is the
 * proof, and the link can only lock the account down), or signed in from Login activity. Opening the page only
 * explains; the button does it. Afterwards every session has ended, this one too, and the page lists the recent
 * changes so the customer can see what someone else did.
 */
const WHAT_HAPPENS = [
  'Every device signed in to your account is signed out.',
  'Remembered devices are forgotten, so each is asked for two-step verification again.',
  'Changes of your email address or phone number that are waiting to be confirmed are cancelled.',
  'Your password is switched off until you reset it, so whoever knows it can no longer use it. It can\'t be chosen again.',
];

export function registerSecureAccountPages(routes: PageRoutes): void {
  routes.get('/account/secure', signedInOrNot, async (page) => {
    const token = page.query('token');
    if (token) return renderExplain(page, '/account/secure', token);
    if (!page.session) return page.redirect('/signin');
    return renderExplain(page, '/account/secure/confirm');
  });

  routes.post('/account/secure', signedInOrNot, async (page) => {
    let recent: ActivityEntry[];
    try {
      recent = await secureAccountByLink(page.deps, page.field('token', 200), page.info);
    } catch (error) {
      const problem = page.problem(error);
      return renderLinkUsed(page, problem.status);
    }
    return renderSecured(await signedOutIfEnded(page), recent);
  });

  routes.post('/account/secure/confirm', signedIn, async (page) => {
    const recent = await secureAccount(page.deps, page.session.accountId, page.info);
    clearSessionCookie(page.reply, page.deps.config);
    return renderSecured(page.signedOut(), recent);
  });
}

/**
 * The link may be opened in a browser signed in to the account just secured, whose session has now ended: the
 * cookie goes and the page shows signed out. A browser signed in to another account stays as it was.
 */
async function signedOutIfEnded(page: SignedInOrNotPage): Promise<Page> {
  const token = readSessionToken(page.request);
  if (!page.session || !token || (await authenticateToken(page.deps, token))) return page;
  clearSessionCookie(page.reply, page.deps.config);
  return page.signedOut();
}

function renderExplain(page: SignedInOrNotPage, action: string, token?: string) {
  return page.render(
    { title: 'Secure your account' },
    <section class="card narrow">
      <h1>Secure your account</h1>
      <p>If you see activity on your account that wasn't you, lock it down now. This is what will happen:</p>
      <ul class="secure-steps">
        {WHAT_HAPPENS.map((line) => (
          <li>{line}</li>
        ))}
      </ul>
      <p>Afterwards, choose a new password with "Forgot your password?" to sign in again.</p>
      <PostForm action={action} csrf={page.csrf}>
        {token ? <input type="hidden" name="token" value={token} /> : null}
        <button type="submit" class="button">Secure my account</button>
      </PostForm>
      <p class="aside">
        Was it you after all? <a href={page.session ? '/account/activity' : '/signin'}>{page.session ? 'Back to Login activity' : 'Sign in'}</a>
      </p>
    </section>,
  );
}

function renderSecured(page: Page, recent: ActivityEntry[]) {
  return page.render(
    { title: 'Your account is secured' },
    <section class="card narrow secured-card">
      <h1>Your account is secured</h1>
      <p>
        We signed out every device, forgot remembered devices, cancelled any pending change of your email
        address or phone number, and switched off your password. We've sent you an email about it too.
      </p>
      <h2>Recent changes to your account</h2>
      {recent.length > 0 ? (
        <ul class="recent-changes">
          {recent.map((entry) => (
            <RecentChange entry={entry} />
          ))}
        </ul>
      ) : (
        <p class="muted">There were no changes in the last 30 days.</p>
      )}
      <h2>What to do next</h2>
      <ol class="next-steps">
        <li>
          <a href={RESET_START}>Reset your password</a> — your old one no longer works, and it (or any of the five before it) can't be
          chosen again.
        </li>
        <li>
          <a href="/account/security">Review Login &amp; Security</a> — once signed in, check your email address, phone number and
          two-step verification, and remove anything you don't recognise.
        </li>
      </ol>
    </section>,
  );
}

function RecentChange({ entry }: { entry: ActivityEntry }) {
  const where = [entry.place, entry.device].filter((part): part is string => !!part);
  return (
    <li>
      <p class="recent-what">{entry.description}</p>
      <p class="muted">
        <time datetime={iso(entry.at)}>{formatTime(entry.at)}</time>
        {where.length > 0 ? ` · ${where.join(' · ')}` : null}
      </p>
    </li>
  );
}

function renderLinkUsed(page: Page, status: number) {
  return page.render(
    { title: 'Secure your account' },
    <section class="card narrow">
      <h1>This link no longer works</h1>
      <p>It has expired or was already used: each "This wasn't me" link works once, for 7 days.</p>
      <p>If you still think someone else is using your account, reset your password: that signs out every device.</p>
      <p class="actions">
        <a class="button" href={RESET_START}>Reset your password</a>
        <a href="/signin">Sign in</a>
      </p>
    </section>,
    status,
  );
}
