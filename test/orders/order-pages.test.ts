import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY, HOUR } from '../../src/platform/clock.js';
import { insertOrder, insertRefund } from '../helpers/order-fixtures.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Browser, signUp } from '../helpers/browser.js';

/** What a person reads in a piece of markup. */
function textOf(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
}

function cards(html: string): string[] {
  return [...html.matchAll(/<li class="order-card">([\s\S]*?)<\/li>\s*(?=<li class="order-card">|<\/ol>)/g)].map((m) => textOf(m[1]!));
}

function link(html: string, text: string): string | undefined {
  const match = new RegExp(`<a href="([^"]+)"[^>]*>\\s*(?:<span[^>]*>[^<]*</span>)?${text}`).exec(html);
  return match?.[1]?.replace(/&amp;/g, '&');
}

/** Every visible control (input, select, textarea) has a <label for> naming its id, and every label has its control. */
function expectEveryControlLabelled(html: string): void {
  const ids = [...html.matchAll(/<(input|select|textarea)\b([^>]*)>/g)]
    .filter((match) => !/type="hidden"/.test(match[2]!))
    .map((match) => /\bid="([^"]+)"/.exec(match[2]!)?.[1]);
  const labels = new Set([...html.matchAll(/<label for="([^"]+)"/g)].map((match) => match[1]));
  expect(ids.length).toBeGreaterThan(0);
  for (const id of ids) expect(id && labels.has(id), `a <label for="${id}">`).toBe(true);
  for (const label of labels) expect(ids, `label for="${label}" has its control`).toContain(label);
}

async function accountOf(t: TestApp, email: string): Promise<string> {
  const row = await t.database.db.kysely.selectFrom('identifiers').select('account_id').where('normalized', '=', email).executeTakeFirstOrThrow();
  return row.account_id;
}

