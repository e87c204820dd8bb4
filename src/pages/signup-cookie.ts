import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { HOUR } from '../platform/clock.js';
import { constantTimeEqual } from '../platform/crypto.js';

/**
 * Marks the browser that started a sign-up, holding only the flow id. The emailed link signs in only that
 * browser: anyone else who opens it (a mail scanner, or a victim sent an attacker's own link — login CSRF)
 * gets the address confirmed and is asked to sign in. An hour covers the usual "open the email now"; later,
 * signing in is one step more.
 */
export const SIGNUP_COOKIE = '__Host-custos_signup';
const SIGNUP_COOKIE_MS = HOUR;

export function setSignupCookie(reply: FastifyReply, config: Config, flowId: string, now: number): void {
  reply.setCookie(SIGNUP_COOKIE, flowId, {
    path: '/',
    httpOnly: true,
    secure: config.secureCookies,
    sameSite: 'lax',
    expires: new Date(now + SIGNUP_COOKIE_MS),
  });
}

export function clearSignupCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(SIGNUP_COOKIE, { path: '/', httpOnly: true, secure: config.secureCookies, sameSite: 'lax' });
}

export function startedInThisBrowser(request: FastifyRequest, flowId: string): boolean {
  const cookie = request.cookies[SIGNUP_COOKIE];
  return !!cookie && constantTimeEqual(cookie, flowId);
}
