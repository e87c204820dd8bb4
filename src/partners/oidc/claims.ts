import type { Deps } from '../../platform/context.js';
import { listAddresses, type SavedAddress } from '../../wallet/addresses/addresses.js';
import { formatAddressLines } from '../../wallet/addresses/address-format.js';

/**
 * What a customer agreed a partner may learn on sign-in: the scopes, and which of their contacts and addresses
 * stand for "email", "phone" and "address". Kept in partner_grants.signin_claims; the ID token and userinfo carry
 * nothing else, whatever the partner asks for.
 */
export interface SigninClaims {
  /** Scopes the customer allowed. */
  scopes: string[];
  /** Scopes the partner asked for and did not get (nothing to share, or the customer said no): asked already. */
  declined: string[];
  emailId?: string;
  phoneId?: string;
  addressId?: string;
}

/** The scopes a partner may ask for, and the claims each gives (only with the customer's pick, for contacts). */
export const SCOPE_CLAIMS = {
  openid: ['sub'],
  profile: ['name', 'given_name', 'family_name'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
  address: ['address'],
} as const;

export interface ContactChoice {
  id: string;
  value: string;
}

/** What the consent page offers: only proven (verified) contacts, and the saved addresses. */
export interface Choices {
  name: string;
  emails: ContactChoice[];
  phones: ContactChoice[];
  addresses: Array<{ id: string; lines: string[] }>;
}

export async function choicesFor(deps: Deps, accountId: string): Promise<Choices> {
  const account = await deps.db.selectFrom('accounts').select('name').where('id', '=', accountId).executeTakeFirstOrThrow();
  const identifiers = await verifiedIdentifiers(deps, accountId);
  const addresses = await listAddresses(deps, accountId);
  return {
    name: account.name,
    emails: identifiers.filter((row) => row.kind === 'email').map((row) => ({ id: row.id, value: row.value })),
    phones: identifiers.filter((row) => row.kind === 'phone').map((row) => ({ id: row.id, value: row.value })),
    addresses: addresses.map((address) => ({ id: address.id, lines: formatAddressLines(address) })),
  };
}

/**
 * The claims for an ID token or userinfo answer. A contact counts only while it is still the customer's and still
 * verified, so `email_verified`/`phone_number_verified` are true whenever present — never a claim about an
 * unproven contact.
 */
export async function consentedClaims(deps: Deps, accountId: string, consent: SigninClaims, scopes: Set<string>): Promise<Record<string, unknown>> {
  const allowed = (scope: string) => scopes.has(scope) && consent.scopes.includes(scope);
  const claims: Record<string, unknown> = {};
  if (allowed('profile')) {
    const account = await deps.db.selectFrom('accounts').select('name').where('id', '=', accountId).executeTakeFirst();
    if (account) Object.assign(claims, nameClaims(account.name));
  }
  if ((allowed('email') && consent.emailId) || (allowed('phone') && consent.phoneId)) {
    const identifiers = await verifiedIdentifiers(deps, accountId);
    const email = allowed('email') ? identifiers.find((row) => row.id === consent.emailId && row.kind === 'email') : undefined;
    const phone = allowed('phone') ? identifiers.find((row) => row.id === consent.phoneId && row.kind === 'phone') : undefined;
    if (email) Object.assign(claims, { email: email.value, email_verified: true });
    if (phone) Object.assign(claims, { phone_number: phone.normalized, phone_number_verified: true });
  }
  if (allowed('address') && consent.addressId) {
    const address = (await listAddresses(deps, accountId)).find((row) => row.id === consent.addressId);
    if (address) claims.address = addressClaim(address);
  }
  return claims;
}

function nameClaims(name: string): Record<string, string> {
  const parts = name.trim().split(/\s+/);
  return parts.length > 1 ? { name, given_name: parts[0]!, family_name: parts.slice(1).join(' ') } : { name };
}

/** OpenID Connect's address claim (Core 5.1.1). */
function addressClaim(address: SavedAddress): Record<string, string> {
  const street = [address.line1, address.line2].filter(Boolean).join('\n');
  return {
    formatted: formatAddressLines(address).join('\n'),
    street_address: street,
    ...(address.city ? { locality: address.city } : {}),
    ...(address.region ? { region: address.region } : {}),
    ...(address.postalCode ? { postal_code: address.postalCode } : {}),
    country: address.country,
  };
}

function verifiedIdentifiers(deps: Pick<Deps, 'db'>, accountId: string) {
  return deps.db
    .selectFrom('identifiers')
    .select(['id', 'kind', 'value', 'normalized'])
    .where('account_id', '=', accountId)
    .where('verified_at', 'is not', null)
    .orderBy('is_primary', 'desc')
    .orderBy('created_at')
    .execute();
}
