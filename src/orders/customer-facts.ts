import { findAccountByIdentifier } from '../accounts/store.js';
import type { ParsedIdentifier } from '../accounts/identifiers.js';
import type { Deps } from '../platform/context.js';
import { errors } from '../platform/errors.js';
import { defaultAddress } from '../wallet/addresses.js';
import type { ExpiryStatus } from '../wallet/card-expiry.js';
import { listCardsFor } from '../wallet/cards.js';
import type { PostalAddress } from '../wallet/postal-address.js';

/**
 * What the shop's checkout may know about a customer it names by email or phone: their name, their saved
 * cards as masked facts (brand, last 4, expiry — never the gateway token or fingerprint) and their default
 * shipping address. The internal account id is left out: PRODUCT.md keeps it internal, the shop already
 * names the customer by the identifier it asked with, and orders are created by that identifier too.
 */
export interface CardFacts {
  id: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  expiry: ExpiryStatus;
  isDefault: boolean;
}

export interface CustomerFacts {
  name: string;
  cards: CardFacts[];
  defaultShippingAddress: PostalAddress | null;
}

export async function customerFacts(deps: Deps, identifier: ParsedIdentifier): Promise<CustomerFacts> {
  const account = await findAccountByIdentifier(deps.db, identifier);
  if (!account || account.status === 'closed') throw errors.notFound('customer');
  const [cards, address] = await Promise.all([listCardsFor(deps, account.id), defaultAddress(deps, account.id, 'shipping')]);
  return {
    name: account.name,
    cards: cards.map((c) => ({ id: c.id, brand: c.brand, last4: c.last4, expMonth: c.expMonth, expYear: c.expYear, expiry: c.expiry, isDefault: c.isDefault })),
    defaultShippingAddress: address && {
      fullName: address.fullName,
      line1: address.line1,
      line2: address.line2,
      city: address.city,
      region: address.region,
      postalCode: address.postalCode,
      country: address.country,
      phone: address.phone,
    },
  };
}
