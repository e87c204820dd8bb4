import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { MINUTE } from '../../src/platform/clock.js';
import { approve, ITEMS, ITEMS_TOTAL, openSession, partnerApi, partnerSite, sessionBody, shopper, type TestPartner } from './checkout-fixtures.js';

const SESSIONS = '/api/partner/v1/checkout-sessions';

describe('checkout sessions: what a partner may open', () => {
  let t: TestApp;
  let partner: TestPartner;
  beforeAll(async () => {
    t = await createTestApp();
    partner = await partnerSite(t);
  });
  afterAll(() => t.close());

  it('opens a session with a pay URL on the public URL, open for 30 minutes', async () => {
    const res = await partnerApi(t, partner, 'POST', SESSIONS, { body: sessionBody() });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'open', amount: ITEMS_TOTAL, currency: 'USD', items: ITEMS, url: `${t.config.publicUrl}/pay/${res.body.id}` });
    expect(Date.parse(res.body.expires_at) - t.clock.now()).toBe(30 * MINUTE);
  });

  it('refuses callers without the partner client credentials (401), and a wrong secret alike', async () => {
    expect((await partnerApi(t, null, 'POST', SESSIONS, { body: sessionBody() })).status).toBe(401);
    expect((await partnerApi(t, { id: partner.id, secret: 'cps_wrong' }, 'POST', SESSIONS, { body: sessionBody() })).body.error.code).toBe('partner.credentials_invalid');
  });

  it('money is exact integer minor units: the total must be the sum of the lines', async () => {
    const mismatch = await partnerApi(t, partner, 'POST', SESSIONS, { body: sessionBody({ amount: ITEMS_TOTAL + 1 }) });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.error.code).toBe('checkout.amount_mismatch');
    const bad: unknown[] = [0, -100, 12.5, '4248', 1e300, Number.MAX_SAFE_INTEGER + 2, null, true];
    for (const amount of bad) {
      const res = await partnerApi(t, partner, 'POST', SESSIONS, { body: sessionBody({ amount }) });
      expect(res.status, `amount ${String(amount)}`).toBe(400);
      expect(res.body.error.fields.amount).toMatch(/whole number/);
    }
    const fractionalUnit = await partnerApi(t, partner, 'POST', SESSIONS, { body: sessionBody({ items: [{ name: 'Pen', quantity: 1, unit_amount: 0.1 }], amount: 0.1 }) });
    expect(fractionalUnit.status).toBe(400);
    expect(fractionalUnit.body.error.fields['items.0.unit_amount']).toBeDefined();
  });

  it('a large exact amount is kept to the minor unit', async () => {
    const items = [{ name: 'Grand piano', quantity: 999, unit_amount: 10_000_000 }];
    const res = await partnerApi(t, partner, 'POST', SESSIONS, { body: sessionBody({ items, amount: 9_990_000_000 }) });
    expect(res.status).toBe(201);
    expect(res.body.amount).toBe(9_990_000_000);
    const over = await partnerApi(t, partner, 'POST', SESSIONS, { body: sessionBody({ items: [{ name: 'x', quantity: 2, unit_amount: 9_000_000_000 }], amount: 18_000_000_000 }) });
    expect(over.status).toBe(400);
  });

  it('refuses unknown currencies, empty or oversized item lists, hostile names and unknown fields with 400 naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ currency: 'XXX' }, 'currency'],
      [{ currency: 'usd' }, 'currency'],
      [{ items: [], amount: 1 }, 'items'],
      [{ items: Array.from({ length: 101 }, () => ({ name: 'a', quantity: 1, unit_amount: 1 })), amount: 101 }, 'items'],
      [{ items: [{ name: 'evil\u202Egnp.exe', quantity: 1, unit_amount: ITEMS_TOTAL }] }, 'items.0.name'],
      [{ items: [{ name: 'x'.repeat(201), quantity: 1, unit_amount: ITEMS_TOTAL }] }, 'items.0.name'],
      [{ items: [{ name: 'ok', quantity: 1000, unit_amount: 1 }], amount: 1000 }, 'items.0.quantity'],
      [{ items: [{ name: 'ok', quantity: 1, unit_amount: ITEMS_TOTAL, sku: 'x' }] }, 'items.0.sku'],
      [{ items: ['not an object'] }, 'items.0'],
      [{ customer: 'someone' }, 'customer'],
    ];
    for (const [override, field] of cases) {
      const res = await partnerApi(t, partner, 'POST', SESSIONS, { body: sessionBody(override) });
      expect(res.status, field).toBe(400);
      expect(Object.keys(res.body.error.fields), field).toContain(field);
    }
  });

  it('malformed, wrong-typed and oversized bodies are 4xx, never 500', async () => {
    const bodies = ['{', '[]', 'null', '"x"', JSON.stringify({ ...sessionBody(), items: 'many' }), JSON.stringify({ ...sessionBody(), return_url: 5 }), JSON.stringify({ ...sessionBody(), items: [{ name: 'a'.repeat(70_000), quantity: 1, unit_amount: 1 }] })];
    for (const rawBody of bodies) {
      const res = await partnerApi(t, partner, 'POST', SESSIONS, { rawBody });
      expect(res.status, rawBody.slice(0, 40)).toBeGreaterThanOrEqual(400);
      expect(res.status, rawBody.slice(0, 40)).toBeLessThan(500);
    }
    const form = await partnerApi(t, partner, 'POST', SESSIONS, { rawBody: 'amount=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);
  });

  it('SECURITY redirect allow-list: return_url only on the origin of a registered redirect URI (no open redirect)', async () => {
    const hostile = [
      'https://evil.example/',
      'https://books.example.evil.example/',
      'https://books.example@evil.example/',
      'http://books.example/callback',
      'https://books.example:444/',
      '//evil.example',
      '/relative',
      'javascript:alert(1)',
      'https://books.example/#frag',
      'https://user:pw@books.example/',
      'https://books.example/done?checkout_session=forged',
      'not a url',
    ];
    for (const return_url of hostile) {
      const res = await partnerApi(t, partner, 'POST', SESSIONS, { body: sessionBody({ return_url }) });
      expect(res.status, return_url).toBe(422);
      expect(res.body.error.code).toBe('checkout.return_url_invalid');
    }
    const ok = await partnerApi(t, partner, 'POST', SESSIONS, { body: sessionBody({ return_url: 'https://BOOKS.example/thanks' }) });
    expect(ok.status).toBe(201);
    expect(ok.body.return_url).toBe('https://books.example/thanks');
  });

  it('ASVS 8.2.2: another partner reading this partner\'s session gets 404', async () => {
    const other = await partnerSite(t, 'Other Shop', 'https://other.example/cb');
    const session = await openSession(t, partner);
    const res = await partnerApi(t, other, 'GET', `${SESSIONS}/${session.id}`);
    expect(res.status).toBe(404);
    expect((await partnerApi(t, partner, 'GET', `${SESSIONS}/${session.id}`)).body.status).toBe('open');
    expect((await partnerApi(t, partner, 'GET', `${SESSIONS}/..%2F..%2Fetc`)).status).toBe(404);
  });

  it('is in the OpenAPI document under the Partners tag with HTTP Basic', async () => {
    const doc = (await t.app.fastify.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.paths['/api/partner/v1/checkout-sessions'].post.tags).toEqual(['Partners']);
    expect(doc.paths['/api/partner/v1/charges/{id}/refunds'].post.security).toEqual([{ partnerClient: [] }]);
  });
});

