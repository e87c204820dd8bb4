import { identifierMessages, isProblem, parseEmail, parsePhone } from '../accounts/identifiers.js';
import type { Deps } from '../platform/context.js';
import { errors } from '../platform/errors.js';
import type { ApiRegistry } from '../platform/http/api.js';
import { singleQueryValue } from '../platform/http/query.js';
import { customerFacts } from '../orders/customer-facts.js';
import { storeKey } from './store-key-guard.js';

/**
 * The store API's customer lookup for checkout (registered by store-api.ts; only a store key opens it): which
 * saved card to charge, and nothing a caller could recite to a support desk (customer-facts.ts says why).
 */
export function registerStoreCustomerApi(api: ApiRegistry, deps: Deps): void {
  api.add({
    method: 'GET', path: '/api/store/v1/customers', tag: 'Store API', guards: [storeKey],
    summary:
      'Look up a customer by ?email= or ?phone= (verified identifiers only) for checkout: their name and saved cards as {id, brand, last4, is_default, usable} ' +
      '(usable is false once a card has expired), default first. No address, no expiry date, never a token, and not the internal account id.',
    responses: {
      200: 'The customer',
      400: 'Neither or both of email and phone, or not a valid one',
      401: 'Missing, unknown or revoked store key (store.key_invalid)',
      404: 'No customer with that identifier',
    },
    handler: async ({ query }) => {
      const email = singleQueryValue(query, 'email', { keepEmpty: true });
      const phone = singleQueryValue(query, 'phone', { keepEmpty: true });
      if ((email === undefined) === (phone === undefined)) throw errors.invalidInput({ email: 'Send exactly one of email or phone.' });
      const identifier = email !== undefined ? parseEmail(email) : parsePhone(phone!, deps.config.defaultPhoneRegion);
      if (isProblem(identifier)) {
        throw errors.invalidInput(email !== undefined ? { email: identifierMessages.email_invalid } : { phone: identifierMessages.phone_invalid });
      }
      const customer = await customerFacts(deps, identifier);
      return {
        customer: {
          name: customer.name,
          cards: customer.cards.map((c) => ({ id: c.id, brand: c.brand, last4: c.last4, is_default: c.isDefault, usable: c.usable })),
        },
      };
    },
  });
}
