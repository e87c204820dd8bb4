import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, HOUR } from '../../src/platform/clock.js';
import { api, createTestApp, type TestApp } from '../helpers/app.js';
import { insertOrder } from '../helpers/order-fixtures.js';
import { signUpFrom } from '../helpers/fixtures.js';

/** Every order id on every page, following `next` until it runs out. */
async function allPages(t: TestApp, token: string, query: string, limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let next: string | null = null;
  let pages = 0;
  do {
    const url: string = `/api/v1/orders?limit=${limit}${query}${next ? `&before=${next}` : ''}`;
    const page = await api(t, 'GET', url, { token });
    expect(page.status).toBe(200);
    expect(page.body.orders.length).toBeLessThanOrEqual(limit);
    ids.push(...page.body.orders.map((o: { id: string }) => o.id));
    next = page.body.next;
    pages++;
  } while (next);
  return { ids, pages };
}

describe('Your Orders: history, filters and search', () => {
  let t: TestApp;
  let token: string;
  let accountId: string;
  let otherToken: string;
  let otherAccount: string;
  beforeAll(async () => {
    t = await createTestApp();
    ({ token, accountId } = await signUpFrom(t, { name: 'Jane Doe', email: 'jane@example.com' }));
    ({ token: otherToken, accountId: otherAccount } = await signUpFrom(t, { name: 'Other Person', email: 'other@example.com' }));
  });
  afterAll(() => t.close());

  it('pages newest first by keyset: with ties in placed_at every order appears exactly once, and new orders never shift later pages', async () => {
    const { accountId: pager, token: pagerToken } = await signUpFrom(t, { email: 'pager@example.com' });
    const base = Date.UTC(2025, 5, 1);
    // 23 orders in 5 moments: 5, 5, 5, 5 and 3 share a placed_at, so a page boundary falls inside a tie.
    for (let i = 0; i < 23; i++) await insertOrder(t, pager, { placedAt: base + Math.floor(i / 5) * HOUR });
    const expected = await t.app.deps.db.selectFrom('orders').select('id').where('account_id', '=', pager).orderBy('placed_at', 'desc').orderBy('id', 'desc').execute();

    for (const limit of [1, 4, 5, 7, 23, 50]) {
      const { ids, pages } = await allPages(t, pagerToken, '', limit);
      expect(ids).toEqual(expected.map((row) => row.id));
      expect(pages).toBe(Math.max(1, Math.ceil(23 / limit)));
    }

    const first = await api(t, 'GET', '/api/v1/orders?limit=7', { token: pagerToken });
    const placed = first.body.orders.map((o: { placed_at: string }) => Date.parse(o.placed_at));
    expect(placed).toEqual([...placed].sort((a, b) => b - a));
    // A new order arrives between page 1 and page 2: with an offset page 2 would repeat a row; with a keyset it can't.
    await insertOrder(t, pager, { placedAt: base + 10 * DAY });
    const second = await api(t, 'GET', `/api/v1/orders?limit=7&before=${first.body.next}`, { token: pagerToken });
    expect(second.body.orders.map((o: { id: string }) => o.id)).toEqual(expected.slice(7, 14).map((row) => row.id));
  });

  it('filters by year as a placed_at range, to the millisecond at both ends', async () => {
    const { accountId: years, token: yearsToken } = await signUpFrom(t, { email: 'years@example.com' });
    const lastOf2024 = await insertOrder(t, years, { placedAt: Date.UTC(2025, 0, 1) - 1 });
    const firstOf2025 = await insertOrder(t, years, { placedAt: Date.UTC(2025, 0, 1) });
    const mid2025 = await insertOrder(t, years, { placedAt: Date.UTC(2025, 6, 4) });
    const lastOf2025 = await insertOrder(t, years, { placedAt: Date.UTC(2026, 0, 1) - 1 });
    const firstOf2026 = await insertOrder(t, years, { placedAt: Date.UTC(2026, 0, 1) });
    const ids = async (query: string) => (await allPages(t, yearsToken, query, 2)).ids;
    expect(await ids('&year=2025')).toEqual([lastOf2025.id, mid2025.id, firstOf2025.id]);
    expect(await ids('&year=2024')).toEqual([lastOf2024.id]);
    expect(await ids('&year=2026')).toEqual([firstOf2026.id]);
    expect(await ids('&year=2019')).toEqual([]);
  });

  it('filters by status group (open, delivered, cancelled, returned or refunded) and by a raw status', async () => {
    const { accountId: statuses, token: statusToken } = await signUpFrom(t, { email: 'statuses@example.com' });
    const at = (n: number) => Date.UTC(2025, 2, n);
    const made = {
      placed: await insertOrder(t, statuses, { placedAt: at(1), status: 'placed' }),
      paid: await insertOrder(t, statuses, { placedAt: at(2), status: 'paid' }),
      shipped: await insertOrder(t, statuses, { placedAt: at(3), status: 'shipped' }),
      delivered: await insertOrder(t, statuses, { placedAt: at(4), status: 'delivered' }),
      cancelled: await insertOrder(t, statuses, { placedAt: at(5), status: 'cancelled' }),
      returned: await insertOrder(t, statuses, { placedAt: at(6), status: 'returned' }),
      refunded: await insertOrder(t, statuses, { placedAt: at(7), status: 'refunded' }),
    };
    const ids = async (status: string) => (await allPages(t, statusToken, `&status=${status}`, 50)).ids;
    expect(await ids('open')).toEqual([made.shipped.id, made.paid.id, made.placed.id]);
    expect(await ids('delivered')).toEqual([made.delivered.id]);
    expect(await ids('cancelled')).toEqual([made.cancelled.id]);
    expect(await ids('returned')).toEqual([made.refunded.id, made.returned.id]);
    expect(await ids('refunded')).toEqual([made.refunded.id]);
    expect(await ids('paid')).toEqual([made.paid.id]);
    // Filters combine: a year and a status.
    expect((await allPages(t, statusToken, '&status=open&year=2025', 50)).ids).toHaveLength(3);
    expect((await allPages(t, statusToken, '&status=open&year=2024', 50)).ids).toHaveLength(0);

    const bad = await api(t, 'GET', '/api/v1/orders?status=lost', { token: statusToken });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.status).toBe('Choose a status from the list.');
    expect((await api(t, 'GET', '/api/v1/orders?status=__proto__', { token: statusToken })).status).toBe(400);
  });

  it('searches item titles case-insensitively (NFKC), within the account only, never across two titles', async () => {
    const coffee = await insertOrder(t, accountId, {
      placedAt: Date.UTC(2025, 3, 1),
      items: [
        { sku: 'COF-1', title: 'Ethiopian Coffee Beans', quantity: 2, unitPrice: 1450 },
        { sku: 'MUG-1', title: 'Enamel Mug', quantity: 1, unitPrice: 900 },
      ],
    });
    const tea = await insertOrder(t, accountId, { placedAt: Date.UTC(2025, 3, 2), items: [{ sku: 'TEA-1', title: 'Café Crème Tea', quantity: 1, unitPrice: 650 }] });
    await insertOrder(t, otherAccount, { placedAt: Date.UTC(2025, 3, 3), items: [{ sku: 'COF-1', title: 'Ethiopian Coffee Beans', quantity: 1, unitPrice: 1450 }] });

    const search = async (q: string, who = token) => (await allPages(t, who, `&q=${encodeURIComponent(q)}`, 50)).ids;
    expect(await search('coffee')).toEqual([coffee.id]);
    expect(await search('COFFEE beans')).toEqual([coffee.id]);
    expect(await search('  Coffee\t Beans ')).toEqual([coffee.id]);
    // Full-width letters fold to ASCII under NFKC.
    expect(await search('ＣＯＦＦＥＥ')).toEqual([coffee.id]);
    expect(await search('CAFÉ CRÈME')).toEqual([tea.id]);
    expect(await search('mug')).toEqual([coffee.id]);
    // "beans" ends one title and "enamel" starts the next: a search never spans the line between them.
    expect(await search('beans enamel')).toEqual([]);
    expect(await search('beans\nenamel')).toEqual([]);
    expect(await search('coffee', otherToken)).toHaveLength(1);
    expect(await search('tea', otherToken)).toEqual([]);

    const page = await api(t, 'GET', '/api/v1/orders?q=coffee', { token });
    expect(page.body.orders[0].item_titles).toEqual(['Ethiopian Coffee Beans', 'Enamel Mug']);
    expect(page.body.orders[0].total).toEqual({ amount: 3800, currency: 'USD', formatted: '$38.00' });
  });

  it('treats %, _ and \\ in a search as the characters themselves, not LIKE wildcards', async () => {
    const { accountId: like, token: likeToken } = await signUpFrom(t, { email: 'like@example.com' });
    const item = (title: string) => ({ placedAt: Date.UTC(2025, 4, 1), items: [{ sku: title, title, quantity: 1, unitPrice: 100 }] });
    const percent = await insertOrder(t, like, item('50% Off Voucher'));
    const fifty = await insertOrder(t, like, item('50 Piece Puzzle'));
    const snake = await insertOrder(t, like, item('snake_case Handbook'));
    const snakes = await insertOrder(t, like, item('Snakes Case'));
    const backslash = await insertOrder(t, like, item('Back\\slash Poster'));
    const search = async (q: string) => new Set((await allPages(t, likeToken, `&q=${encodeURIComponent(q)}`, 50)).ids);
    expect(await search('50%')).toEqual(new Set([percent.id]));
    expect(await search('50')).toEqual(new Set([percent.id, fifty.id]));
    expect(await search('%')).toEqual(new Set([percent.id]));
    expect(await search('snake_case')).toEqual(new Set([snake.id]));
    expect(await search('_')).toEqual(new Set([snake.id]));
    expect(await search('snake%case')).toEqual(new Set());
    expect(await search('\\')).toEqual(new Set([backslash.id]));
    expect(await search('back\\slash')).toEqual(new Set([backslash.id]));
    expect(await search('k\\s')).toEqual(new Set([backslash.id]));
    expect(snakes.id).toBeTruthy();
  });

  it('refuses a bad page link, limit, year or search with 400 and the parameter named', async () => {
    const cases: Array<[string, string]> = [
      ['before=not-a-cursor', 'before'],
      [`before=${Buffer.from('123:abc:def').toString('base64url')}`, 'before'],
      [`before=${Buffer.from('-5:abc').toString('base64url')}`, 'before'],
      [`before=${'A'.repeat(150)}`, 'before'],
      ['before=%00', 'before'],
      ['before=a&before=b', 'before'],
      ['limit=0', 'limit'],
      ['limit=51', 'limit'],
      ['limit=ten', 'limit'],
      ['limit=1.5', 'limit'],
      ['year=20x5', 'year'],
      ['year=1800', 'year'],
      ['year=99999', 'year'],
      [`q=${'a'.repeat(101)}`, 'q'],
      [`q=${'a'.repeat(5000)}`, 'q'],
      ['q=tea%00', 'q'],
      ['q=%E2%80%AEtea', 'q'],
      ['q=a&q=b', 'q'],
    ];
    for (const [query, field] of cases) {
      const response = await api(t, 'GET', `/api/v1/orders?${query}`, { token });
      expect(response.status, query).toBe(400);
      expect(response.body.error.code, query).toBe('request.invalid');
      expect(Object.keys(response.body.error.fields), query).toContain(field);
    }
    // A search of 100 characters, or SQL-looking text, is just a search that finds nothing.
    expect((await api(t, 'GET', `/api/v1/orders?q=${'a'.repeat(100)}`, { token })).status).toBe(200);
    const sqlish = await api(t, 'GET', `/api/v1/orders?q=${encodeURIComponent("' OR 1=1 --")}`, { token });
    expect(sqlish.status).toBe(200);
    expect(sqlish.body.orders).toEqual([]);
  });

  it('shows one order in full, and another customer\'s order as not found', async () => {
    const order = await insertOrder(t, accountId, {
      placedAt: Date.UTC(2025, 7, 1),
      status: 'delivered',
      items: [{ sku: 'LAMP', title: 'Desk Lamp', quantity: 2, unitPrice: 2499 }],
      shippingTotal: 499,
      taxTotal: 412,
    });
    const detail = await api(t, 'GET', `/api/v1/orders/${order.id}`, { token });
    expect(detail.status).toBe(200);
    expect(detail.body.order).toMatchObject({
      id: order.id,
      number: order.number,
      status: 'delivered',
      subtotal: { amount: 4998, currency: 'USD', formatted: '$49.98' },
      shipping: { amount: 499, currency: 'USD', formatted: '$4.99' },
      tax: { amount: 412, currency: 'USD', formatted: '$4.12' },
      total: { amount: 5909, currency: 'USD', formatted: '$59.09' },
      payment_method: { brand: 'visa', last4: '4242' },
      shipping_address: { full_name: 'Jane Doe', lines: ['Jane Doe', '1 Main Street', 'Springfield, IL 62701', 'United States'] },
      items: [{ sku: 'LAMP', title: 'Desk Lamp', quantity: 2, unit_price: { amount: 2499 }, line_total: { amount: 4998 } }],
      cases: [],
    });
    expect(detail.body.order.history.map((e: { status: string }) => e.status)).toEqual(['placed', 'paid', 'shipped', 'delivered']);
    expect(JSON.stringify(detail.body)).not.toMatch(/idempotency|request_hash|store_key/);

    const stranger = await api(t, 'GET', `/api/v1/orders/${order.id}`, { token: otherToken });
    expect(stranger.status).toBe(404);
    expect(stranger.body.error).toEqual({ code: 'not_found', message: "We couldn't find that order." });
    expect((await api(t, 'GET', '/api/v1/orders/no-such-order', { token })).status).toBe(404);
    expect((await api(t, 'GET', `/api/v1/orders/${order.id}`)).status).toBe(401);
  });
});
