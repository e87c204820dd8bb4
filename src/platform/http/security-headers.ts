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

/**
 * The policy for a page whose form ends in a redirect to another site (a partner's registered redirect URI after
 * consent): browsers apply form-action to every redirect after a form is sent, so that one origin is added.
 */
export function cspWithFormTarget(origin: string, config?: Pick<Config, 'returnUrlOrigins'>): string {
  return CSP.replace("form-action 'self'", ['form-action', "'self'", ...(config?.returnUrlOrigins ?? []), origin].join(' '));
}

/**
 * Every page's policy. A sign-in or card form may end in a redirect to the shop's own site (RETURN_URL_ORIGINS),
 * and browsers apply form-action to that redirect too, so those origins — the store's own — are allowed as targets.
 */
function pagePolicy(config: Pick<Config, 'returnUrlOrigins'>): string {
  return config.returnUrlOrigins.length ? CSP.replace("form-action 'self'", ['form-action', "'self'", ...config.returnUrlOrigins].join(' ')) : CSP;
}

export function applySecurityHeaders(reply: FastifyReply, config: Config): void {
  for (const [name, value] of securityHeaders(config)) {
    if (name !== 'content-security-policy' || !reply.hasHeader(name)) reply.header(name, value);
  }
}

/** The same headers as pairs, for answers written outside Fastify's reply (middleware such as the OpenID provider). */
export function securityHeaders(config: Config): Array<[string, string]> {
  return [
    ['content-security-policy', pagePolicy(config)],
    ['x-content-type-options', 'nosniff'],
    ['referrer-policy', 'no-referrer'],
    ['x-frame-options', 'DENY'],
    ['cross-origin-opener-policy', 'same-origin'],
    ['permissions-policy', 'camera=(), microphone=(), geolocation=()'],
    ...(config.publicUrl.startsWith('https://') ? [['strict-transport-security', 'max-age=31536000; includeSubDomains'] as [string, string]] : []),
  ];
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
