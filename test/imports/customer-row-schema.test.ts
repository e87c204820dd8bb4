import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { CUSTOMER_ROW_JSON_SCHEMA } from '../../src/imports/customer-row-schema.js';
import { customerRowShape } from '../../src/imports/customer-row.js';
import { importRow } from './import-rows.js';

/**
 * The JSON Schema stores write their exporters against and the validator the import runs must say the same about a
 * row's shape: a row the schema accepts is never refused for its shape, and the reverse. (What no schema can say —
 * an email's form, a phone's validity, a postal code — is the validator's alone, and not in these rows.)
 */
const address = { full_name: 'Ada Lovelace', line1: '1 Market St', city: 'San Francisco', region: 'CA', postal_code: '94105', country: 'US' };

const good: Record<string, unknown>[] = [
  importRow(1),
  { source_id: 'shopify-1' },
  importRow(2, { phones: [{ number: '+14155550134', verified: false }], emails: [] }),
  importRow(3, { password_hash: '$2y$10$abcdefghijklmnopqrstuu', password_format: 'auto', password_params: {} }),
  importRow(4, { password_hash: null, password_format: null, password_params: null, name: null }),
  importRow(5, { password_format: 'magento2', password_params: { salt: 'x', position: 'suffix' } }),
  importRow(6, { addresses: [address, { ...address, line2: null, phone: '+14155550134' }] }),
  importRow(7, { created_at: '2019-04-01T14:00:00.123+02:00' }),
  importRow(8, { created_at: '2019-04-01T12:00Z' }),
  importRow(9, { name: 'Zoë 山田 👩🏽‍💻' }),
];

const bad: Record<string, unknown>[] = [
  {},
  importRow(1, { source_id: '' }),
  importRow(2, { source_id: 'x'.repeat(201) }),
  importRow(3, { source_id: 42 }),
  importRow(4, { extra: true }),
  importRow(5, { emails: [{ address: 'a@b.example' }] }),
  importRow(6, { emails: [{ address: 'a@b.example', verified: 'yes' }] }),
  importRow(7, { emails: [{ address: 'a@b.example', verified: true, primary: true }] }),
  importRow(8, { emails: 'a@b.example' }),
  importRow(9, { emails: Array.from({ length: 11 }, (_, i) => ({ address: `a${i}@b.example`, verified: true })) }),
  importRow(10, { phones: [{ number: '+14155550134', verified: true }, { number: '+14155550135', verified: true }] }),
  importRow(11, { password_params: 'salt' }),
  importRow(12, { password_hash: 'x'.repeat(1025) }),
  importRow(13, { addresses: [{ ...address, door_code: '1' }] }),
  importRow(14, { addresses: [{ line1: '1 Main St', country: 'US' }] }),
  importRow(15, { addresses: [{ ...address, city: 7 }] }),
  importRow(16, { created_at: '2019-04-01' }),
  importRow(17, { created_at: '2019-04-01T12:00:00' }),
  importRow(18, { created_at: 1554120000 }),
  importRow(19, { name: 'x'.repeat(201) }),
];

describe('the customer row JSON Schema', () => {
  const validate = new Ajv2020({ strict: true, allowUnionTypes: true }).compile(CUSTOMER_ROW_JSON_SCHEMA);

  it.each(good.map((row, i) => [i, row]))('accepts good row %i, as the validator does', (_i, row) => {
    expect(validate(row)).toBe(true);
    expect(customerRowShape.safeParse(row).success).toBe(true);
  });

  it.each(bad.map((row, i) => [i, row]))('refuses bad row %i, as the validator does', (_i, row) => {
    expect(validate(row)).toBe(false);
    expect(customerRowShape.safeParse(row).success).toBe(false);
  });

  it('is the schema printed in the README', () => {
    const readme = readFileSync('README.md', 'utf8');
    const block = /<!-- customer-row-schema -->\n```json\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(block && JSON.parse(block)).toEqual(JSON.parse(JSON.stringify(CUSTOMER_ROW_JSON_SCHEMA)));
  });
});
