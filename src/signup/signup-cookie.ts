import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { constantTimeEqual } from '../platform/crypto.js';

/**
 * Marks the browser that started a sign-up: `<flow id>.<secret>`, the secret's hash kept in the flow. A
 * confirmation code or link finishes the sign-up in this browser alone; anywhere else (another browser, a mail
 * scanner, the victim of someone else's sign-up) it also needs the flow's password (SECURITY.md Recovery:
 * pre-hijacking). It lives as long as the flow, for pages and for API clients in the same browser.
 */
export const SIGNUP_COOKIE = '__Host-custos_signup';

export function setSignupCookie(reply: FastifyReply, config: Config, started: { flowId: string; browserSecret: string; expiresAt: number }): void {
  reply.setCookie(SIGNUP_COOKIE, `${started.flowId}.${started.browserSecret}`, {
    path: '/',
    httpOnly: true,
    secure: config.secureCookies,
    sameSite: 'lax',
    expires: new Date(started.expiresAt),
  });
}

export function clearSignupCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(SIGNUP_COOKIE, { path: '/', httpOnly: true, secure: config.secureCookies, sameSite: 'lax' });
}

/** The secret this browser holds for `flowId`, if it started that sign-up. */
export function browserSecretFor(request: FastifyRequest, flowId: string): string | undefined {
  const cookie = request.cookies[SIGNUP_COOKIE];
  const dot = cookie?.indexOf('.') ?? -1;
  if (!cookie || dot <= 0 || !flowId) return undefined;
  return constantTimeEqual(cookie.slice(0, dot), flowId) ? cookie.slice(dot + 1) : undefined;
}
