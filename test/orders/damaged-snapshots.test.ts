import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DAY } from '../../src/platform/clock.js';
import { SESSION_COOKIE } from '../../src/platform/http/session-cookie.js';
import { api, createTestApp, type TestApp } from '../helpers/app.js';
import { insertOrder } from '../helpers/order-fixtures.js';
import { saveCard, storeApi, storeKey, type TestStoreKey } from '../helpers/store.js';
import { Browser } from '../helpers/browser.js';
import { signUpFrom } from '../helpers/fixtures.js';

/**
 * Orders and cards keep a JSON copy of an address. One copy that can't be read (a bug, a hand edit in the
 * database) must not turn every list that shows the row into a 500: it reads as "Address unavailable", and the
 * row is logged by id — never by content, which is personal data — so it can be found and fixed.
 */
const DAMAGED = [
  '{"full_name": "Secret Name", "line1": ',
  '["Secret Name", "9 Hidden Lane"]',
  '{"full_name": "Secret Name", "line1": 9, "country": "US"}',
  '{"full_name": "Secret Name", "line1": "9 Hidden Lane"}',
  'null',
];

describe('damaged address snapshots', () => {
  let t: TestApp;
  let owner: { token: string; accountId: string };
  let key: TestStoreKey;
  let browser: Browser;
  beforeEach(async () => {
    t = await createTestApp();
    owner = await signUpFrom(t, { name: 'Owner', email: 'owner@example.com' });
    key = await storeKey(t);
    browser = new Browser(t.app);
    browser.cookies.set(SESSION_COOKIE, owner.token);
  });
  afterEach(() => t.close());

  it('Your Orders, order detail (page and API) and the store read of the order all answer 200; the order is logged by id, not content', async () => {
    const now = t.clock.now();
    const good = await insertOrder(t, owner.accountId, { placedAt: now - 3 * DAY, shipTo: { full_name: 'Jane Good' } });
    const bad = await insertOrder(t, owner.accountId, { placedAt: now - 2 * DAY, deliveredAt: now - DAY });
    const warn = vi.spyOn(t.app.deps.log, 'warn');
    for (const damaged of DAMAGED) {
      await t.app.deps.db.updateTable('orders').set({ shipping_address: damaged }).where('id', '=', bad.id).execute();
      warn.mockClear();

      const list = await browser.get('/orders');
      expect(list.status, damaged).toBe(200);
      expect(list.body).toContain('<dd>Jane Good</dd>');
      expect(list.body).toContain('<dd>Address unavailable</dd>');
      const detail = await browser.get(`/orders/${bad.id}`);
      expect(detail.status, damaged).toBe(200);
      expect(detail.body).toContain('This stored address could not be read.');
      // What the customer can do about the order is still there.
      expect(detail.body).toContain(`/orders/${bad.id}/return?item=`);

      const apiList = await api(t, 'GET', '/api/v1/orders', { token: owner.token });
      expect(apiList.status, damaged).toBe(200);
      expect(apiList.body.orders.map((o: { ship_to: string }) => o.ship_to)).toEqual(['Address unavailable', 'Jane Good']);
      const apiDetail = await api(t, 'GET', `/api/v1/orders/${bad.id}`, { token: owner.token });
      expect(apiDetail.status, damaged).toBe(200);
      expect(apiDetail.body.order.shipping_address.lines).toContain('Address unavailable');

      // A program gets null, not a placeholder it might print on a label.
      const store = await storeApi(t, key, 'GET', `/api/store/v1/orders/${bad.number}`);
      expect(store.status, damaged).toBe(200);
      expect(store.body.order).toMatchObject({ number: bad.number, shipping_address: null, totals: { total: bad.total } });
      expect((await storeApi(t, key, 'GET', `/api/store/v1/orders/${good.number}`)).body.order.shipping_address.full_name).toBe('Jane Good');

      expect(warn).toHaveBeenCalledWith({ order: bad.id }, 'stored shipping address could not be read');
      expect(JSON.stringify(warn.mock.calls)).not.toContain('Secret Name');
    }
  });

  it('the cards page and the cards API still answer 200 when a card’s billing address copy is damaged', async () => {
    const cardId = await saveCard(t, owner.accountId, { brand: 'visa', last4: '4242', isDefault: true });
    for (const damaged of DAMAGED) {
      await t.app.deps.db.updateTable('cards').set({ billing_address: damaged }).where('id', '=', cardId).execute();
      const page = await browser.get('/account/cards');
      expect(page.status, damaged).toBe(200);
      expect(page.body).toContain('4242');
      expect(page.body).toContain('Address unavailable');
      expect(page.body).not.toContain('Secret Name');
      const cards = await api(t, 'GET', '/api/v1/cards', { token: owner.token });
      expect(cards.status, damaged).toBe(200);
      expect(cards.body.cards).toHaveLength(1);
    }
  });
});
