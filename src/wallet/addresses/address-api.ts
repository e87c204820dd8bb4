import { z } from 'zod';
import { iso } from '../../platform/format.js';
import type { Deps } from '../../platform/context.js';
import type { ApiRegistry } from '../../platform/http/api.js';
import { countryName } from './address-rules.js';
import { addAddress, editAddress, getAddress, listAddresses, removeAddress, setDefaultAddress, type SavedAddress } from './addresses.js';
import { formatAddressLines, parsePostalAddress, toAddressFields, type AddressField } from './postal-address.js';
import { signedIn } from '../../sessions/guards.js';

/**
 * The address book over JSON. Bodies name address fields only: an id, account, default flag or timestamp in a
 * body is refused, never applied (ASVS 8.2.3), and the account acted on is always the session's.
 */
const describe: Record<AddressField, string> = {
  full_name: 'The person who receives the post.',
  line1: 'Street address or PO box.',
  line2: 'Apartment, suite, building, floor (optional).',
  city: 'Town or city; required where the country needs it.',
  region: 'State, province or region; a code or a name where the country has a list (stored as the code).',
  postal_code: 'Checked and stored in the country’s own format (e.g. "SW1A 1AA", "94103-1234").',
  country: 'ISO 3166-1 alpha-2 code of a supported country.',
  phone: 'Optional; stored as E.164, read with the address’s country as the default.',
};

// Types only: the domain's messages name each field's own rules (lengths, formats, required-ness per country).
const given = (field: AddressField) => z.string().describe(describe[field]);
const optional = (field: AddressField) => z.string().nullable().optional().describe(describe[field]);
const optionalFields = {
  line2: optional('line2'),
  city: optional('city'),
  region: optional('region'),
  postal_code: optional('postal_code'),
  phone: optional('phone'),
};
const newAddress = z.object({ full_name: given('full_name'), line1: given('line1'), country: given('country'), ...optionalFields }).strict();
const addressChanges = z.object({ full_name: optional('full_name'), line1: optional('line1'), country: optional('country'), ...optionalFields }).strict();

export function addressJson(a: SavedAddress) {
  return {
    id: a.id,
    ...toAddressFields(a),
    country_name: countryName(a.country) ?? a.country,
    default_shipping: a.isDefaultShipping,
    default_billing: a.isDefaultBilling,
    lines: formatAddressLines(a),
    created_at: iso(a.createdAt),
    updated_at: iso(a.updatedAt),
  };
}

export function registerAddressApi(api: ApiRegistry, deps: Deps): void {
  api.add({
    method: 'GET', path: '/api/v1/addresses', tag: 'Addresses', guards: [signedIn],
    summary: 'Your address book: default shipping and billing first, then newest.',
    responses: { 200: 'Addresses', 401: 'Not signed in' },
    handler: async ({ session }) => ({ addresses: (await listAddresses(deps, session.accountId)).map(addressJson) }),
  });

  api.add({
    method: 'POST', path: '/api/v1/addresses', tag: 'Addresses', guards: [signedIn],
    summary: 'Add an address. The first one becomes your default shipping and billing address.',
    body: newAddress,
    responses: { 201: 'Address added', 400: 'Invalid fields', 401: 'Not signed in', 409: 'Address book full (100)' },
    handler: async ({ body, session }) => ({ address: addressJson(await addAddress(deps, session.accountId, parsePostalAddress(body))) }),
  });

  api.add({
    method: 'GET', path: '/api/v1/addresses/:id', tag: 'Addresses', guards: [signedIn],
    summary: 'One of your addresses.',
    responses: { 200: 'Address', 401: 'Not signed in', 404: 'No such address of yours' },
    handler: async ({ params, session }) => ({ address: addressJson(await getAddress(deps, session.accountId, params.id!)) }),
  });

  api.add({
    method: 'PATCH', path: '/api/v1/addresses/:id', tag: 'Addresses', guards: [signedIn],
    summary: 'Change some fields of an address; the whole address is checked again (null clears an optional field).',
    body: addressChanges,
    responses: { 200: 'Updated address', 400: 'Invalid fields', 401: 'Not signed in', 404: 'No such address of yours' },
    handler: async ({ body, params, session }) => {
      const current = await getAddress(deps, session.accountId, params.id!);
      const changed = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
      const address = parsePostalAddress({ ...toAddressFields(current), ...changed });
      return { address: addressJson(await editAddress(deps, session.accountId, current.id, address)) };
    },
  });

  api.add({
    method: 'DELETE', path: '/api/v1/addresses/:id', tag: 'Addresses', guards: [signedIn],
    summary: 'Remove an address. A default it held passes to your newest remaining address.',
    responses: { 204: 'Removed', 401: 'Not signed in', 404: 'No such address of yours' },
    handler: async ({ params, session }) => {
      await removeAddress(deps, session.accountId, params.id!);
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/addresses/:id/default', tag: 'Addresses', guards: [signedIn],
    summary: 'Make this your default shipping or billing address.',
    body: z.object({ use: z.enum(['shipping', 'billing']) }).strict(),
    responses: { 200: 'Address, now the default', 400: 'Invalid use', 401: 'Not signed in', 404: 'No such address of yours' },
    handler: async ({ body, params, session }) => ({ address: addressJson(await setDefaultAddress(deps, session.accountId, params.id!, body.use)) }),
  });
}
