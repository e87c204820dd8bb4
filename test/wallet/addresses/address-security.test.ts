import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, type TestApp } from '../../helpers/app.js';
import { expectClientError, raw, signUpFrom } from '../../helpers/fixtures.js';
import { LONDON, SF } from './address-fixtures.js';

/**
 * The address book against another customer and against hostile input: ASVS 8.2.2 (objects checked against
 * their owner, 404 not 403), ASVS 8.2.3 (no body field sets ids, owner or timestamps), and a clear 4xx with
 * nothing written for bad input.
 */
describe('address book security', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  const allAddresses = () => t.app.deps.db.selectFrom('addresses').selectAll().orderBy('id').execute();

  async function addressOf(token: string, body: object = SF): Promise<string> {
    const res = await api(t, 'POST', '/api/v1/addresses', { token, body });
    expect(res.status).toBe(201);
    return res.body.address.id;
  }

  it("ASVS 8.2.2: another customer's address answers 404 on GET, PATCH, DELETE and default", async () => {
    const { token: alice } = await signUpFrom(t, { email: 'alice@example.com', name: 'Alice' });
    const { token: bob } = await signUpFrom(t, { email: 'bob@example.com', name: 'Bob' });
    const alicesId = await addressOf(alice);
    await addressOf(bob, LONDON);
    const before = await allAddresses();
    const attempts = [
      api(t, 'GET', `/api/v1/addresses/${alicesId}`, { token: bob }),
      api(t, 'PATCH', `/api/v1/addresses/${alicesId}`, { token: bob, body: { line1: '666 Mallory Lane' } }),
      api(t, 'DELETE', `/api/v1/addresses/${alicesId}`, { token: bob }),
      api(t, 'POST', `/api/v1/addresses/${alicesId}/default`, { token: bob, body: { use: 'shipping' } }),
      api(t, 'POST', `/api/v1/addresses/${alicesId}/default`, { token: bob, body: { use: 'billing' } }),
    ];
    for (const res of await Promise.all(attempts)) {
      expectClientError(res, 404, 'not_found');
      expect(res.body.error.message).toBe("We couldn't find that address.");
    }
    // The same answer as an id that does not exist at all: nothing tells Bob that Alice's id is real.
    expect((await api(t, 'GET', '/api/v1/addresses/AAAAAAAAAAAAAAAAAAAAAA', { token: bob })).body).toEqual(
      (await api(t, 'GET', `/api/v1/addresses/${alicesId}`, { token: bob })).body,
    );
    expect(await allAddresses()).toEqual(before);
    const bobsList = (await api(t, 'GET', '/api/v1/addresses', { token: bob })).body.addresses;
    expect(bobsList.map((a: { id: string }) => a.id)).not.toContain(alicesId);
  });

  it('ASVS 8.2.3: account_id, id, created_at in the body are refused', async () => {
    const { token: alice, accountId: aliceId } = await signUpFrom(t, { email: 'alice@example.com', name: 'Alice' });
    const { token: bob } = await signUpFrom(t, { email: 'bob@example.com', name: 'Bob' });
    const bobsId = await addressOf(bob, LONDON);
    const extras = { account_id: aliceId, id: 'chosen-id', created_at: 0, updated_at: 0, default_shipping: true, is_default_billing: 1 };
    const before = await allAddresses();

    const added = await api(t, 'POST', '/api/v1/addresses', { token: bob, body: { ...SF, ...extras } });
    expectClientError(added, 400, 'request.invalid');
    expect(Object.keys(added.body.error.fields).sort()).toEqual(Object.keys(extras).sort());

    const patched = await api(t, 'PATCH', `/api/v1/addresses/${bobsId}`, { token: bob, body: { line1: '2 Main St', ...extras } });
    expectClientError(patched, 400, 'request.invalid');
    expect(Object.keys(patched.body.error.fields).sort()).toEqual(Object.keys(extras).sort());
    for (const extra of [{ accountId: aliceId }, { account: aliceId }, { owner: aliceId }]) {
      expect((await api(t, 'PATCH', `/api/v1/addresses/${bobsId}`, { token: bob, body: extra })).status).toBe(400);
    }

    expect(await allAddresses()).toEqual(before);
    expect((await api(t, 'GET', '/api/v1/addresses', { token: alice })).body.addresses).toEqual([]);
  });

  it('hostile text (NUL, bidi override, zero-width, emoji, CR/LF) → 400 naming the field, nothing written', async () => {
    const { token } = await signUpFrom(t, { email: 'ada@example.com' });
    const cases: Array<[string, string]> = [
      ['full_name', 'Ada\u0000Lovelace'],
      ['line1', '1 Market St\u202E'],
      ['line1', '1 Market\u2067 St'],
      ['city', 'San\u200BFrancisco'],
      ['city', 'San\uFEFFFrancisco'],
      ['full_name', 'Ada 🦄 Lovelace'],
      ['line2', 'Apt 1\r\nX-Injected: yes'],
      ['postal_code', '94103\u0000'],
      ['region', 'CA\u0085'],
      ['line1', '\uD800 lone surrogate'],
    ];
    for (const [field, value] of cases) {
      const res = await api(t, 'POST', '/api/v1/addresses', { token, body: { ...SF, [field]: value } });
      expect(res.status, JSON.stringify(value)).toBe(400);
      expect(Object.keys(res.body.error.fields), JSON.stringify(value)).toEqual([field]);
    }
    expect(await allAddresses()).toEqual([]);
  });

  it('wrong types, over-long values and 1 MB bodies → 4xx, never 500, nothing written', async () => {
    const { token } = await signUpFrom(t, { email: 'ada@example.com' });
    const id = await addressOf(token);
    const before = await allAddresses();
    const bodies: unknown[] = [
      { ...SF, line1: ['1 Market St'] },
      { ...SF, postal_code: 94103 },
      { ...SF, city: { $ne: null } },
      { ...SF, full_name: null },
      { ...SF, line1: 'x'.repeat(60_000) },
      { ...SF, line1: 'x'.repeat(101) },
      [SF],
      'SF',
    ];
    for (const body of bodies) {
      expectClientError(await api(t, 'POST', '/api/v1/addresses', { token, body }), 400, 'request.invalid');
      expectClientError(await api(t, 'PATCH', `/api/v1/addresses/${id}`, { token, body }), 400, 'request.invalid');
    }
    expectClientError(await api(t, 'POST', '/api/v1/addresses', { token, body: null }), 400, 'request.invalid');
    const huge = JSON.stringify({ ...SF, line1: 'x'.repeat(1024 * 1024) });
    const headers = { authorization: `Bearer ${token}` };
    expectClientError(await raw(t, 'POST', '/api/v1/addresses', huge, headers), 413, 'request.too_large');
    expectClientError(await raw(t, 'PATCH', `/api/v1/addresses/${id}`, huge, headers), 413, 'request.too_large');
    expectClientError(await raw(t, 'POST', '/api/v1/addresses', '{"full_name": ', headers), 400, 'request.malformed_json');
    expect((await raw(t, 'POST', '/api/v1/addresses', '{"__proto__": {"country": "US"}}', headers)).status).toBe(400);
    expectClientError(await raw(t, 'POST', '/api/v1/addresses', new URLSearchParams(SF).toString(), { ...headers, 'content-type': 'application/x-www-form-urlencoded' }), 415, 'request.json_required');
    expect(await allAddresses()).toEqual(before);
  });

  it('ids that are not ours (NUL, paths, a kilobyte) answer 404 before reaching a query', async () => {
    const { token } = await signUpFrom(t, { email: 'ada@example.com' });
    for (const id of ['%00', '..%2F..%2Fetc', 'a%20b', "1'%20OR%20'1'='1", 'x'.repeat(150)]) {
      for (const [method, url] of [['GET', `/api/v1/addresses/${id}`], ['DELETE', `/api/v1/addresses/${id}`]] as const) {
        const res = await api(t, method, url, { token });
        expect(res.status, `${method} ${id}`).toBe(404);
      }
      expect((await api(t, 'POST', `/api/v1/addresses/${id}/default`, { token, body: { use: 'shipping' } })).status).toBe(404);
    }
    expect((await api(t, 'GET', `/api/v1/addresses/${'x'.repeat(1024)}`, { token })).status).toBe(414);
  });
});
