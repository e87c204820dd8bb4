import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, HOUR } from '../../src/platform/clock.js';
import { describeInterval, regularInterval } from '../../src/orders/recurring.js';
import { api, createTestApp, type TestApp } from '../helpers/app.js';
import { insertOrder } from '../helpers/order-fixtures.js';
import { signUpFrom } from '../helpers/fixtures.js';

const days = (...values: number[]) => values.map((d) => d * DAY);

describe('recurring purchases: the rule', () => {
  it('needs 3 purchases with every gap within ±40% of the median gap', () => {
    expect(regularInterval(days(0, 28, 56))).toBe(28 * DAY);
    expect(regularInterval(days(0, 26, 56, 84, 112))).toBe(28 * DAY);
    expect(regularInterval(days(0, 28))).toBeNull();
    expect(regularInterval(days(0, 2, 60))).toBeNull();
    // Gaps 10 and 25: median 17.5, and 25 is 43% above it.
    expect(regularInterval(days(0, 10, 35))).toBeNull();
    // 28 ± 40% is 16.8 to 39.2 days: a gap of 39 passes.
    expect(regularInterval(days(0, 28, 56, 95))).toBe(28 * DAY);
    // A gap of 40 does not, so the four purchases are not regular; the last three (gaps 28 and 40, median 34) are.
    expect(regularInterval(days(0, 28, 56, 96))).toBe(34 * DAY);
    expect(regularInterval(days(0, 10, 20, 60))).toBeNull();
    // Several purchases on one day are one shopping trip, not a rhythm.
    expect(regularInterval([0, HOUR, 2 * HOUR, 3 * HOUR])).toBeNull();
  });

  it('keeps a habit that began recently even when older purchases were irregular', () => {
    // Bought once long ago, then every week for three weeks.
    expect(regularInterval(days(0, 200, 207, 214, 221))).toBe(7 * DAY);
  });

  it('says the interval in words', () => {
    expect(describeInterval(1 * DAY)).toBe('about every day');
    expect(describeInterval(3 * DAY)).toBe('about every 3 days');
    expect(describeInterval(7 * DAY)).toBe('about every week');
    expect(describeInterval(8 * DAY)).toBe('about every week');
    expect(describeInterval(10 * DAY)).toBe('about every 10 days');
    expect(describeInterval(15 * DAY)).toBe('about every 2 weeks');
    expect(describeInterval(28 * DAY)).toBe('about every 4 weeks');
    expect(describeInterval(30 * DAY)).toBe('about every 4 weeks');
    expect(describeInterval(61 * DAY)).toBe('about every 2 months');
    expect(describeInterval(91 * DAY)).toBe('about every 3 months');
    expect(describeInterval(365 * DAY)).toBe('about every year');
  });
});

describe('recurring purchases through the API', () => {
  let t: TestApp;
  let token: string;
  let accountId: string;
  beforeAll(async () => {
    t = await createTestApp();
    ({ token, accountId } = await signUpFrom(t, { email: 'regular@example.com' }));
  });
  afterAll(() => t.close());

  const buy = (account: string, sku: string, title: string, at: number, status: 'delivered' | 'cancelled' | 'refunded' = 'delivered') =>
    insertOrder(t, account, { placedAt: at, status, items: [{ sku, title, quantity: 1, unitPrice: 1299 }, { sku: `ONCE-${at}`, title: 'Something else', quantity: 1, unitPrice: 100 }] });

  it('lists SKUs bought regularly with the interval, last purchase and next expected; leaves out the rest', async () => {
    const now = t.clock.now();
    // Coffee about every 4 weeks, last 10 days ago.
    for (const ago of [150, 122, 93, 66, 38, 10]) await buy(accountId, 'COFFEE-1KG', 'Ethiopian Coffee Beans, 1 kg', now - ago * DAY);
    // Filters every 2 weeks — but one of the three orders was cancelled, so only two purchases count.
    await buy(accountId, 'FILTER', 'Paper Filters', now - 30 * DAY);
    await buy(accountId, 'FILTER', 'Paper Filters', now - 16 * DAY, 'cancelled');
    await buy(accountId, 'FILTER', 'Paper Filters', now - 2 * DAY);
    // Bought three times, irregularly.
    for (const ago of [200, 190, 20]) await buy(accountId, 'BOOK', 'Paperback', now - ago * DAY);
    // Weekly, but the habit stopped two months ago.
    for (const ago of [81, 74, 67, 60]) await buy(accountId, 'MILK', 'Oat Milk', now - ago * DAY);
    // Someone else's weekly bread is not this customer's.
    const { accountId: other } = await signUpFrom(t, { email: 'bread@example.com' });
    for (const ago of [21, 14, 7]) await buy(other, 'BREAD', 'Sourdough', now - ago * DAY);

    const response = await api(t, 'GET', '/api/v1/orders/recurring', { token });
    expect(response.status).toBe(200);
    expect(response.body.recurring).toEqual([
      {
        sku: 'COFFEE-1KG',
        title: 'Ethiopian Coffee Beans, 1 kg',
        interval_days: 28,
        interval: 'about every 4 weeks',
        purchases: 6,
        last_bought: new Date(now - 10 * DAY).toISOString(),
        next_expected: new Date(now - 10 * DAY + 28 * DAY).toISOString(),
      },
    ]);
  });

  it('caps the work: at most 25 recurring items, the most recently bought first', async () => {
    const { accountId: busy, token: busyToken } = await signUpFrom(t, { email: 'busy@example.com' });
    const now = t.clock.now();
    for (let sku = 0; sku < 30; sku++) {
      for (const ago of [21, 14, 7]) {
        await insertOrder(t, busy, { placedAt: now - ago * DAY - sku * HOUR, items: [{ sku: `WEEKLY-${String(sku).padStart(2, '0')}`, title: `Weekly ${sku}`, quantity: 1, unitPrice: 100 }] });
      }
    }
    const response = await api(t, 'GET', '/api/v1/orders/recurring', { token: busyToken });
    expect(response.status).toBe(200);
    expect(response.body.recurring).toHaveLength(25);
    expect(response.body.recurring.map((r: { sku: string }) => r.sku)).not.toContain('WEEKLY-29');
    // The next expected first: of the 25 most recently bought, WEEKLY-24 was bought longest ago.
    expect(response.body.recurring[0]).toMatchObject({ sku: 'WEEKLY-24', interval: 'about every week', purchases: 3 });
  });

  it('answers 401 without a session', async () => {
    expect((await api(t, 'GET', '/api/v1/orders/recurring')).status).toBe(401);
  });
});
