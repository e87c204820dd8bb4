import { formatTime } from '../platform/format.js';
import { BackLink, PostForm } from '../platform/web/page-parts.js';
import type { PageRoutes } from '../platform/web/page-routes.js';
import { signedIn } from '../sessions/guards.js';
import { listAllowedApps, removeAllowedApp } from './apps.js';

/** Your Account → Apps and websites: the partner sites the customer signs in to or pays with, and Remove. */
export function registerAppsPage(routes: PageRoutes): void {
  routes.get('/account/apps', signedIn, async (page) => {
    const apps = await listAllowedApps(page.deps, page.session.accountId);
    const notice = page.query('notice') === 'removed' ? 'Removed. That site can no longer sign you in or charge you without asking again.' : undefined;
    return page.render(
      { title: 'Apps and websites', notice },
      <>
        <BackLink href="/account">Your Account</BackLink>
        <h1 class="page-title">Apps and websites</h1>
        {apps.length === 0 ? (
          <p>You have not used your account with any other site yet. When you choose “Sign in with” or “Pay with” on one, it shows here.</p>
        ) : (
          <>
            {apps.map((app) => (
              <section class="card">
                <h2>{app.name}</h2>
                <ul>
                  {app.shares.map((thing) => (
                    <li>{thing}</li>
                  ))}
                  <li>{app.pays ? 'Can take payments you approved' : 'Cannot take payments'}</li>
                </ul>
                <p class="hint">
                  Allowed {formatTime(app.allowedAt)}
                  {app.lastUsedAt ? ` · last used ${formatTime(app.lastUsedAt)}` : ''}
                </p>
                <PostForm action={`/account/apps/${app.partnerId}/remove`} csrf={page.csrf}>
                  <button type="submit" class="button secondary" aria-label={`Remove ${app.name}`}>
                    Remove
                  </button>
                </PostForm>
              </section>
            ))}
          </>
        )}
      </>,
    );
  });

  routes.post('/account/apps/:partnerId/remove', signedIn, async (page) => {
    const partnerId = (page.request.params as { partnerId: string }).partnerId;
    await removeAllowedApp(page.deps, page.session.accountId, partnerId);
    return page.redirect('/account/apps?notice=removed');
  });
}
