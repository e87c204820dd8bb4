import { ADDRESS_FIELDS } from '../wallet/addresses/address-fields.js';
import { ADDRESS_LIMITS } from '../wallet/addresses/postal-address.js';

/**
 * The import row format as a JSON Schema (draft 2020-12): the contract stores write their exporters against, so it
 * stays stable. The same text is in the README and served at GET /api/store/v1/customer-imports/schema; a test
 * checks that this schema and the validator in customer-row.ts accept and refuse the same rows. What a schema can't
 * say (an email's shape, a phone number's validity, a country's postal code rules, a hash's format) is checked by the
 * validator alone and reported per row.
 */
export const ROW_LIMITS = { sourceId: 200, name: 200, emails: 10, phones: 1, addresses: 100, hash: 1024, format: 40, email: 320, phone: 40 } as const;

/** ISO 8601 date and time with a zone: 2019-04-01T12:00:00Z, 2019-04-01T14:00:00.5+02:00. */
export const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

const optionalText = (maxLength: number) => ({ type: ['string', 'null'], maxLength });

const address = {
  type: 'object',
  additionalProperties: false,
  required: ['full_name', 'line1', 'country'],
  properties: Object.fromEntries(
    ADDRESS_FIELDS.map((field) => [
      field,
      field === 'full_name' || field === 'line1' || field === 'country'
        ? { type: 'string', minLength: 1, maxLength: ADDRESS_LIMITS[field] * 4 + 64 }
        : optionalText(ADDRESS_LIMITS[field] * 4 + 64),
    ]),
  ),
};

export const CUSTOMER_ROW_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://custos.dev/schemas/customer-import-row.json',
  title: 'Custos customer import row',
  description: 'One customer per line of a JSON Lines file (or per item of {"customers": [...]} in the store API). Unknown fields are refused.',
  type: 'object',
  additionalProperties: false,
  required: ['source_id'],
  properties: {
    source_id: { type: 'string', minLength: 1, maxLength: ROW_LIMITS.sourceId, description: "The source platform's customer id; importing it again adds nothing." },
    name: optionalText(ROW_LIMITS.name),
    emails: {
      type: 'array',
      maxItems: ROW_LIMITS.emails,
      description: 'The first is the primary email. verified: the source platform proved it; unverified ones are confirmed at first use.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['address', 'verified'],
        properties: { address: { type: 'string', minLength: 1, maxLength: ROW_LIMITS.email }, verified: { type: 'boolean' } },
      },
    },
    phones: {
      type: 'array',
      maxItems: ROW_LIMITS.phones,
      description: 'E.164 or with a country code; an account has one phone.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['number', 'verified'],
        properties: { number: { type: 'string', minLength: 1, maxLength: ROW_LIMITS.phone }, verified: { type: 'boolean' } },
      },
    },
    password_hash: { ...optionalText(ROW_LIMITS.hash), description: 'As the source platform stored it; absent or null when it exports none.' },
    password_format: { ...optionalText(ROW_LIMITS.format), description: '"auto" (self-describing prefixes, the default) or a named prefix-less format.' },
    password_params: { type: ['object', 'null'], description: 'What a prefix-less format needs (salt, its position, a signer key).' },
    addresses: { type: 'array', maxItems: ROW_LIMITS.addresses, items: address, description: "The address API's fields; the first becomes the default." },
    created_at: { type: 'string', pattern: ISO_TIME.source, description: 'ISO 8601 with a time zone (Z or an offset); default: the time of the import.' },
  },
} as const;
