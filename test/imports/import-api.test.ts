import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type ListeningTestApp, type TestApp } from '../helpers/app.js';
import { customer, storeApi, storeKey, type TestStoreKey } from '../helpers/store.js';
import { quarantineIdentifier } from '../../src/accounts/quarantine.js';
import { importRow } from './import-rows.js';

const PATH = '/api/store/v1/customer-imports';

describe('POST /api/store/v1/customer-imports', () => {
  let t: TestApp;
  let key: TestStoreKey;
  beforeEach(async () => {
    t = await createTestApp();
    key = await storeKey(t);
  });
  afterEach(() => t.close());

  const identifiersOf = (accountId: string) =>
    t.app.deps.db.selectFrom('identifiers').select(['kind', 'normalized', 'is_primary', 'verified_at']).where('account_id', '=', accountId).orderBy('is_primary', 'desc').execute();

  it('imports each row and answers row by row, in order; created_at, identifiers and addresses come from the row', async () => {
    const rows = [
      importRow(1, {
        emails: [{ address: 'Ada@Import.Example', verified: true }, { address: 'ada.old@import.example', verified: false }],
        phones: [{ number: '+1 415 555 0134', verified: false }],
        addresses: [{ full_name: 'Ada Lovelace', line1: '1 Market St', city: 'San Francisco', region: 'CA', postal_code: '94105', country: 'us' }],
      }),
      importRow(2, { name: undefined, password_hash: null }),
    ];
    const res = await storeApi(t, key, 'POST', PATH, { body: { customers: rows } });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: any) => [r.index, r.source_id, r.status])).toEqual([[0, 'wc-1', 'imported'], [1, 'wc-2', 'imported']]);
    expect(res.body.summary).toEqual({ imported: 2, already_imported: 0, conflicts: 0, errors: 0 });

    const accountId = res.body.results[0].account_id as string;
    const account = await t.app.deps.db.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirstOrThrow();
    expect(account.created_at).toBe(Date.parse('2019-04-01T12:00:00Z'));
    expect(account.password_hash).toBeNull();
    const ids = await identifiersOf(accountId);
    expect(ids.map((i) => [i.normalized, i.is_primary, i.verified_at !== null])).toEqual([
      ['ada@import.example', 1, true],
      ['ada.old@import.example', 0, false],
      ['+14155550134', 0, false],
    ]);
    const [address] = await t.app.deps.db.selectFrom('addresses').selectAll().where('account_id', '=', accountId).execute();
    expect(address).toMatchObject({ country: 'US', region: 'CA', postal_code: '94105', is_default_shipping: 1 });
    const source = await t.app.deps.db.selectFrom('import_sources').selectAll().where('source_id', '=', 'wc-1').executeTakeFirstOrThrow();
    expect(source).toMatchObject({ account_id: accountId, imported_by: key.id });
  });

  it('is idempotent by source_id: a retried call reports already_imported with the same account and adds nothing', async () => {
    const body = { customers: [importRow(1), importRow(2)] };
    const first = await storeApi(t, key, 'POST', PATH, { body });
    const again = await storeApi(t, key, 'POST', PATH, { body });
    expect(again.body.results.map((r: any) => r.status)).toEqual(['already_imported', 'already_imported']);
    expect(again.body.results.map((r: any) => r.account_id)).toEqual(first.body.results.map((r: any) => r.account_id));
    const accounts = await t.app.deps.db.selectFrom('accounts').select('id').execute();
    expect(accounts).toHaveLength(2);

    // One source id twice in one batch: the second row is the first one's account.
    const twice = await storeApi(t, key, 'POST', PATH, { body: { customers: [importRow(3), importRow(3, { name: 'Someone Else' })] } });
    expect(twice.body.results.map((r: any) => r.status)).toEqual(['imported', 'already_imported']);
    expect(twice.body.results[1].account_id).toBe(twice.body.results[0].account_id);
  });

  it('reports an email or phone any account already names as a conflict, never merged — verified, unverified, held, or an earlier row', async () => {
    await customer(t, 'taken@import.example');
    await storeApi(t, key, 'POST', PATH, { body: { customers: [importRow(10, { emails: [{ address: 'claimed@import.example', verified: false }] })] } });
    await quarantineIdentifier(t.app.deps.db, t.clock, 30, { kind: 'email', normalized: 'held@import.example', accountId: 'closed-account', reason: 'account_closed' });
    const res = await storeApi(t, key, 'POST', PATH, {
      body: {
        customers: [
          importRow(1, { emails: [{ address: 'TAKEN@import.example', verified: true }] }),
          importRow(2, { emails: [{ address: 'claimed@import.example', verified: true }] }),
          importRow(3, { emails: [{ address: 'held@import.example', verified: true }] }),
          importRow(4, { emails: [{ address: 'twice@import.example', verified: true }] }),
          importRow(5, { emails: [{ address: 'twice@import.example', verified: false }] }),
        ],
      },
    });
    expect(res.body.results.map((r: any) => r.status)).toEqual(['conflict', 'conflict', 'conflict', 'imported', 'conflict']);
    expect(res.body.results[0].problems).toEqual([{ field: 'emails.0.address', reason: expect.stringMatching(/already belongs to an account/) }]);
    expect(res.body.results[2].problems[0].reason).toMatch(/held/);
    expect(res.body.summary).toEqual({ imported: 1, already_imported: 0, conflicts: 4, errors: 0 });
    const owners = await t.app.deps.db.selectFrom('identifiers').select('account_id').where('normalized', '=', 'taken@import.example').execute();
    expect(owners).toHaveLength(1);
  });

  it('refuses unknown fields per row, naming them, while the other rows import', async () => {
    const res = await storeApi(t, key, 'POST', PATH, {
      body: {
        customers: [
          importRow(1, { loyalty_points: 12 }),
          importRow(2, { emails: [{ address: 'x@import.example', verified: true, primary: true }] }),
          importRow(3),
          importRow(4, { addresses: [{ full_name: 'A', line1: '1 Main St', country: 'US', city: 'Austin', region: 'TX', postal_code: '73301', door_code: '1234' }] }),
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: any) => r.status)).toEqual(['invalid', 'invalid', 'imported', 'invalid']);
    expect(res.body.results[0].problems).toEqual([{ field: 'loyalty_points', reason: 'This field is not part of the import format.' }]);
    expect(res.body.results[1].problems[0].field).toBe('emails.0.primary');
    expect(res.body.results[3].problems[0].field).toBe('addresses.0.door_code');
  });

  it('checks what a schema cannot: emails, phones, names, addresses and times, each problem with its field', async () => {
    const res = await storeApi(t, key, 'POST', PATH, {
      body: {
        customers: [
          importRow(1, { emails: [{ address: 'not-an-email', verified: true }] }),
          importRow(2, { emails: [], phones: [{ number: '+1 000', verified: true }] }),
          importRow(3, { name: 'Visit https://evil.example' }),
          importRow(4, { addresses: [{ full_name: 'A', line1: '1 Main St', country: 'US', city: 'Austin', region: 'TX', postal_code: 'nope' }] }),
          importRow(5, { created_at: '2019-02-30T25:00:00Z' }),
          importRow(6, { emails: undefined }),
          { name: 'no id' },
          importRow(8, { source_id: 'x'.repeat(201) }),
          importRow(9, { password_hash: '$1$weird$hash', password_format: 'auto' }),
        ],
      },
    });
    const fields = res.body.results.map((r: any) => r.problems?.map((p: any) => p.field));
    expect(fields).toEqual([
      ['emails.0.address'], ['phones.0.number'], ['name'], ['addresses.0.postal_code'], ['created_at'], ['emails'], ['source_id'], ['source_id'], ['password_hash'],
    ]);
    expect(res.body.results[6].source_id).toBeNull();
    expect(res.body.results.every((r: any) => r.status === 'invalid')).toBe(true);
  });

  it('takes unicode-odd names and internationalised emails as customers type them, and refuses invisible controls', async () => {
    const res = await storeApi(t, key, 'POST', PATH, {
      body: {
        customers: [
          importRow(1, { name: 'Zoë Ñúñez 山田 👩🏽‍💻', emails: [{ address: 'zoë@bücher.example', verified: true }] }),
          importRow(2, { name: 'Bad\u202eName' }),
          importRow(3, { emails: [{ address: 'a\u200b@import.example', verified: true }] }),
          importRow(4, { name: 'A\u0000B' }),
        ],
      },
    });
    expect(res.body.results.map((r: any) => r.status)).toEqual(['imported', 'invalid', 'invalid', 'invalid']);
    const ids = await identifiersOf(res.body.results[0].account_id);
    expect(ids[0]!.normalized).toBe('zoë@xn--bcher-kva.example');
  });

  it('refuses a batch over 1000 rows, an empty one, a body over 4 MB, and any call without a store key', async () => {
    const many = await storeApi(t, key, 'POST', PATH, { body: { customers: Array.from({ length: 1001 }, (_, i) => importRow(i)) } });
    expect(many.status).toBe(400);
    expect(many.body.error.code).toBe('request.invalid');
    expect((await storeApi(t, key, 'POST', PATH, { body: { customers: [] } })).status).toBe(400);
    expect((await storeApi(t, key, 'POST', PATH, { body: { customers: ['x'] } })).status).toBe(400);
    expect((await storeApi(t, key, 'POST', PATH, { body: { rows: [importRow(1)] } })).status).toBe(400);
    const huge = await storeApi(t, key, 'POST', PATH, { rawBody: JSON.stringify({ customers: [importRow(1, { name: 'x'.repeat(5 * 1024 * 1024) })] }) });
    expect(huge.status).toBe(413);
    expect((await storeApi(t, null, 'POST', PATH, { body: { customers: [importRow(1)] } })).status).toBe(401);
    expect(await t.app.deps.db.selectFrom('accounts').select('id').execute()).toHaveLength(0);
  });

  it('orders from the old platform follow through the store API with placed_at, as the README shows', async () => {
    await storeApi(t, key, 'POST', PATH, { body: { customers: [importRow(1, { emails: [{ address: 'ada@example.com', verified: true }] })] } });
    const order = await storeApi(t, key, 'POST', '/api/store/v1/orders', {
      headers: { 'idempotency-key': 'wc-order-5531' },
      body: {
        customer: { email: 'ada@example.com' }, currency: 'USD', placed_at: '2021-11-26T09:14:00Z',
        items: [{ sku: 'TEA-1', title: 'Darjeeling, 250 g', quantity: 1, unit_price: 1450 }],
        shipping_address: { full_name: 'Ada Lovelace', line1: '1 Market St', city: 'San Francisco', region: 'CA', postal_code: '94105', country: 'US' },
        totals: { subtotal: 1450, shipping: 0, tax: 0, total: 1450 },
      },
    });
    expect(order.body.error ?? order.status).toBe(201);
    expect(order.body.order.placed_at).toBe('2021-11-26T09:14:00.000Z');
  });

  it('serves the row JSON Schema and lists the route in the OpenAPI document', async () => {
    const schema = await storeApi(t, null, 'GET', `${PATH}/schema`);
    expect(schema.status).toBe(200);
    expect(schema.body.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const openapi = await storeApi(t, null, 'GET', '/api/openapi.json');
    expect(openapi.body.paths['/api/store/v1/customer-imports'].post.security).toEqual([{ storeKey: [] }]);
  });
});

describe('200 concurrent imports of the same batch', () => {
  let t: ListeningTestApp;
  afterEach(() => t.close());

  it('import each source_id once', async () => {
    t = await createTestApp({}, { listen: true });
    const key = await storeKey(t);
    const body = JSON.stringify({ customers: Array.from({ length: 5 }, (_, i) => importRow(i, { phones: [{ number: `+1415555${String(1000 + i)}`, verified: false }] })) });
    const answers = await Promise.all(
      Array.from({ length: 200 }, async () => {
        const res = await fetch(`${t.baseUrl}${PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key.token}` }, body });
        return { status: res.status, body: (await res.json()) as any };
      }),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(200).fill(200));
    const imported = answers.flatMap((a) => a.body.results).filter((r: any) => r.status === 'imported');
    expect(imported).toHaveLength(5);
    expect(answers.flatMap((a) => a.body.results).filter((r: any) => r.status !== 'imported' && r.status !== 'already_imported')).toEqual([]);
    expect(await t.app.deps.db.selectFrom('accounts').select('id').execute()).toHaveLength(5);
    expect(await t.app.deps.db.selectFrom('identifiers').select('id').execute()).toHaveLength(10);
  });
});
