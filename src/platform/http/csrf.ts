import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import { randomToken } from '../crypto.js';
import { cryptoRandom } from '../random.js';
import { errors } from '../errors.js';
import { signToken, verifyToken } from '../keyring.js';

/**
 * CSRF for pages: a random per-browser value in a `__Host-` cookie, and in every form an HMAC of it keyed with
 * the server secret (carrying its key id, so forms open before a secret rotation still post). A cross-site page can neither read the cookie nor compute the token, so it cannot post a
 * form — sign-in included (login CSRF, ASVS 7.6.2). The JSON API is protected differently: it accepts only
 * `application/json` bodies, which a cross-site form cannot send without a CORS preflight we never grant.
 */
export const CSRF_COOKIE = '__Host-custos_csrf';

export function csrfToken(request: FastifyRequest, reply: FastifyReply, config: Config): string {
  let seed = request.cookies[CSRF_COOKIE];
  if (!seed || seed.length < 32 || seed.length > 64) {
    seed = randomToken(cryptoRandom);
    reply.setCookie(CSRF_COOKIE, seed, { path: '/', httpOnly: true, secure: config.secureCookies, sameSite: 'lax' });
    // Make the new seed visible to a render later in this same request.
    request.cookies[CSRF_COOKIE] = seed;
  }
  return signToken(config.keys, 'csrf', seed);
}

export function verifyCsrf(request: FastifyRequest, config: Config): void {
  const seed = request.cookies[CSRF_COOKIE];
  const body = request.body as Record<string, unknown> | undefined;
  const sent = typeof body?._csrf === 'string' ? body._csrf : '';
  if (!seed || !sent || sent.length > 200 || !verifyToken(config.keys, sent, 'csrf', seed)) throw errors.csrf();
}
