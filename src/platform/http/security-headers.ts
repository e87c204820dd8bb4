import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Config } from '../../config.js';

/**
 * Security headers on every response (SECURITY.md "Headers"): a CSP with no inline script and no framing,
 * nosniff, no referrer (pages carry flow ids and link tokens), and HSTS when served over https.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

export function applySecurityHeaders(reply: FastifyReply, config: Config): void {
  if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', CSP);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('x-frame-options', 'DENY');
  reply.header('cross-origin-opener-policy', 'same-origin');
  reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
  if (config.publicUrl.startsWith('https://')) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
}

export function installSecurityHeaders(app: FastifyInstance, config: Config): void {
  app.addHook('onSend', async (request, reply, payload) => {
    applySecurityHeaders(reply, config);
    if (!reply.hasHeader('cache-control') && request.method === 'GET' && !request.url.startsWith('/assets/')) {
      reply.header('cache-control', 'no-store');
    }
    return payload;
  });
}