describe('order pages', () => {
  let t: TestApp;
  let browser: Browser;
  let accountId: string;
  beforeEach(async () => {
    t = await createTestApp();
    browser = new Browser(t.app);
    await signUp(t, browser, { name: 'Jane Doe', email: 'jane@example.com' });
    accountId = await accountOf(t, 'jane@example.com');
  });
  afterEach(async () => {
    await t.close();
  });

  it('Your Orders: cards newest first with date, total, ship-to, number, status and titles; a GET form; "Next page" keeps the filters', async () => {
    const now = t.clock.now();
    for (let i = 0; i < 12; i++) {
      await insertOrder(t, accountId, { placedAt: now - (i + 1) * DAY, status: i === 0 ? 'shipped' : 'delivered', items: [{ sku: `S${i}`, title: `Candle No. ${i}`, quantity: 1, unitPrice: 1000 + i }] });
    }
    const newest = await insertOrder(t, accountId, { placedAt: now - HOUR, status: 'placed', shippingTotal: 499, items: [{ sku: 'T', title: 'Teapot & Cups', quantity: 2, unitPrice: 2250 }, { sku: 'L', title: 'Loose Leaf Tea', quantity: 1, unitPrice: 1200 }] });

    const page = await browser.get('/orders');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<h1 class="page-title">Your Orders</h1>');
    expect(page.body).toMatch(/<form method="get" action="\/orders" class="card order-filters" role="search"/);
    expectEveryControlLabelled(page.body);
    expect(page.body).toContain('<label for="year">Year</label>');
    expect(page.body).toContain('<option value="2026">2026</option>');
    expect(page.body).toContain('<label for="status">Status</label>');
    const list = cards(page.body);
    expect(list).toHaveLength(10);
    expect(list[0]).toBe(`Order placed 15 January 2026 Total $61.99 Ship to Jane Doe Order # ${newest.number} Ordered 15 January 2026 Teapot &amp; Cups Loose Leaf Tea View order details for order ${newest.number}`);
    expect(list[1]).toMatch(/^Order placed 14 January 2026 Total \$10\.00 .* Shipped 15 January 2026 Candle No\. 0 View order details/);
    expect(page.body).toContain(`href="/orders/${newest.id}"`);

    const next = link(page.body, 'Next page');
    expect(next).toMatch(/^\/orders\?before=[\w-]+$/);
    const second = await browser.get(next!);
    expect(cards(second.body)).toHaveLength(3);
    expect(cards(second.body)[2]).toContain('Candle No. 11');
    expect(link(second.body, 'Next page')).toBeUndefined();
    expect(link(second.body, 'First page')).toBe('/orders');

    // Filters travel with the cursor.
    const filtered = await browser.get('/orders?q=candle&year=2026&status=delivered');
    expect(filtered.status).toBe(200);
    expect(filtered.body).toContain('<option value="delivered" selected>Delivered</option>');
    expect(filtered.body).toMatch(/<input id="q" name="q" type="search" value="candle"/);
    expect(cards(filtered.body)).toHaveLength(10);
    const filteredNext = link(filtered.body, 'Next page')!;
    expect(filteredNext).toMatch(/^\/orders\?q=candle&year=2026&status=delivered&before=[\w-]+$/);
    expect(cards((await browser.get(filteredNext)).body)).toHaveLength(1);
    expect((await browser.get('/orders?q=nothing+like+this')).body).toContain('No orders match your search.');
  });

  it('a bad filter or page link answers 400 with the problem beside its control', async () => {
    const badStatus = await browser.get('/orders?status=lost');
    expect(badStatus.status).toBe(400);
    expect(badStatus.body).toContain('<a href="#status">Choose a status from the list.</a>');
    expect(badStatus.body).toMatch(/<select id="status" name="status" aria-invalid="true" aria-describedby="status-error">/);
    const badCursor = await browser.get('/orders?before=garbage!!');
    expect(badCursor.status).toBe(400);
    expect(badCursor.body).toContain("This page link doesn't work. Start again from the first page.");
    const repeated = await browser.get('/orders?q=a&q=b');
    expect(repeated.status).toBe(400);
    expect((await browser.get(`/orders?q=${'x'.repeat(101)}`)).status).toBe(400);
  });

  it('order detail: items, prices, totals, address lines, card, timeline, and the actions that apply', async () => {
    const now = t.clock.now();
    const order = await insertOrder(t, accountId, {
      placedAt: now - 5 * DAY,
      deliveredAt: now - DAY,
      shippingTotal: 499,
      taxTotal: 330,
      shipTo: { full_name: 'Jane Doe', line1: '221B Baker Street', city: 'London', region: null, postal_code: 'NW1 6XE', country: 'GB' },
      card: { brand: 'visa', last4: '4242' },
      items: [{ sku: 'MUG', title: 'Enamel Mug', quantity: 2, unitPrice: 900 }, { sku: 'KETTLE', title: 'Stovetop Kettle', quantity: 1, unitPrice: 3900 }],
    });
    const page = await browser.get(`/orders/${order.id}`);
    expect(page.status).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain(`Ordered 10 January 2026 · Order # ${order.number}`);
    expect(page.body).toMatch(/<address class="address-lines"><span>Jane Doe<\/span><span>221B Baker Street<\/span><span>London<\/span><span>NW1 6XE<\/span><span>United Kingdom<\/span><\/address>/);
    expect(page.body).toContain('Visa <span aria-hidden="true">••••</span><span class="visually-hidden"> ending in</span> 4242');
    expect(text).toContain('Items $57.00 Shipping $4.99 Tax $3.30 Order total $65.29');
    expect(text).toContain('Enamel Mug 2 $9.00 $18.00 Return or refund item : Enamel Mug');
    expect(text).toContain('Stovetop Kettle 1 $39.00 $39.00');
    expect([...page.body.matchAll(/<span class="timeline-status">([^<]+)<\/span>/g)].map((m) => m[1])).toEqual(['Ordered', 'Payment received', 'Shipped', 'Delivered']);
    expect(text).toContain('You can ask to return items until 13 February 2026, 12:00 UTC.');
    expect(page.body).toContain(`<a class="button secondary" href="/orders/${order.id}/problem">Problem with order</a>`);
    expect(page.body).toContain(`<a class="button danger" href="/orders/${order.id}/not-recognised">I don't recognise this order</a>`);

    // Not delivered yet: no return button, and the page says why.
    const shipped = await insertOrder(t, accountId, { placedAt: now - DAY, status: 'shipped' });
    const shippedPage = await browser.get(`/orders/${shipped.id}`);
    expect(shippedPage.body).not.toContain('Return or refund item');
    expect(shippedPage.body).toContain('This item can be returned once the order has been delivered.');
    // Past the window: no return button either.
    const old = await insertOrder(t, accountId, { placedAt: now - 60 * DAY, deliveredAt: now - 31 * DAY });
    const oldPage = await browser.get(`/orders/${old.id}`);
    expect(oldPage.body).not.toContain('Return or refund item');
    expect(oldPage.body).toContain('The return window for this order closed on 14 January 2026, 12:00 UTC.');
    expect((await browser.get(`/orders/${old.id}/return?item=${old.items[0]!.id}`)).status).toBe(409);
  });

  it('a partly refunded order shows "Refunded $x of $y" and stays returnable; one refunded in full says why not, in the words a request would get', async () => {
    const now = t.clock.now();
    const partly = await insertOrder(t, accountId, { placedAt: now - 5 * DAY, deliveredAt: now - DAY, items: [{ sku: 'MUG', title: 'Enamel Mug', quantity: 2, unitPrice: 900 }] });
    await insertRefund(t, accountId, partly, 1, now - HOUR);
    const page = await browser.get(`/orders/${partly.id}`);
    expect(page.status).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain('Order total $18.00 Refunded $0.01 of $18.00');
    expect(text).toContain('Return or refund item : Enamel Mug');
    expect(text).toContain('Refund $0.01');

    const whole = await insertOrder(t, accountId, { placedAt: now - 20 * DAY, deliveredAt: now - 15 * DAY, status: 'refunded' });
    const refusal = 'This order was refunded in full, so there is nothing left to return.';
    const detail = await browser.get(`/orders/${whole.id}`);
    expect(detail.body).not.toContain('Return or refund item');
    expect(textOf(detail.body)).toContain(refusal);
    const form = await browser.get(`/orders/${whole.id}/return?item=${whole.items[0]!.id}`);
    expect(form.status).toBe(409);
    expect(textOf(form.body)).toContain(refusal);
  });

  it('return and problem forms: labelled, errors tied to fields, and the request shows on the order', async () => {
    const now = t.clock.now();
    const order = await insertOrder(t, accountId, { placedAt: now - 5 * DAY, deliveredAt: now - DAY, items: [{ sku: 'MUG', title: 'Enamel Mug', quantity: 3, unitPrice: 900 }] });
    const itemId = order.items[0]!.id;
    const form = await browser.get(`/orders/${order.id}/return?item=${itemId}`);
    expect(form.status).toBe(200);
    expectEveryControlLabelled(form.body);
    expect(form.body).toContain('<legend>Why are you returning it?</legend>');
    expect(form.body).toContain('<option value="3">3</option>');
    expect(form.body).not.toContain('<option value="4">');

    const missing = await browser.post(`/orders/${order.id}/return`, { item: itemId, quantity: '1', reason: '', details: '' });
    expect(missing.status).toBe(400);
    expect(missing.body).toContain('<a href="#reason">Choose why you are returning it.</a>');
    expect(missing.body).toMatch(/<fieldset class="choices has-error" aria-describedby="reason-error">/);

    const sent = await browser.post(`/orders/${order.id}/return`, { item: itemId, quantity: '2', reason: 'damaged', details: 'Both chipped.' });
    expect(sent.status).toBe(303);
    expect(sent.location).toBe(`/orders/${order.id}?notice=return`);
    const after = await browser.get(sent.location!);
    expect(after.body).toContain('Your return request was sent to the store.');
    expect(textOf(after.body)).toContain('Return request: 2 × Enamel Mug Waiting for the store It arrived damaged');
    expect(textOf(after.body)).toContain('Enamel Mug 3 $9.00 $27.00 Return requested');

    const again = await browser.post(`/orders/${order.id}/return`, { item: itemId, quantity: '1', reason: 'damaged', details: '' });
    expect(again.status).toBe(409);
    expect(again.body).toContain('You already have an open return request for this item.');

    const problem = await browser.get(`/orders/${order.id}/problem`);
    expectEveryControlLabelled(problem.body);
    const noWords = await browser.post(`/orders/${order.id}/problem`, { reason: 'other', details: '   ' });
    expect(noWords.status).toBe(400);
    expect(noWords.body).toContain('<a href="#details">Tell us what went wrong.</a>');
    const reported = await browser.post(`/orders/${order.id}/problem`, { reason: 'missing_items', details: 'Only one mug came.' });
    expect(reported.location).toBe(`/orders/${order.id}?notice=dispute`);
    expect(textOf((await browser.get(reported.location!)).body)).toContain('Problem with order Waiting for the store Items are missing from my order');
  });

  it('"I don\'t recognise this order": a confirmation step, then the report, then the secure-my-account page', async () => {
    const order = await insertOrder(t, accountId, { placedAt: t.clock.now() - 2 * DAY, status: 'paid' });
    const confirm = await browser.get(`/orders/${order.id}/not-recognised`);
    expect(confirm.status).toBe(200);
    expect(confirm.body).toContain('<button type="submit" class="button danger">Yes, report this order</button>');
    expect(confirm.body).toContain(`<a href="/orders/${order.id}">No, go back to the order</a>`);
    // Opening the confirmation records nothing.
    expect(await t.database.db.kysely.selectFrom('order_cases').select('id').execute()).toHaveLength(0);

    const reported = await browser.post(`/orders/${order.id}/not-recognised`, { details: '' });
    expect(reported.status).toBe(303);
    expect(reported.location).toBe('/account/secure');
    const cases = await t.database.db.kysely.selectFrom('order_cases').select(['kind', 'status', 'account_id']).execute();
    expect(cases).toEqual([{ kind: 'fraud_report', status: 'open', account_id: accountId }]);

    const secure = await browser.get('/account/secure');
    expect(secure.status).toBe(200);
    expect(secure.body).toContain('<h1>Secure your account</h1>');
    expect(secure.body).toContain('action="/account/secure/confirm"');
    const detail = await browser.get(`/orders/${order.id}`);
    expect(detail.body).toContain("You told us you don't recognise this order");
    expect(detail.body).not.toContain('/not-recognised"');
    // A second report (another tab) still leads to securing the account, and records nothing more.
    expect((await browser.post(`/orders/${order.id}/not-recognised`, { details: '' })).location).toBe('/account/secure');
    expect(await t.database.db.kysely.selectFrom('order_cases').select('id').execute()).toHaveLength(1);

    const secured = await browser.post('/account/secure/confirm', {});
    expect(secured.status).toBe(200);
    expect(secured.body).toContain('<h1>Your account is secured</h1>');
    expect((await browser.get('/orders')).location).toBe('/signin?return_to=%2Forders');
  });

  it('a posted form without its CSRF token changes nothing (ASVS 7.6.2 / CS Cross-Site Request Forgery)', async () => {
    const order = await insertOrder(t, accountId, { placedAt: t.clock.now() - 5 * DAY, deliveredAt: t.clock.now() - DAY });
    for (const [path, form] of [
      [`/orders/${order.id}/not-recognised`, { details: '' }],
      [`/orders/${order.id}/problem`, { reason: 'damaged' }],
      [`/orders/${order.id}/return`, { item: order.items[0]!.id, quantity: '1', reason: 'damaged' }],
    ] as const) {
      expect((await browser.post(path, form, { csrf: false })).status, path).toBe(403);
    }
    expect(await t.database.db.kysely.selectFrom('order_cases').select('id').execute()).toHaveLength(0);
  });

  it('spending: a chart and a table per currency, and the recurring purchases', async () => {
    const now = t.clock.now();
    for (const ago of [84, 56, 28]) await insertOrder(t, accountId, { placedAt: now - ago * DAY, items: [{ sku: 'COFFEE', title: 'House Coffee', quantity: 1, unitPrice: 1500 }] });
    await insertOrder(t, accountId, { placedAt: now - 10 * DAY, currency: 'EUR', items: [{ sku: 'B', title: 'Book', quantity: 1, unitPrice: 2000 }] });
    const page = await browser.get('/orders/spending');
    expect(page.status).toBe(200);
    expect(page.body.match(/role="img"/g)).toHaveLength(2);
    expect(page.body).toContain('<title id="chart-usd-title">Spending per month in USD</title>');
    expect(page.body).toContain('<caption id="chart-eur-caption">Spending per month in EUR, oldest first</caption>');
    expect(textOf(page.body)).toContain('US Dollar (USD), the last 12 months');
    expect(textOf(page.body)).toContain('House Coffee Bought about every 4 weeks (3 times) · last bought 18 December 2025 · next expected around 15 January 2026');
    expect((await browser.get('/orders/spending?year=2025')).body).toContain('<option value="2025" selected>2025</option>');
    expect((await browser.get('/orders/spending?year=twenty')).status).toBe(400);
  });

  it('every order page needs a session', async () => {
    const signedOut = new Browser(t.app);
    for (const path of ['/orders', '/orders/spending', '/orders/abc', '/orders/abc/problem', '/orders/abc/not-recognised', '/orders/abc/return?item=x']) {
      const response = await signedOut.get(path);
      expect(response.status, path).toBe(303);
      expect(response.location, path).toBe(`/signin?return_to=${encodeURIComponent(path)}`);
    }
  });
});
