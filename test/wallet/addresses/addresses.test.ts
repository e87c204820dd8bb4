import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, type TestApp } from '../../helpers/app.js';
import { signUpFrom } from '../../helpers/fixtures.js';
import { ADDRESS_BOOK_MAX, defaultAddress, getAddress } from '../../../src/wallet/addresses/addresses.js';
import { LONDON, SF, TOKYO } from './address-fixtures.js';

describe('address book', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  async function add(token: string, body: object) {
    const res = await api(t, 'POST', '/api/v1/addresses', { token, body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.address;
  }

  it('adds an address in normalised form; the first becomes default shipping and billing', async () => {
    const { token } = await signUpFrom(t, { email: 'ada@example.com' });
    const first = await add(token, LONDON);
    expect(first).toMatchObject({
      full_name: 'Ada Lovelace', line1: '10 Downing Street', line2: null, city: 'London', region: null, postal_code: 'SW1A 2AA',
      country: 'GB', country_name: 'United Kingdom', phone: '+442079460018', default_shipping: true, default_billing: true,
      lines: ['Ada Lovelace', '10 Downing Street', 'London', 'SW1A 2AA', 'United Kingdom'],
    });
    expect(first.created_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    const second = await add(token, SF);
    expect(second).toMatchObject({ region: 'CA', default_shipping: false, default_billing: false, lines: ['Ada Lovelace', '1 Market St', 'San Francisco, CA 94103', 'United States'] });
    expect((await api(t, 'GET', `/api/v1/addresses/${second.id}`, { token })).body.address).toEqual(second);
  });

  it('lists defaults first, then newest', async () => {
    const { token } = await signUpFrom(t, { email: 'ada@example.com' });
    const london = await add(token, LONDON);
    t.clock.advance(1000);
    const sf = await add(token, SF);
    t.clock.advance(1000);
    const tokyo = await add(token, TOKYO);
    let list = (await api(t, 'GET', '/api/v1/addresses', { token })).body.addresses;
    expect(list.map((a: { id: string }) => a.id)).toEqual([london.id, tokyo.id, sf.id]);
    await api(t, 'POST', `/api/v1/addresses/${sf.id}/default`, { token, body: { use: 'billing' } });
    list = (await api(t, 'GET', '/api/v1/addresses', { token })).body.addresses;
    expect(list.map((a: { id: string }) => a.id)).toEqual([london.id, sf.id, tokyo.id]);
  });

  it('keeps exactly one default shipping and one default billing address', async () => {
    const { token, accountId } = await signUpFrom(t, { email: 'ada@example.com' });
    const london = await add(token, LONDON);
    const sf = await add(token, SF);
    const res = await api(t, 'POST', `/api/v1/addresses/${sf.id}/default`, { token, body: { use: 'shipping' } });
    expect(res.status).toBe(200);
    expect(res.body.address).toMatchObject({ id: sf.id, default_shipping: true, default_billing: false });
    expect((await defaultAddress(t.app.deps, accountId, 'shipping'))?.id).toBe(sf.id);
    expect((await defaultAddress(t.app.deps, accountId, 'billing'))?.id).toBe(london.id);
    const rows = await t.app.deps.db.selectFrom('addresses').select(['is_default_shipping', 'is_default_billing']).where('account_id', '=', accountId).execute();
    expect(rows.filter((r) => r.is_default_shipping === 1)).toHaveLength(1);
    expect(rows.filter((r) => r.is_default_billing === 1)).toHaveLength(1);
    expect((await api(t, 'POST', `/api/v1/addresses/${sf.id}/default`, { token, body: { use: 'gift' } })).status).toBe(400);
  });

  it('concurrent first additions still give one default of each', async () => {
    const { token, accountId } = await signUpFrom(t, { email: 'ada@example.com' });
    const results = await Promise.all([LONDON, SF, TOKYO, SF, LONDON].map((body) => api(t, 'POST', '/api/v1/addresses', { token, body })));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    const rows = await t.app.deps.db.selectFrom('addresses').select(['is_default_shipping', 'is_default_billing']).where('account_id', '=', accountId).execute();
    expect(rows.filter((r) => r.is_default_shipping === 1)).toHaveLength(1);
    expect(rows.filter((r) => r.is_default_billing === 1)).toHaveLength(1);
  });

  it('edits some fields, checking the whole address again; null clears an optional field', async () => {
    const { token } = await signUpFrom(t, { email: 'ada@example.com' });
    const sf = await add(token, { ...SF, line2: 'Suite 5' });
    t.clock.advance(5000);
    const res = await api(t, 'PATCH', `/api/v1/addresses/${sf.id}`, { token, body: { postal_code: '94105 1420', line2: null } });
    expect(res.status).toBe(200);
    expect(res.body.address).toMatchObject({ postal_code: '94105-1420', line2: null, region: 'CA', default_shipping: true });
    expect(res.body.address.updated_at).not.toBe(sf.updated_at);
    // Moving the address to another country checks it against that country's rules.
    const moved = await api(t, 'PATCH', `/api/v1/addresses/${sf.id}`, { token, body: { country: 'CA' } });
    expect(moved.status).toBe(400);
    expect(Object.keys(moved.body.error.fields).sort()).toEqual(['postal_code', 'region']);
    expect((await api(t, 'GET', `/api/v1/addresses/${sf.id}`, { token })).body.address.country).toBe('US');
  });

  it('removing a default passes it to the newest remaining address', async () => {
    const { token, accountId } = await signUpFrom(t, { email: 'ada@example.com' });
    const london = await add(token, LONDON);
    t.clock.advance(1000);
    const sf = await add(token, SF);
    t.clock.advance(1000);
    const tokyo = await add(token, TOKYO);
    await api(t, 'POST', `/api/v1/addresses/${sf.id}/default`, { token, body: { use: 'billing' } });
    expect((await api(t, 'DELETE', `/api/v1/addresses/${london.id}`, { token })).status).toBe(204);
    expect((await defaultAddress(t.app.deps, accountId, 'shipping'))?.id).toBe(tokyo.id);
    expect((await defaultAddress(t.app.deps, accountId, 'billing'))?.id).toBe(sf.id);
    expect((await api(t, 'GET', `/api/v1/addresses/${london.id}`, { token })).status).toBe(404);
    await api(t, 'DELETE', `/api/v1/addresses/${tokyo.id}`, { token });
    await api(t, 'DELETE', `/api/v1/addresses/${sf.id}`, { token });
    expect((await api(t, 'GET', '/api/v1/addresses', { token })).body.addresses).toEqual([]);
    expect(await defaultAddress(t.app.deps, accountId, 'shipping')).toBeNull();
    expect((await api(t, 'DELETE', `/api/v1/addresses/${sf.id}`, { token })).status).toBe(404);
  });

  it(`refuses the address after ${ADDRESS_BOOK_MAX} with a clear 409`, async () => {
    const { token, accountId } = await signUpFrom(t, { email: 'ada@example.com' });
    await add(token, SF);
    const now = t.clock.now();
    await t.app.deps.db
      .insertInto('addresses')
      .values(Array.from({ length: ADDRESS_BOOK_MAX - 1 }, (_, i) => ({
        id: `filler-${i}`, account_id: accountId, full_name: 'Ada', line1: `${i} Main St`, line2: null, city: 'Town', region: 'CA',
        postal_code: '94103', country: 'US', phone: null, is_default_shipping: 0, is_default_billing: 0, created_at: now, updated_at: now,
      })))
      .execute();
    const res = await api(t, 'POST', '/api/v1/addresses', { token, body: LONDON });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('address.book_full');
    expect(res.body.error.message).toMatch(/100 addresses/);
    expect((await api(t, 'GET', '/api/v1/addresses', { token })).body.addresses).toHaveLength(ADDRESS_BOOK_MAX);
  });

  it('getAddress answers only for the owner', async () => {
    const { token, accountId } = await signUpFrom(t, { email: 'ada@example.com' });
    const { accountId: other } = await signUpFrom(t, { email: 'bob@example.com' });
    const sf = await add(token, SF);
    expect((await getAddress(t.app.deps, accountId, sf.id)).postalCode).toBe('94103');
    await expect(getAddress(t.app.deps, other, sf.id)).rejects.toMatchObject({ status: 404, code: 'not_found' });
    await expect(getAddress(t.app.deps, accountId, '../x\u0000')).rejects.toMatchObject({ status: 404 });
  });

  it('needs a session', async () => {
    expect((await api(t, 'GET', '/api/v1/addresses')).status).toBe(401);
    expect((await api(t, 'POST', '/api/v1/addresses', { body: SF })).status).toBe(401);
  });
});
