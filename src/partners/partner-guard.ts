import { AppError } from '../platform/errors.js';
import type { Guard } from '../platform/http/guard.js';
import { authenticatePartner, type Partner } from './partners.js';

/**
 * A partner site's back end on /api/partner/v1, by its OAuth client credentials in HTTP Basic (RFC 6749 §2.3.1:
 * each part form-urlencoded, then joined by ':' and base64-encoded). Only client credentials: a customer's session
 * or a store key is never one.
 */
export const partnerClient: Guard<{ partner: Partner }> = {
  name: 'partner-client',
  security: {
    requirements: [{ partnerClient: [] }],
    schemes: {
      partnerClient: {
        type: 'http',
        scheme: 'basic',
        description: 'The partner\'s client_id and client_secret, from `npm run partner -- create`.',
      },
    },
  },
  async resolve(request, deps) {
    const credentials = basicCredentials(request.headers.authorization);
    const partner = credentials ? await authenticatePartner(deps, credentials.id, credentials.secret) : null;
    if (!partner) {
      throw new AppError(401, 'partner.credentials_invalid', 'Send your client_id and client_secret as HTTP Basic credentials.');
    }
    return { partner };
  },
};

function basicCredentials(header: string | undefined): { id: string; secret: string } | null {
  if (typeof header !== 'string' || !/^Basic /i.test(header) || header.length > 1000) return null;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return null;
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return null;
  }
}
