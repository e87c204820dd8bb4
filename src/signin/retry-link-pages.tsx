import { setDeviceCookie } from '../platform/http/request-info.js';
import { requestRetryLink, useRetryLink } from './retry-pass.js';
import { PostForm } from '../platform/web/page-parts.js';
import type { Page, PageRoutes } from '../platform/web/page-routes.js';

/**
 * "Email me a link to try again from this browser", offered when sign-in is paused (NIST §3.2.2: the owner on a
 * new device must not be locked out by strangers' guesses). The page answers the same whether or not the
 * identifier has an account; the link works only in this browser, which gets its device cookie here.
 */
export function registerRetryLinkPages(routes: PageRoutes): void {
  routes.post('/signin/retry-link', 'anyone', async (page) => {
    const flowId = page.field('flow', 200);
    try {
      await requestRetryLink(page.deps, flowId, page.info);
    } catch (error) {
      page.problem(error);
      // The sign-in can't go on: start again, keeping where it was headed (read from that flow on the server).
      return page.redirect(`/signin?from=${encodeURIComponent(flowId)}`);
    }
    setDeviceCookie(page.reply, page.deps.config, page.info);
    return renderSent(page, flowId);
  });

  routes.get('/signin/retry', 'anyone', async (page) => {
    try {
      await useRetryLink(page.deps, page.query('token', 100) ?? '', page.info);
    } catch (error) {
      const problem = page.problem(error);
      return renderOutcome(page, 'This link can’t be used', problem.message ?? '', problem.status);
    }
    return renderOutcome(page, 'This browser can try again', 'Sign in with your password as usual. If your account uses two-step verification, that step is still asked.');
  });
}

/** Offered beside the "too many attempts" message on the password step. */
export function RetryLinkOffer(props: { flowId: string; csrf: string }) {
  return (
    <PostForm action="/signin/retry-link" csrf={props.csrf} class="alternative-signin">
      <input type="hidden" name="flow" value={props.flowId} />
      <p>Is this your account? We can email you a link that lets this browser try again.</p>
      <button type="submit" class="link-button">Email me a link to try again from this browser</button>
    </PostForm>
  );
}

function renderSent(page: Page, flowId: string) {
  return page.render(
    { title: 'Check your email' },
    <section class="card narrow">
      <h1>Check your email</h1>
      <p>If this belongs to an account, we have sent a link to its email address. Open it in this browser, then sign in with your password.</p>
      <p class="aside">
        <a href={`/signin/password?flow=${encodeURIComponent(flowId)}`}>Back to sign-in</a>
      </p>
    </section>,
  );
}

function renderOutcome(page: Page, title: string, message: string, status = 200) {
  return page.render(
    { title },
    <section class="card narrow">
      <h1>{title}</h1>
      <p>{message}</p>
      <p>
        <a class="button" href="/signin">Sign in</a>
      </p>
    </section>,
    status,
  );
}
