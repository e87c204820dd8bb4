import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import type { RequestInfo } from '../context.js';
import { randomToken } from '../crypto.js';
import { cryptoRandom } from '../random.js';

/**
 * Who is asking. The address comes from Fastify, which honours X-Forwarded-For only when TRUST_PROXY is set.
 * The device token is the browser's long-lived `__Host-custos_device` cookie — random, not a fingerprint — or
 * a fresh one that a successful sign-in will set (see setDeviceCookie).
 */
export const DEVICE_COOKIE = '__Host-custos_device';
export const REMEMBER_COOKIE = '__Host-custos_remember';
/** Browsers cap cookie lifetimes at 400 days. */
const DEVICE_COOKIE_DAYS = 400;

export function requestInfo(request: FastifyRequest): RequestInfo {
  const userAgent = request.headers['user-agent'];
  const cookie = request.cookies?.[DEVICE_COOKIE];
  const deviceToken = cookie && /^[\w-]{43}$/.test(cookie) ? cookie : randomToken(cryptoRandom);
  const remember = request.cookies?.[REMEMBER_COOKIE];
  return {
    ip: request.ip,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : '',
    deviceToken,
    rememberToken: remember && remember.length <= 100 ? remember : undefined,
  };
}

/** Set when the customer ticks "remember this device" at the second step; 30 days, this browser only. */
export function setRememberCookie(reply: FastifyReply, config: Config, remember: { token: string; expiresAt: number } | undefined): void {
  if (!remember) return;
  reply.setCookie(REMEMBER_COOKIE, remember.token, {
    path: '/',
    httpOnly: true,
    secure: config.secureCookies,
    sameSite: 'lax',
    expires: new Date(remember.expiresAt),
  });
}

/** Called by every route that completes a sign-in, so the browser is recognised next time. */
export function setDeviceCookie(reply: FastifyReply, config: Config, info: RequestInfo): void {
  if (!info.deviceToken) return;
  reply.setCookie(DEVICE_COOKIE, info.deviceToken, {
    path: '/',
    httpOnly: true,
    secure: config.secureCookies,
    sameSite: 'lax',
    maxAge: DEVICE_COOKIE_DAYS * 86_400,
  });
}
