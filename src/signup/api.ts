import { z } from 'zod';
import type { Deps } from '../platform/context.js';
import type { ApiRegistry } from '../platform/http/api.js';
import { setSessionCookie } from '../platform/http/session-cookie.js';
import { setDeviceCookie } from '../platform/http/request-info.js';
import { text } from '../platform/http/validation.js';
import { iso } from '../platform/format.js';
import { resendSignupCode, signInAfterSignup, startSignup } from './signup.js';
import { confirmSignupCode } from './signup-confirm.js';
import { browserSecretFor, clearSignupCookie, setSignupCookie } from './signup-cookie.js';

/** Sign-up over JSON: start, confirm the emailed code, ask for a new one. */
export function registerSignupApi(api: ApiRegistry, deps: Deps): void {
  api.add({
    method: 'POST', path: '/api/v1/signup', tag: 'Sign-up', guards: [],
    summary: 'Start creating an account. A code is emailed; the account exists once the code is confirmed. The answer is the same whether or not the address already has an account.',
    body: z.object({ name: text(1000), email: text(1000), password: text(1000), phone: text(100).optional() }).strict(),
    responses: { 202: 'Code sent; confirm with the flow id', 400: 'Invalid fields', 429: 'Too many attempts' },
    handler: async ({ body, info, reply }) => {
      const started = await startSignup(deps, body, info);
      setSignupCookie(reply, deps.config, started);
      return { flow: { id: started.flowId, state: 'confirm_email', expires_at: iso(started.expiresAt) }, email: started.email };
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/signup/:flowId/confirm', tag: 'Sign-up', guards: [],
    summary: 'Confirm the email code; creates the account and signs in. Without the signup cookie of the browser that started it, the password chosen at sign-up is needed too.',
    body: z.object({ code: text(12), password: text(1000).optional() }).strict(),
    responses: { 201: 'Account created; session returned', 400: 'Wrong code, or password needed or wrong', 410: 'Code or flow expired', 429: 'Too many wrong tries' },
    handler: async ({ body, params, info, reply, request }) => {
      const author = { browserSecret: browserSecretFor(request, params.flowId!), password: body.password };
      const accountId = await confirmSignupCode(deps, params.flowId!, body.code, author, info);
      const session = await signInAfterSignup(deps, accountId, info);
      clearSignupCookie(reply, deps.config);
      setSessionCookie(reply, deps.config, session.token, session.expiresAt);
      setDeviceCookie(reply, deps.config, info);
      return { session: { token: session.token, expires_at: iso(session.expiresAt) } };
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/signup/:flowId/resend', tag: 'Sign-up', guards: [],
    summary: 'Send a new confirmation code (at most once a minute, five times).',
    body: z.object({}).strict(),
    responses: { 204: 'Sent', 429: 'Too soon' },
    handler: async ({ params, info }) => {
      await resendSignupCode(deps, params.flowId!, info);
    },
  });
}
