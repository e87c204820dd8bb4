import { z } from 'zod';
import type { Deps } from '../platform/context.js';
import type { ApiRegistry } from '../platform/http/api.js';
import { AppError } from '../platform/errors.js';
import { setSessionCookie } from '../platform/http/session-cookie.js';
import { text } from '../platform/http/validation.js';
import { accountJson } from '../accounts/api.js';
import { confirmEmailChange, confirmPhone, removePhone, requestEmailChange, requestPhoneChange, resendContactCode } from './contact-changes.js';
import { changePassword, PASSWORD_CHANGED } from './password-change.js';
import { recentStepUp } from '../signin/step-up-guard.js';
import { signedIn } from '../sessions/guards.js';

// Ceilings well above any real value but far below anything that could hurt; the domain applies finer rules.
const code = z.object({ code: text(12) }).strict();

/** Changing what the account is reached and signed in with: email, phone, password. */
export function registerSettingsApi(api: ApiRegistry, deps: Deps): void {
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
      return { account: await accountJson(deps, session.accountId) };
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
      return { account: await accountJson(deps, session.accountId) };
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

/** Domain errors name fields as the pages do; the API reports them under the names its client sent. */
function renameFields(error: unknown, names: Record<string, string>): unknown {
  if (!(error instanceof AppError) || !error.fields) return error;
  const fields = Object.fromEntries(Object.entries(error.fields).map(([key, text]) => [names[key] ?? key, text]));
  return new AppError(error.status, error.code, error.message, fields, error.headers);
}