describe('the pay page: approve, cancel, bind, expire', () => {
  let t: TestApp;
  let partner: TestPartner;
  beforeAll(async () => {
    t = await createTestApp();
    partner = await partnerSite(t);
  });
  afterAll(() => t.close());

  it('a signed-out customer is sent to sign in and back to this page', async () => {
    const session = await openSession(t, partner);
    const { Browser } = await import('../helpers/browser.js');
    const res = await new Browser(t.app).get(`/pay/${session.id}`);
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/signin?return_to=${encodeURIComponent(`/pay/${session.id}`)}`);
  });

  it('shows the partner, the items and the total; approval returns with checkout_session only and binds the session', async () => {
    const ada = await shopper(t, 'ada-pay@example.com');
    const session = await openSession(t, partner);
    const page = await ada.browser.get(`/pay/${session.id}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Pay Corner Books');
    expect(page.body).toContain('The Art of Computer Programming');
    expect(page.body).toContain('$42.48');
    expect(page.body).toContain(`/account/cards/new?return_to=${encodeURIComponent(`/pay/${session.id}`)}`);
    expect(page.body).toContain(`/account/addresses/new?return_to=${encodeURIComponent(`/pay/${session.id}`)}`);
    expect(page.body).not.toContain('4242424242424242');
    const res = await ada.browser.post(`/pay/${session.id}/approve`, { address: ada.addressId, card: ada.cardId });
    expect(res.status).toBe(303);
    expect(res.location).toBe(`https://books.example/order/done?cart=7&checkout_session=${session.id}`);
    const row = await t.app.deps.db.selectFrom('checkout_sessions').selectAll().where('id', '=', session.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'approved', account_id: ada.accountId, card_id: ada.cardId });
    const grant = await t.app.deps.db.selectFrom('partner_grants').selectAll().where('account_id', '=', ada.accountId).executeTakeFirstOrThrow();
    expect(grant).toMatchObject({ partner_id: partner.id, pays: 1, revoked_at: null });
  });

  it('ASVS 8.2.2: a second customer opening a session the first approved gets 404, and cannot approve or cancel it', async () => {
    const ada = await shopper(t, 'ada-bind@example.com');
    const eve = await shopper(t, 'eve-bind@example.com');
    const session = await openSession(t, partner);
    expect((await approve(t, ada, session.id)).status).toBe(303);
    expect((await eve.browser.get(`/pay/${session.id}`)).status).toBe(404);
    await eve.browser.get('/orders');
    expect((await eve.browser.post(`/pay/${session.id}/approve`, { address: eve.addressId, card: eve.cardId })).status).toBe(404);
    expect((await eve.browser.post(`/pay/${session.id}/cancel`, {})).status).toBe(404);
  });

  it('of two customers approving at once, exactly one wins', async () => {
    const a = await shopper(t, 'race-a@example.com');
    const b = await shopper(t, 'race-b@example.com');
    const session = await openSession(t, partner);
    await Promise.all([a.browser.get(`/pay/${session.id}`), b.browser.get(`/pay/${session.id}`)]);
    const answers = await Promise.all([
      a.browser.post(`/pay/${session.id}/approve`, { address: a.addressId, card: a.cardId }),
      b.browser.post(`/pay/${session.id}/approve`, { address: b.addressId, card: b.cardId }),
    ]);
    expect(answers.filter((r) => r.status === 303)).toHaveLength(1);
  });

  it('ASVS 7.6.2 / CSRF: an approval posted without the form token is refused and changes nothing', async () => {
    const ada = await shopper(t, 'ada-csrf@example.com');
    const session = await openSession(t, partner);
    const res = await ada.browser.post(`/pay/${session.id}/approve`, { address: ada.addressId, card: ada.cardId }, { csrf: false });
    expect(res.status).toBe(403);
    expect((await partnerApi(t, partner, 'GET', `/api/partner/v1/checkout-sessions/${session.id}`)).body.status).toBe('open');
  });

  it('another customer\'s card or address id is refused like an unknown one (ASVS 8.2.2)', async () => {
    const ada = await shopper(t, 'ada-own@example.com');
    const eve = await shopper(t, 'eve-own@example.com');
    const session = await openSession(t, partner);
    await ada.browser.get(`/pay/${session.id}`);
    const res = await ada.browser.post(`/pay/${session.id}/approve`, { address: eve.addressId, card: eve.cardId });
    expect(res.status).toBe(400);
    expect(res.body).toContain('Choose where to ship');
    expect(res.body).toMatch(/aria-describedby="card-error"/);
  });

  it('cancel declines and returns to the partner with the session id only', async () => {
    const ada = await shopper(t, 'ada-cancel@example.com');
    const session = await openSession(t, partner);
    await ada.browser.get(`/pay/${session.id}`);
    const res = await ada.browser.post(`/pay/${session.id}/cancel`, {});
    expect(res.location).toBe(`https://books.example/order/done?cart=7&checkout_session=${session.id}`);
    const read = await partnerApi(t, partner, 'GET', `/api/partner/v1/checkout-sessions/${session.id}`);
    expect(read.body).toMatchObject({ status: 'declined', charge_permission: null });
  });

  it('a session expires 30 minutes after it opened, by the clock: the page says so and approval is refused', async () => {
    const ada = await shopper(t, 'ada-expire@example.com');
    const session = await openSession(t, partner);
    await ada.browser.get(`/pay/${session.id}`);
    t.clock.advance(30 * MINUTE);
    const res = await ada.browser.post(`/pay/${session.id}/approve`, { address: ada.addressId, card: ada.cardId });
    expect(res.status).toBe(410);
    expect(res.body).toContain('expired');
    expect((await partnerApi(t, partner, 'GET', `/api/partner/v1/checkout-sessions/${session.id}`)).body.status).toBe('expired');
  });
});
