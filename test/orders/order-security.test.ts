import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY } from '../../src/platform/clock.js';
import { SESSION_COOKIE } from '../../src/platform/http/session-cookie.js';
import { api, createTestApp, type TestApp } from '../helpers/app.js';
import { insertOrder, type InsertedOrder } from '../helpers/order-fixtures.js';
import { Browser } from '../helpers/browser.js';
import { raw, signUpFrom } from '../helpers/fixtures.js';

/**
 * Orders belong to one customer. Every route that names an order answers another customer's as if it did not
 * exist (ASVS 8.2.2), and every route meets hostile input with a clear 4xx in the one error shape, never a 500,
 * and writes nothing.
 */
describe('orders: ownership and hostile input', () => {
  let t: TestApp;
  let owner: { token: string; accountId: string };
  let stranger: { token: string; accountId: string };
  let order: InsertedOrder;
  beforeAll(async () => {
    t = await createTestApp();
    owner = await signUpFrom(t, { name: 'Owner', email: 'owner@example.com' });
    stranger = await signUpFrom(t, { name: 'Stranger', email: 'stranger@example.com' });
    order = await insertOrder(t, owner.accountId, { placedAt: t.clock.now() - 5 * DAY, deliveredAt: t.clock.now() - DAY, items: [{ sku: 'SECRET', title: 'Secret Gift', quantity: 2, unitPrice: 5000 }] });
  });
  afterAll(() => t.close());

  async function expectNothingWritten(): Promise<void> {
    expect(await t.app.deps.db.selectFrom('order_cases').select('id').execute()).toEqual([]);
    const row = await t.app.deps.db.selectFrom('orders').select(['fraud_reported_at', 'status']).where('id', '=', order.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ fraud_reported_at: null, status: 'delivered' });
    expect(await t.app.deps.db.selectFrom('audit_events').select('id').where('type', '=', 'order.fraud_reported').execute()).toEqual([]);
  }

  it("ASVS 8.2.2: another customer's order answers 404 on every order route (detail, returns, disputes, fraud report, pages)", async () => {
    const notFound = { error: { code: 'not_found', message: "We couldn't find that order." } };
    const item = order.items[0]!.id;
    const calls: Array<[string, string, unknown?]> = [
      ['GET', `/api/v1/orders/${order.id}`],
      ['POST', `/api/v1/orders/${order.id}/returns`, { item_id: item, quantity: 1, reason: 'damaged' }],
      ['POST', `/api/v1/orders/${order.id}/disputes`, { reason: 'not_delivered' }],
      ['POST', `/api/v1/orders/${order.id}/fraud-report`, {}],
    ];
    for (const [method, url, body] of calls) {
      const response = await api(t, method as 'GET' | 'POST', url, { token: stranger.token, body });
      expect(response.status, url).toBe(404);
      // The same answer as for an id that exists nowhere: nothing tells the stranger the order is real.
      expect(response.body, url).toEqual(notFound);
      const missing = await api(t, method as 'GET' | 'POST', url.replace(order.id, 'no-such-order-id'), { token: stranger.token, body });
      expect(missing.body, url).toEqual(notFound);
    }

    const browser = new Browser(t.app);
    browser.cookies.set(SESSION_COOKIE, stranger.token);
    expect((await browser.get('/orders')).status).toBe(200);
    for (const path of [`/orders/${order.id}`, `/orders/${order.id}/return?item=${item}`, `/orders/${order.id}/problem`, `/orders/${order.id}/not-recognised`]) {
      const page = await browser.get(path);
      expect(page.status, path).toBe(404);
      expect(page.body, path).not.toContain('Secret Gift');
    }
    for (const [path, form] of [
      [`/orders/${order.id}/return`, { item, quantity: '1', reason: 'damaged' }],
      [`/orders/${order.id}/problem`, { reason: 'damaged' }],
      [`/orders/${order.id}/not-recognised`, { details: '' }],
    ] as const) {
      const page = await browser.post(path, form);
      expect(page.status, path).toBe(404);
    }
    // Nor in the stranger's list or search.
    const list = await api(t, 'GET', '/api/v1/orders?q=secret', { token: stranger.token });
    expect(list.body.orders).toEqual([]);
    await expectNothingWritten();
    // The owner sees it.
    expect((await api(t, 'GET', `/api/v1/orders/${order.id}`, { token: owner.token })).status).toBe(200);
  });

  it('CVE-2025-61928: a body field never chooses whose order or account is acted on', async () => {
    for (const extra of [{ account_id: owner.accountId }, { order_id: order.id }, { status: 'accepted' }]) {
      const response = await api(t, 'POST', `/api/v1/orders/${order.id}/disputes`, { token: owner.token, body: { reason: 'damaged', ...extra } });
      expect(response.status).toBe(400);
      expect(Object.values(response.body.error.fields)).toEqual(['This field is not recognised.']);
    }
    await expectNothingWritten();
  });

  it('hostile bodies on returns, disputes and fraud reports → 4xx with a stable code, never 500, nothing written', async () => {
    const item = order.items[0]!.id;
    const routes = [`/api/v1/orders/${order.id}/returns`, `/api/v1/orders/${order.id}/disputes`, `/api/v1/orders/${order.id}/fraud-report`];
    const auth = { authorization: `Bearer ${owner.token}` };
    for (const url of routes) {
      // (A JSON null body reads as {}: for a fraud report with no details that is a complete, valid request.)
      const payloads = ['{"reason": ', '[]', '"text"', '42', '{"__proto__": {"status": "accepted"}}', JSON.stringify({ details: 'x'.repeat(70_000) })];
      for (const payload of url.endsWith('fraud-report') ? payloads : [...payloads, 'null']) {
        const response = await raw(t, 'POST', url, payload, auth);
        expect([400, 413], `${url} ${payload.slice(0, 30)}`).toContain(response.status);
        expect(response.body.error.code, url).toMatch(/^request\./);
      }
      const form = await raw(t, 'POST', url, 'reason=damaged', { ...auth, 'content-type': 'application/x-www-form-urlencoded' });
      expect(form.status, url).toBe(415);
    }
    const hostileBodies: Array<Record<string, unknown>> = [
      { item_id: item, quantity: '1', reason: 'damaged' },
      { item_id: [item], quantity: 1, reason: 'damaged' },
      { item_id: { $ne: null }, quantity: 1, reason: 'damaged' },
      { item_id: "' OR 1=1 --", quantity: 1, reason: 'damaged' },
      { item_id: item, quantity: 1, reason: 'damaged\u0000' },
      { item_id: item, quantity: 1, reason: 'constructor' },
      { item_id: item, quantity: 1, reason: 'damaged', details: 'nul \u0000 byte' },
      { item_id: item, quantity: 1, reason: 'damaged', details: 'evil \u202egnp.exe' },
      { item_id: item, quantity: 1, reason: 'damaged', details: 'lone \ud800 surrogate' },
      { item_id: item, quantity: 1, reason: 'damaged', details: 'x'.repeat(2001) },
      { item_id: item, quantity: 1, reason: 'damaged', details: 'x'.repeat(8001) },
      { item_id: item, quantity: 1, reason: 'damaged', details: 42 },
      { item_id: item, quantity: Number.MAX_SAFE_INTEGER + 2, reason: 'damaged' },
      { item_id: item, quantity: -0.5, reason: 'damaged' },
      { item_id: 'x'.repeat(65), quantity: 1, reason: 'damaged' },
    ];
    for (const body of hostileBodies) {
      const response = await api(t, 'POST', routes[0]!, { token: owner.token, body });
      expect(response.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(response.body.error.code).toBe('request.invalid');
    }
    for (const body of [{ reason: 7 }, { reason: 'other', details: '\u202e' }, { reason: 'damaged', details: 'a\u0007b' }, { reason: 'x'.repeat(41) }, {}]) {
      const response = await api(t, 'POST', routes[1]!, { token: owner.token, body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code).toBe('request.invalid');
    }
    for (const body of [{ details: 5 }, { details: 'nul \u0000' }, { details: 'x'.repeat(2001) }, { details: 'ok', extra: 1 }]) {
      const response = await api(t, 'POST', routes[2]!, { token: owner.token, body });
      expect(response.status, JSON.stringify(body).slice(0, 40)).toBe(400);
      expect(response.body.error.code).toBe('request.invalid');
    }
    await expectNothingWritten();
  });

  it('hostile ids and query strings on every GET → 4xx, never 500', async () => {
    const auth = { authorization: `Bearer ${owner.token}` };
    for (const id of ['%00', '..%2F..%2Fetc%2Fpasswd', "'%20OR%201=1", '%F0%9F%92%A5', '%E2%80%AE', 'a'.repeat(65), '%ZZ']) {
      for (const url of [`/api/v1/orders/${id}`, `/api/v1/orders/${id}/returns`]) {
        const response = await raw(t, url.endsWith('returns') ? 'POST' : 'GET', url, url.endsWith('returns') ? '{}' : undefined, auth);
        expect(response.status, url).toBeGreaterThanOrEqual(400);
        expect(response.status, url).toBeLessThan(500);
      }
    }
    expect((await raw(t, 'GET', `/api/v1/orders/${'a'.repeat(300)}`, undefined, auth)).status).toBe(414);
    for (const query of ['year=%00', 'year[]=2025', 'q[$ne]=x', 'status=%00', 'limit=1e3', 'before=%FF', `q=${'%F0%9F%92%A5'.repeat(150)}`]) {
      for (const path of ['/api/v1/orders', '/api/v1/orders/spending']) {
        const response = await raw(t, 'GET', `${path}?${query}`, undefined, auth);
        expect(response.status, `${path}?${query}`).toBeLessThan(500);
      }
    }
    const browser = new Browser(t.app);
    browser.cookies.set(SESSION_COOKIE, owner.token);
    for (const path of ['/orders?year=%00', '/orders?status=open&status=delivered', '/orders?q=%00', '/orders?before=%FF', '/orders/%00', '/orders/spending?year=%00', `/orders/${order.id}/return?item=%00`, `/orders/${order.id}/return`]) {
      const page = await browser.get(path);
      expect(page.status, path).toBeGreaterThanOrEqual(400);
      expect(page.status, path).toBeLessThan(500);
    }
    await expectNothingWritten();
  });
});
