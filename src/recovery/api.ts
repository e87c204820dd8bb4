import { signinAnswer } from '../signin/api-answer.js';
import { z } from 'zod';
import type { Deps } from '../platform/context.js';
import { ApiAnswer, type ApiRegistry } from '../platform/http/api.js';
import { clearSessionCookie } from '../platform/http/session-cookie.js';
import { text } from '../platform/http/validation.js';
import { iso } from '../platform/format.js';
import { maskEmail, maskPhone } from '../notify/mask.js';
import { requestSmsSignin, verifySmsSignin } from '../signin/sms-signin.js';
import type { ActivityEntry } from '../activity/activity.js';
import { confirmResetCode, confirmResetLink, setNewPassword, startPasswordReset } from './password-reset.js';
import { findAccount } from './find-account.js';
import { finishLostFactor, startLostFactor } from './lost-factor.js';
import { secureAccount, secureAccountByLink } from './secure-account.js';
import { signedIn } from '../sessions/guards.js';

const SAME_EITHER_WAY = 'If that belongs to an account, we have sent a message to it.';

export function registerRecoveryApi(api: ApiRegistry, deps: Deps): void {

  api.add({
    method: 'POST', path: '/api/v1/recovery/password', tag: 'Recovery', guards: [],
    summary: 'Forgot password: send a reset code (and link, for email) to a verified email or phone. The answer is the same whether or not it has an account.',
    body: z.object({ identifier: text(1000) }).strict(),
    responses: { 202: 'Sent if it has an account', 400: 'Not an email or phone number', 429: 'Too many requests' },
    handler: async ({ body, info }) => {
      const started = await startPasswordReset(deps, body.identifier, info);
      return new ApiAnswer(202, { flow: { id: started.flowId, state: 'confirm', channel: started.channel }, message: SAME_EITHER_WAY });
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/recovery/password/:flowId/confirm', tag: 'Recovery', guards: [],
    summary: 'Prove the reset with the code, or with the token from the emailed link. Returns the reset_token the next step needs.',
    body: z.object({ code: text(12).optional(), token: text(100).optional() }).strict(),
    responses: { 200: 'Next: choose a new password', 400: 'Wrong code', 410: 'Expired or used', 429: 'Too many wrong codes' },
    handler: async ({ body, params, info }) => {
      const proof = body.token ? await confirmResetLink(deps, params.flowId!, body.token) : await confirmResetCode(deps, params.flowId!, body.code ?? '', info);
      return { flow: { id: params.flowId, state: 'new_password' }, reset_token: proof };
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/recovery/password/:flowId/new-password', tag: 'Recovery', guards: [],
    summary: 'Set the new password (with the reset_token from the proof). Every session ends; sign in afterwards (the second step is still asked).',
    body: z.object({ reset_token: text(100), password: text(1000) }).strict(),
    responses: { 200: 'Changed', 400: 'Password refused', 403: 'reset_token missing or not the one the proof returned', 409: 'Wrong step' },
    handler: async ({ body, params, info, reply }) => {
      await setNewPassword(deps, params.flowId!, body.reset_token, body.password, info);
      clearSessionCookie(reply, deps.config);
      return { flow: { id: params.flowId, state: 'done' }, message: 'Your password was changed. Sign in with it.' };
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/recovery/find-account', tag: 'Recovery', guards: [],
    summary: 'Forgot which email you used? Send a phone number or another address; if it has an account, a masked hint goes to it.',
    body: z.object({ identifier: text(1000) }).strict(),
    responses: { 202: 'Sent if it has an account', 400: 'Not an email or phone number', 429: 'Too many requests' },
    handler: async ({ body, info }) => {
      await findAccount(deps, body.identifier, info);
      return new ApiAnswer(202, { message: SAME_EITHER_WAY });
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/signin/flows/:flowId/sms-code', tag: 'Sign-in', guards: [],
    summary: 'Passwordless: text a sign-in code to the phone number given as identifier (same answer for any number).',
    body: z.object({}).strict(),
    responses: { 204: 'Sent if it has an account', 400: 'Identifier is not a phone', 429: "Too soon, or the number's text budget is spent (the same for any number)" },
    handler: async ({ params, info }) => {
      await requestSmsSignin(deps, params.flowId!, info);
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/signin/flows/:flowId/sms-code/verify', tag: 'Sign-in', guards: [],
    summary: 'Passwordless: sign in with the texted code. An account with two-step verification then needs a second, non-SMS factor.',
    body: z.object({ code: text(12) }).strict(),
    responses: { 201: 'Signed in', 200: 'Second step needed', 400: 'Wrong code', 403: 'Password required', 429: 'Too many attempts' },
    handler: async ({ body, params, info, reply }) => signinAnswer(reply, deps.config, await verifySmsSignin(deps, params.flowId!, body.code, info), info),
  });

  api.add({
    method: 'POST', path: '/api/v1/signin/flows/:flowId/lost-factor', tag: 'Recovery', guards: [],
    summary: 'Lost your second factor: at the second step, send one code to your verified email and one to your verified phone.',
    body: z.object({}).strict(),
    responses: { 202: 'Both codes sent', 409: 'Needs support: the account lacks a verified email or phone', 429: 'Too soon, or the message budget is spent' },
    handler: async ({ params, info }) => {
      const sent = await startLostFactor(deps, params.flowId!, info);
      return new ApiAnswer(202, { sent_to: { email: maskEmail(sent.email), phone: maskPhone(sent.phone.replace(/\s/g, '')) } });
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/signin/flows/:flowId/lost-factor/verify', tag: 'Recovery', guards: [],
    summary: 'Both codes together: signs in and removes the second factors so you can set them up again.',
    body: z.object({ email_code: text(12), sms_code: text(12) }).strict(),
    responses: { 201: 'Signed in; set up two-step verification again', 400: 'A code is wrong', 429: 'Too many attempts' },
    handler: async ({ body, params, info, reply }) => signinAnswer(reply, deps.config, await finishLostFactor(deps, params.flowId!, { emailCode: body.email_code, smsCode: body.sms_code }, info), info),
  });

  api.add({
    method: 'POST', path: '/api/v1/account/secure', tag: 'Recovery', guards: [signedIn],
    summary: '"This wasn\'t me": sign out everywhere, forget remembered devices, cancel pending changes and lock the password until reset. Returns recent changes.',
    body: z.object({}).strict(),
    responses: { 200: 'Secured', 401: 'Not signed in' },
    handler: async ({ session, info, reply }) => {
      const recent = await secureAccount(deps, session.accountId, info);
      clearSessionCookie(reply, deps.config);
      return { secured: true, recent_changes: recent.map(changeJson) };
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/account/secure-link', tag: 'Recovery', guards: [],
    summary: '"This wasn\'t me" from the link in an alert (single use).',
    body: z.object({ token: text(100) }).strict(),
    responses: { 200: 'Secured', 410: 'Link expired or used' },
    handler: async ({ body, info }) => ({ secured: true, recent_changes: (await secureAccountByLink(deps, body.token, info)).map(changeJson) }),
  });
}

function changeJson(entry: ActivityEntry) {
  return { at: iso(entry.at), description: entry.description, place: entry.place, device: entry.device };
}
