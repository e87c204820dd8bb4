import type { FastifyReply } from 'fastify';
import { Problem } from '../platform/web/page-parts.js';
import type { Page } from '../platform/web/page-routes.js';

/** What the sign-in pages say when the flow is gone (unknown, expired, finished, or at another step). */
export const SIGNIN_TIMED_OUT = 'Your sign-in timed out. Please sign in again.';
/** The same, on the steps that began with an email or phone number. */
export const SIGNIN_TIMED_OUT_IDENTIFIER = 'Your sign-in timed out. Please enter your email or mobile phone number again.';

export function renderSignInAgain(page: Page, status: number, message = SIGNIN_TIMED_OUT): FastifyReply {
  return page.render(
    { title: 'Sign in again' },
    <section class="card narrow">
      <h1>Sign in again</h1>
      <Problem problem={{ status, code: 'flow.gone', fields: {}, message }} />
      <p class="actions">
        <a class="button" href="/signin">Sign in</a>
      </p>
    </section>,
    status,
  );
}
