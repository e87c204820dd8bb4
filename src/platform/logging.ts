import type { FastifyServerOptions } from 'fastify';
import type { Config } from '../config.js';

/**
 * Structured logs (pino). Anything that could carry a secret is redacted by path: credentials in headers and
 * cookies, and every body field that holds a password, code, token or card detail. Bodies are not logged at
 * all by default; the redaction is the second line of defence.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.current_password',
  '*.new_password',
  '*.code',
  '*.token',
  '*._csrf',
  // Card fields as the sandbox gateway's page posts them (SECURITY.md "Card data"): never in a log line, whether
  // a body is logged as `{ body }` or inside a request-shaped object (`{ req: { body } }`, `{ request: { body } }`).
  '*.number',
  '*.cvc',
  '*.cvv',
  '*.expiry',
  '*.body.number',
  '*.body.cvc',
  '*.body.cvv',
  '*.body.expiry',
];

export function loggerOptions(config: Config): FastifyServerOptions['logger'] {
  if (config.logLevel === 'silent') return false;
  return {
    level: config.logLevel,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      // Query strings can carry link tokens (/signup/confirm/link?token=…): log the path only.
      req: (request: { method?: string; url?: string; ip?: string }) => ({ method: request.method, url: request.url?.split('?')[0], ip: request.ip }),
    },
  };
}
