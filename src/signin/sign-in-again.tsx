import type { FastifyReply } from 'fastify';
import { Problem } from '../platform/web/page-parts.js';
import type { Page } from '../platform/web/page-routes.js';

/** What the sign-in pages say when the flow is gone (unknown, expired, finished, or at another step). */
export const SIGNIN_TIMED_OUT = 'Your sign-in timed out. Please sign in again.';
/** The same, on the steps that began with an email or phone number. */
export const SIGNIN_TIMED_OUT_IDENTIFIER = 'Your sign-in timed out. Please enter your email or mobile phone number again.';

/**
 * `flowId` names the sign-in that can't go on: "Sign in" starts a new one from it (/signin?from=…), which keeps
 * the destination that one was started with — read from the server, never from the link.
 */
export function renderSignInAgain(page: Page, status: number, message = SIGNIN_TIMED_OUT, flowId?: string): FastifyReply {
  return page.render(
    { title: 'Sign in again' },
    <section class="card narrow">
      <h1>Sign in again</h1>
      <Problem problem={{ status, code: 'flow.gone', fields: {}, message }} />
      <p class="actions">
        <a class="button" href={flowId ? `/signin?from=${encodeURIComponent(flowId)}` : '/signin'}>Sign in</a>
      </p>
    </section>,
    status,
  );
}
