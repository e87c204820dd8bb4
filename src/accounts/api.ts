import { z } from 'zod';
import type { Deps } from '../platform/context.js';
import type { ApiRegistry } from '../platform/http/api.js';
import { AppError } from '../platform/errors.js';
import { setSessionCookie } from '../platform/http/session-cookie.js';
import { setDeviceCookie } from '../platform/http/request-info.js';
import { text } from '../platform/http/validation.js';
import { checkPassword } from '../passwords/policy.js';
import { resendSignupCode, signInAfterSignup, startSignup } from '../signup/signup.js';
import { confirmSignupCode } from '../signup/signup-confirm.js';
import { browserSecretFor, clearSignupCookie, setSignupCookie } from '../signup/signup-cookie.js';
import { getProfile, changeName, type Profile } from './profile.js';
import { confirmEmailChange, confirmPhone, removePhone, requestEmailChange, requestPhoneChange, resendContactCode } from '../settings/contact-changes.js';
import { changePassword, PASSWORD_CHANGED } from '../settings/password-change.js';
import { recentStepUp } from '../signin/step-up-guard.js';
import { signedIn } from '../sessions/guards.js';

// Ceilings well above any real value but far below anything that could hurt; the domain applies finer rules.
const code = z.object({ code: text(12) }).strict();

