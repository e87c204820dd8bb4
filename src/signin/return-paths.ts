import { returnToQuery } from '../platform/web/return-to.js';

/**
 * Where "confirm your password" may send the customer afterwards. The `return` value is matched exactly against
 * this list, never parsed or prefix-checked, so `//evil.example`, `/\evil`, `https://evil.example` and look-alike
 * paths all fall back to the default (SECURITY.md "Recovery": redirect targets by exact allow-list).
 */
export const RETURN_PATHS = [
  '/account/security',
  '/account/name',
  '/account/email',
  '/account/phone',
  '/account/password',
  '/account/two-step',
  '/account/two-step/authenticator',
  '/account/two-step/sms',
  '/account/passkeys',
  '/account/cards/new',
  '/account/messages/phrase',
  '/account/close',
  '/account/data',
  '/account/merge',
] as const;

/** A partner sign-in waiting for the customer (partners/oidc): the one return path with a part that varies. */
const PARTNER_SIGNIN = /^\/partner-signin\/[\w-]{1,64}$/;

export type ReturnPath = (typeof RETURN_PATHS)[number] | `/partner-signin/${string}`;

export const DEFAULT_RETURN_PATH: ReturnPath = '/account/security';

export function safeReturnPath(value: unknown): ReturnPath {
  if (typeof value === 'string' && PARTNER_SIGNIN.test(value)) return value as ReturnPath;
  return RETURN_PATHS.find((path) => path === value) ?? DEFAULT_RETURN_PATH;
}

/**
 * The confirm-password page, coming back to `returnTo` once the password is confirmed, and from there on to the
 * journey's own `journey` return_to (checked by safeReturnTo when used), if it had one.
 */
export function stepUpLocation(returnTo: ReturnPath, journey?: string): string {
  return `/account/confirm-password?return=${returnTo}${returnToQuery(journey, '&')}`;
}
