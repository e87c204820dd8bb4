import { signinAnswer } from './api-answer.js';
import { z } from 'zod';
import type { Deps } from '../platform/context.js';
import { ApiAnswer, type ApiRegistry } from '../platform/http/api.js';
import { setDeviceCookie } from '../platform/http/request-info.js';
import { requestRetryLink, useRetryLink } from './retry-pass.js';
import { setSessionCookie } from '../platform/http/session-cookie.js';
import { text } from '../platform/http/validation.js';
import { iso } from '../platform/format.js';
import { startSignin, submitIdentifier } from './flow.js';
import { submitPassword } from './password-signin.js';
import { confirmClaim } from './claim-confirm.js';
import { stepUp } from './step-up.js';
import { sendSigninSms, submitSecondFactor } from './second-factor.js';
import { signedIn } from '../sessions/guards.js';
import { safeReturnTo } from '../platform/web/return-to.js';

export function registerSigninApi(api: ApiRegistry, deps: Deps): void {

  api.add({
    method: 'POST', path: '/api/v1/signin/flows', tag: 'Sign-in', guards: [],
    summary: 'Start signing in. Then send the identifier, then the password. return_to: where to go once signed in — a path here or a page on RETURN_URL_ORIGINS; anything else is ignored. The final answer names it as return_to (and next).',
    body: z.object({ return_to: z.string().optional() }).strict(),
    responses: { 201: 'Flow created' },
    handler: async ({ body }) => {
      const flow = await startSignin(deps, safeReturnTo(body.return_to, deps.config));
      return { flow: { id: flow.id, state: flow.state, expires_at: iso(flow.expiresAt) } };
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/signin/flows/:flowId/identifier', tag: 'Sign-in', guards: [],
    summary: 'Say who you are: an email address or a phone number. Every well-formed identifier moves on to the password step.',
    body: z.object({ identifier: text(1000) }).strict(),
    responses: { 200: 'Next step: password', 400: 'Not an email address or phone number', 404: 'Unknown flow', 409: 'Wrong step', 410: 'Flow expired' },
    handler: async ({ body, params }) => {
      const flow = await submitIdentifier(deps, params.flowId!, body.identifier);
      return { flow: { id: flow.id, state: flow.state, expires_at: iso(flow.expiresAt) } };
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/signin/flows/:flowId/password', tag: 'Sign-in', guards: [],
    summary: 'Prove it with your password. Unknown account, wrong password and locked account answer alike. An account with two-step verification answers 200 with the methods to choose from; no session exists until that step is done. An imported account’s unconfirmed email or phone answers 200 with state confirm_identifier (see identifier-code).',
    body: z.object({ password: text(1000) }).strict(),
    responses: { 201: 'Signed in; session returned', 200: 'Second step needed', 401: 'Sign-in failed', 409: 'Wrong step', 410: 'Flow expired', 429: 'Too many attempts' },
    handler: async ({ body, params, info, reply }) => {
      const result = await submitPassword(deps, params.flowId!, body.password, info);
      return signinAnswer(reply, deps.config, result, info);
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/signin/flows/:flowId/identifier-code', tag: 'Sign-in', guards: [],
    summary: 'An account brought from another shop whose email or phone that shop never confirmed: after the right password (answered 200 with state confirm_identifier), the code sent to it proves it and signs in (or on to the second step).',
    body: z.object({ code: text(12) }).strict(),
    responses: { 201: 'Signed in; session returned', 200: 'Second step needed', 400: 'Wrong code', 409: 'Wrong step, or another account confirmed the address first', 410: 'Code expired', 429: 'Too many attempts' },
    handler: async ({ body, params, info, reply }) => signinAnswer(reply, deps.config, await confirmClaim(deps, params.flowId!, body.code, info), info),
  });

  api.add({
    method: 'POST', path: '/api/v1/signin/flows/:flowId/sms', tag: 'Sign-in', guards: [],
    summary: 'Text a sign-in code to the account’s verified phone (second step). At most once a minute.',
    body: z.object({}).strict(),
    responses: { 204: 'Sent', 400: 'Not set up for this account', 409: 'Wrong step', 429: 'Too soon' },
    handler: async ({ params, info }) => {
      await sendSigninSms(deps, params.flowId!, info);
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/signin/flows/:flowId/second-factor', tag: 'Sign-in', guards: [],
    summary: 'Finish signing in with one of the offered methods: an authenticator code (totp), a texted code (sms) or a backup code. remember_device skips this step on this device for 30 days.',
    body: z.object({ method: z.enum(['totp', 'sms', 'backup_code']), code: text(64), remember_device: z.boolean().optional() }).strict(),
    responses: { 201: 'Signed in; session returned', 400: 'Method not set up', 401: 'Wrong code', 409: 'Wrong step', 429: 'Too many attempts' },
    handler: async ({ body, params, info, reply }) => {
      const result = await submitSecondFactor(deps, params.flowId!, { method: body.method, code: body.code, rememberDevice: body.remember_device }, info);
      return signinAnswer(reply, deps.config, result, info);
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/signin/flows/:flowId/retry-link', tag: 'Sign-in', guards: [],
    summary: 'Paused by too many attempts: email the account a link that lets this browser (its device cookie, set here) try again. The same answer whether or not the identifier has an account.',
    body: z.object({}).strict(),
    responses: { 202: 'Sent if it has an account', 409: 'Wrong step', 410: 'Flow expired' },
    handler: async ({ params, info, reply }) => {
      await requestRetryLink(deps, params.flowId!, info);
      setDeviceCookie(reply, deps.config, info);
      return new ApiAnswer(202, { message: 'If this belongs to an account, we have sent a link to its email address. Open it in this browser.' });
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/signin/retry', tag: 'Sign-in', guards: [],
    summary: 'Use an emailed try-again link in the browser that asked for it. It proves nothing: the password and any second step are still asked.',
    body: z.object({ token: text(100) }).strict(),
    responses: { 204: 'This browser may try again', 410: 'Expired, used, or another browser' },
    handler: async ({ body, info }) => {
      await useRetryLink(deps, body.token, info);
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/step-up', tag: 'Sign-in', guards: [signedIn],
    summary: 'Confirm your password before a sensitive change; returns a new session token.',
    body: z.object({ password: text(1000) }).strict(),
    responses: { 200: 'Confirmed', 401: 'Wrong password or not signed in', 429: 'Too many attempts' },
    handler: async ({ body, session, info, reply }) => {
      const token = await stepUp(deps, session, body.password, info);
      const expiresAt = session.createdAt + deps.config.sessionAbsoluteDays * 86_400_000;
      setSessionCookie(reply, deps.config, token, expiresAt);
      return { session: { token, step_up_valid_until: iso(deps.clock.now() + deps.config.stepUpMinutes * 60_000) } };
    },
  });
}
