import { AppError } from '../platform/errors.js';
import type { Guard } from '../platform/http/guard.js';
import { authenticateStoreKey, type StoreKey } from './store-keys.js';

/**
 * The shop's back end, by its store API key (Authorization: Bearer csk_…). Store routes take only a store key: a
 * customer's session token is never one, and vice versa.
 */
export const storeKey: Guard<{ store: StoreKey }> = {
  name: 'store-key',
  security: {
    requirements: [{ storeKey: [] }],
    schemes: { storeKey: { type: 'http', scheme: 'bearer', description: 'A store API key (csk_…), created with `npm run store-key -- create`.' } },
  },
  async resolve(request, deps) {
    const header = request.headers.authorization;
    const presented = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    const store = presented ? await authenticateStoreKey(deps, presented) : null;
    if (!store) throw new AppError(401, 'store.key_invalid', 'Send a valid store API key as Authorization: Bearer csk_….');
    return { store };
  },
};
