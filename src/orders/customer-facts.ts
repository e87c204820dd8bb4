import { findAccountByIdentifier } from '../accounts/store.js';
import type { ParsedIdentifier } from '../accounts/identifiers.js';
import type { Deps } from '../platform/context.js';
import { errors } from '../platform/errors.js';
import { listCardsFor } from '../wallet/cards/cards.js';

/**
 * What the shop's checkout needs to place an order for a customer it names by email or phone: their name and
 * which saved card to charge — each card's id, brand, last 4, whether it is the default and whether it can be
 * used (not expired). Nothing more. A store key can look up anyone, so it is not handed the facts a caller
 * recites to a support desk — billing or shipping address, last 4 and expiry date together are exactly what
 * the 2012 Mat Honan takeover used (SECURITY.md). No gateway token or fingerprint, and no internal account id
 * (PRODUCT.md keeps it internal; orders are created by the identifier the shop asked with). The shop's own
 * front end reads the customer's address book with the customer's session (GET /api/v1/addresses).
 */
export interface CheckoutCard {
  id: string;
  brand: string;
  last4: string;
  isDefault: boolean;
  /** False once the card's expiry month has passed: checkout should not offer it. */
  usable: boolean;
}

export interface CheckoutCustomer {
  name: string;
  /** The default first, as the wallet lists them. */
  cards: CheckoutCard[];
}

export async function customerFacts(deps: Deps, identifier: ParsedIdentifier): Promise<CheckoutCustomer> {
  const account = await findAccountByIdentifier(deps.db, identifier);
  if (!account || account.status === 'closed') throw errors.notFound('customer');
  const cards = await listCardsFor(deps, account.id);
  return {
    name: account.name,
    cards: cards.map((c) => ({ id: c.id, brand: c.brand, last4: c.last4, isDefault: c.isDefault, usable: c.expiry !== 'expired' })),
  };
}
