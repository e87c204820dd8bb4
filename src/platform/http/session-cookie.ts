import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';

/**
 * The session cookie: `__Host-` prefix (so no subdomain can plant or read it), Secure, HttpOnly, SameSite=Lax,
 * Path=/, and nothing in it but the token (ASVS 3.3.x, NIST §5.1.1). Browsers accept Secure cookies from
 * http://localhost, so development works unchanged.
 */
export const SESSION_COOKIE = '__Host-custos_session';

export function setSessionCookie(reply: FastifyReply, config: Config, token: string, expiresAt: number): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    secure: config.secureCookies,
    sameSite: 'lax',
    expires: new Date(expiresAt),
  });
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, secure: config.secureCookies, sameSite: 'lax' });
}

/** A session token from the cookie (pages, same-site shops) or an Authorization: Bearer header (API clients). */
export function readSessionToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.startsWith('Bearer ')) return header.slice(7).trim();
  return request.cookies[SESSION_COOKIE];
}
