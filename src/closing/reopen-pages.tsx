import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { constantTimeEqual } from '../platform/crypto.js';
import { PostForm, Problem } from '../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type Page, type PageRoutes } from '../platform/web/page-routes.js';
import { continueSignin } from '../signin/continue-signin.js';
import { renderSignInAgain } from '../signin/sign-in-again.js';
import { SIGNIN_TTL_MS } from '../signin/flow.js';
import { parseReopenHandle, REOPEN_PAGE, reopenHandle, type ReopenHandle } from './reopen.js';
import { keepClosed, reopenAndSignIn, waitingToReopen } from './reopen-signin.js';

/**
 * "Your account is closed — reopen it?", after the password (and second step) of an account its customer closed,
 * in the grace period. Nothing is reopened without the customer's click; "Keep it closed" ends the flow, so it can
 * reopen nothing later. Only the browser that gave the proof is asked: the redirect after it carries the flow's
 * reopen secret once (closing/reopen.ts), which this page moves into a cookie and drops from the address.
 */
export const KEEP_CLOSED_PAGE = `${REOPEN_PAGE}/keep-closed`;

export function registerReopenPages(routes: PageRoutes): void {
  routes.get(REOPEN_PAGE, 'anyone', async (page) => {
    const given = parseReopenHandle(page.query('flow') ?? '');
    if (given.secret) {
      if (!(await waitingToReopen(page.deps, given))) return renderSignInAgain(page, 409);
      setReopenCookie(page.reply, page.deps.config, given, page.deps.clock.now());
      return page.redirect(`${REOPEN_PAGE}?flow=${encodeURIComponent(given.flowId)}`);
    }
    const handle = handleInThisBrowser(page.request, given.flowId);
    if (!(await waitingToReopen(page.deps, handle))) return renderSignInAgain(page, 409);
    return renderReopen(page, handle.flowId, NO_PROBLEM);
  });

  routes.post(REOPEN_PAGE, 'anyone', async (page) => {
    const handle = handleInThisBrowser(page.request, page.field('flow', 200));
    try {
      const result = await reopenAndSignIn(page.deps, handle, page.info);
      clearReopenCookie(page.reply, page.deps.config);
      return continueSignin(page, result);
    } catch (error) {
      const problem = page.problem(error);
      if (!(await waitingToReopen(page.deps, handle))) return renderSignInAgain(page, problem.status);
      return renderReopen(page, handle.flowId, problem);
    }
  });

  routes.post(KEEP_CLOSED_PAGE, 'anyone', async (page) => {
    const handle = handleInThisBrowser(page.request, page.field('flow', 200));
    try {
      await keepClosed(page.deps, handle);
    } catch (error) {
      return renderSignInAgain(page, page.problem(error).status);
    }
    clearReopenCookie(page.reply, page.deps.config);
    return page.render(
      { title: 'Your account stays closed' },
      <section class="card narrow">
        <h1>Your account stays closed</h1>
        <p>We have not reopened it, and you are not signed in. Its personal data is erased at the end of the grace period.</p>
        <p>
          <a href="/">Home</a>
        </p>
      </section>,
    );
  });
}

function renderReopen(page: Page, flowId: string, problem: FormProblem) {
  return page.render(
    { title: 'Your account is closed' },
    <section class="card narrow">
      <h1>Your account is closed — reopen it?</h1>
      <Problem problem={problem} />
      <p>You closed this account. It has not been erased yet, so you can reopen it now: everything in it is as you left it, except that partner sites will ask you again before they sign you in.</p>
      <p>If you leave it closed, its personal data is erased at the end of the grace period.</p>
      <PostForm action={REOPEN_PAGE} csrf={page.csrf}>
        <input type="hidden" name="flow" value={flowId} />
        <div class="form-actions">
          <button type="submit" class="button">
            Reopen my account
          </button>
        </div>
      </PostForm>
      <PostForm action={KEEP_CLOSED_PAGE} csrf={page.csrf}>
        <input type="hidden" name="flow" value={flowId} />
        <div class="form-actions">
          <button type="submit" class="button secondary">
            Keep it closed
          </button>
        </div>
      </PostForm>
    </section>,
    problem.status,
  );
}

/** `<flow id>_<reopen secret>` of the browser that gave the proof, for as long as the flow can wait at `reopen`. */
const REOPEN_COOKIE = '__Host-custos_reopen';

function setReopenCookie(reply: FastifyReply, config: Config, handle: ReopenHandle, now: number): void {
  reply.setCookie(REOPEN_COOKIE, reopenHandle(handle), { path: '/', httpOnly: true, secure: config.secureCookies, sameSite: 'lax', expires: new Date(now + SIGNIN_TTL_MS) });
}

function clearReopenCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(REOPEN_COOKIE, { path: '/', httpOnly: true, secure: config.secureCookies, sameSite: 'lax' });
}

/** The flow named by the page, with the secret this browser holds for it (none when it holds another flow's). */
function handleInThisBrowser(request: FastifyRequest, flowId: string): ReopenHandle {
  const held = parseReopenHandle(request.cookies[REOPEN_COOKIE] ?? '');
  return { flowId, secret: flowId && held.secret && constantTimeEqual(held.flowId, flowId) ? held.secret : '' };
}