export function registerAccountApi(api: ApiRegistry, deps: Deps): void {
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

  api.add({
    method: 'POST', path: '/api/v1/passwords/check', tag: 'Passwords', guards: [],
    summary: 'Strength feedback while typing: the same rules the server enforces.',
    body: z.object({ password: text(1000), name: text(1000).optional(), email: text(1000).optional() }).strict(),
    responses: { 200: 'Verdict' },
    handler: async ({ body }) => {
      const verdict = checkPassword(body.password, { name: body.name, email: body.email });
      return { ok: verdict.ok, score: verdict.score, reason: verdict.reason ?? null, message: verdict.message ?? null, suggestions: verdict.suggestions };
    },
  });

  api.add({
    method: 'GET', path: '/api/v1/account', tag: 'Account', guards: [signedIn],
    summary: 'The signed-in customer’s account.',
    responses: { 200: 'Account', 401: 'Not signed in' },
    handler: async ({ session }) => ({ account: profileJson(await getProfile(deps, session.accountId)) }),
  });

  api.add({
    method: 'PATCH', path: '/api/v1/account', tag: 'Account', guards: [signedIn],
    summary: 'Change your name.',
    body: z.object({ name: text(1000) }).strict(),
    responses: { 200: 'Updated account', 400: 'Invalid name', 401: 'Not signed in' },
    handler: async ({ body, session, info }) => {
      await changeName(deps, { accountId: session.accountId, name: body.name, info });
      return { account: profileJson(await getProfile(deps, session.accountId)) };
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/account/email', tag: 'Account', guards: [recentStepUp],
    summary: 'Ask to change your email address: a code goes to the new address; the old one is told.',
    body: z.object({ email: text(1000) }).strict(),
    responses: { 202: 'Code sent', 400: 'Invalid address', 401: 'Not signed in', 403: 'Step-up required', 429: 'Message budget spent (Retry-After)' },
    handler: async ({ body, session, info }) => ({ pending_email: (await requestEmailChange(deps, { accountId: session.accountId, email: body.email, info })).email }),
  });

  api.add({
    method: 'POST', path: '/api/v1/account/email/confirm', tag: 'Account', guards: [signedIn],
    summary: 'Confirm the new email address with its code.',
    body: code,
    responses: { 200: 'Email changed', 400: 'Wrong code', 409: 'Address taken meanwhile', 410: 'Expired' },
    handler: async ({ body, session, info }) => {
      await confirmEmailChange(deps, { accountId: session.accountId, code: body.code, info });
      return { account: profileJson(await getProfile(deps, session.accountId)) };
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/account/email/resend', tag: 'Account', guards: [signedIn],
    summary: 'Send a new code to the pending email address.',
    body: z.object({}).strict(),
    responses: { 204: 'Sent', 410: 'Nothing pending', 429: 'Too soon' },
    handler: async ({ session, info }) => {
      await resendContactCode(deps, { accountId: session.accountId, purpose: 'email_change', info });
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/account/phone', tag: 'Account', guards: [recentStepUp],
    summary: 'Add or change your phone number: a code is texted to it (valid 10 minutes).',
    body: z.object({ phone: text(100) }).strict(),
    responses: { 202: 'Code sent', 400: 'Invalid number', 401: 'Not signed in', 403: 'Step-up required', 429: 'Message budget spent (Retry-After)' },
    handler: async ({ body, session, info }) => ({ pending_phone: (await requestPhoneChange(deps, { accountId: session.accountId, phone: body.phone, info })).phone }),
  });

  api.add({
    method: 'POST', path: '/api/v1/account/phone/confirm', tag: 'Account', guards: [signedIn],
    summary: 'Confirm the phone number with the texted code.',
    body: code,
    responses: { 200: 'Phone confirmed', 400: 'Wrong code', 409: 'Number taken meanwhile', 410: 'Expired' },
    handler: async ({ body, session, info }) => {
      await confirmPhone(deps, { accountId: session.accountId, code: body.code, info });
      return { account: profileJson(await getProfile(deps, session.accountId)) };
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/account/phone/resend', tag: 'Account', guards: [signedIn],
    summary: 'Text a new code to the pending phone number.',
    body: z.object({}).strict(),
    responses: { 204: 'Sent', 410: 'Nothing pending', 429: 'Too soon' },
    handler: async ({ session, info }) => {
      await resendContactCode(deps, { accountId: session.accountId, purpose: 'phone_confirm', info });
    },
  });

  api.add({
    method: 'DELETE', path: '/api/v1/account/phone', tag: 'Account', guards: [recentStepUp],
    summary: 'Remove your phone number.',
    responses: { 204: 'Removed', 403: 'Step-up required', 404: 'No phone number' },
    handler: async ({ session, info }) => {
      await removePhone(deps, { accountId: session.accountId, info });
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/account/password', tag: 'Account', guards: [signedIn],
    summary: 'Change your password (needs the current one). Every other session ends and remembered devices are forgotten.',
    body: z.object({ current_password: text(1000), new_password: text(1000) }).strict(),
    responses: { 200: 'Changed; a new session token is returned', 400: 'Wrong current password or weak new one', 429: 'Too many attempts' },
    handler: async ({ body, session, info, reply }) => {
      const result = await changePassword(deps, {
        session, currentPassword: body.current_password, newPassword: body.new_password, info,
      }).catch((error: unknown) => {
        throw renameFields(error, { currentPassword: 'current_password', newPassword: 'new_password' });
      });
      setSessionCookie(reply, deps.config, result.token, session.createdAt + deps.config.sessionAbsoluteDays * 86_400_000);
      return { session: { token: result.token }, ended_sessions: result.endedSessions, forgotten_devices: result.forgottenDevices, message: PASSWORD_CHANGED };
    },
  });
}

function profileJson(profile: Profile) {
  return {
    name: profile.name,
    email: profile.email,
    phone: profile.phone,
    pending_email: profile.pendingEmail,
    pending_phone: profile.pendingPhone,
    member_since: iso(profile.memberSince),
  };
}

/** Domain errors name fields as the pages do; the API reports them under the names its client sent. */
function renameFields(error: unknown, names: Record<string, string>): unknown {
  if (!(error instanceof AppError) || !error.fields) return error;
  const fields = Object.fromEntries(Object.entries(error.fields).map(([key, text]) => [names[key] ?? key, text]));
  return new AppError(error.status, error.code, error.message, fields, error.headers);
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
