import { z } from 'zod';
import type { Deps } from '../platform/context.js';
import type { ApiRegistry } from '../platform/http/api.js';
import { setSessionCookie } from '../platform/http/session-cookie.js';
import { setDeviceCookie } from '../platform/http/request-info.js';
import { text } from '../platform/http/validation.js';
import { iso } from '../accounts/api.js';
import { startSignin, submitIdentifier, submitPassword } from './password-signin.js';
import { stepUp } from './step-up.js';

export function registerSigninApi(api: ApiRegistry, deps: Deps): void {
  api.add({
    method: 'POST', path: '/api/v1/signin/flows', tag: 'Sign-in', guards: [],
    summary: 'Start signing in. Then send the identifier, then the password.',
    body: z.object({}).strict(),
    responses: { 201: 'Flow created' },
    handler: async () => {
      const flow = await startSignin(deps);
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
    summary: 'Prove it with your password. Unknown account, wrong password and locked account answer alike.',
    body: z.object({ password: text(1000) }).strict(),
    responses: { 201: 'Signed in; session returned', 401: 'Sign-in failed', 409: 'Wrong step', 410: 'Flow expired', 429: 'Too many attempts' },
    handler: async ({ body, params, info, reply }) => {
      const result = await submitPassword(deps, params.flowId!, body.password, info);
      setSessionCookie(reply, deps.config, result.token, result.expiresAt);
      setDeviceCookie(reply, deps.config, info);
      return { flow: { id: params.flowId, state: 'done' }, session: { token: result.token, expires_at: iso(result.expiresAt) } };
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/step-up', tag: 'Sign-in', guards: ['session'],
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
