// The shape of an address alone, with no rules: the country rules and the formatter build on it.

/**
 * One postal address: the address book stores it in columns, cards keep it as the billing address and orders
 * keep a copy of the shipping address (JSON, snake_case keys) so later edits never rewrite history.
 */
export interface PostalAddress {
  fullName: string;
  line1: string;
  line2: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  country: string;
  phone: string | null;
}

/** The JSON names, in the order forms and answers show them. */
export const ADDRESS_FIELDS = ['full_name', 'line1', 'line2', 'city', 'region', 'postal_code', 'country', 'phone'] as const;
export type AddressField = (typeof ADDRESS_FIELDS)[number];
export type AddressJson = Record<AddressField, string | null>;
