import { h } from 'preact';
import { renderToStaticMarkup } from 'preact-render-to-string';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../../src/orders/money.js';
import { SpendingChart } from '../../src/spending/spending-chart.js';
import { spendingByMonth } from '../../src/spending/spending.js';
import { api, createTestApp, type TestApp } from '../helpers/app.js';
import { insertOrder, insertRefund, type FixtureOrder } from '../helpers/order-fixtures.js';
import { Browser } from '../helpers/browser.js';
import { SESSION_COOKIE } from '../../src/platform/http/session-cookie.js';
import { signUpFrom } from '../helpers/fixtures.js';

const one = (placedAt: number, currency: string, unitPrice: number, extra: Partial<FixtureOrder> = {}): FixtureOrder => ({
  placedAt,
  currency,
  items: [{ sku: 'S', title: 'Something', quantity: 1, unitPrice }],
  ...extra,
});

describe('spending by month', () => {
  let t: TestApp;
  let token: string;
  let accountId: string;
  beforeAll(async () => {
    // The test clock reads 15 January 2026: the last 12 months are February 2025 to January 2026.
    t = await createTestApp();
    ({ token, accountId } = await signUpFrom(t, { email: 'spender@example.com' }));
    const { accountId: other } = await signUpFrom(t, { email: 'other-spender@example.com' });
    await insertOrder(t, accountId, one(Date.UTC(2025, 1, 1) - 1, 'USD', 100_000)); // 31 Jan 2025: before the period
    await insertOrder(t, accountId, one(Date.UTC(2025, 1, 1), 'USD', 1999)); // first millisecond of February 2025
    await insertOrder(t, accountId, one(Date.UTC(2025, 1, 28, 23, 59, 59, 999), 'USD', 1, { shippingTotal: 499, taxTotal: 10 }));
    await insertOrder(t, accountId, one(Date.UTC(2025, 5, 10), 'USD', 4_503_599_627_370_495)); // 2^52 - 1 cents
    await insertOrder(t, accountId, one(Date.UTC(2025, 5, 11), 'USD', 1));
    await insertOrder(t, accountId, one(Date.UTC(2025, 5, 12), 'USD', 777, { status: 'cancelled' }));
    await insertOrder(t, accountId, one(Date.UTC(2025, 5, 13), 'USD', 888, { status: 'refunded' }));
    await insertOrder(t, accountId, one(Date.UTC(2025, 5, 14), 'USD', 300, { status: 'returned' }));
    await insertOrder(t, accountId, one(Date.UTC(2026, 0, 15, 11), 'USD', 250, { status: 'placed' }));
    await insertOrder(t, accountId, one(Date.UTC(2025, 5, 10), 'EUR', 1050));
    await insertOrder(t, accountId, one(Date.UTC(2025, 11, 31, 23, 59, 59, 999), 'EUR', 2000));
    await insertOrder(t, accountId, one(Date.UTC(2025, 8, 1), 'JPY', 4800));
    await insertOrder(t, other, one(Date.UTC(2025, 5, 10), 'USD', 5_000_000));
  });
  afterAll(() => t.close());

  it('sums exact integer minor units per month and per currency, never across currencies, without cancelled or refunded orders', async () => {
    const response = await api(t, 'GET', '/api/v1/orders/spending', { token });
    expect(response.status).toBe(200);
    const body = response.body;
    expect(body.year).toBeNull();
    expect(body.months).toEqual(['2025-02', '2025-03', '2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01']);
    expect(body.from).toBe('2025-02-01T00:00:00.000Z');
    expect(body.to).toBe('2026-02-01T00:00:00.000Z');
    expect(body.currencies.map((c: { currency: string }) => c.currency)).toEqual(['USD', 'EUR', 'JPY']);

    const usd = body.currencies[0];
    const usdMonths = Object.fromEntries(usd.months.map((m: { month: string; amount: { amount: number } }) => [m.month, m.amount.amount]));
    expect(usdMonths['2025-02']).toBe(1999 + 1 + 499 + 10);
    // 2^52 - 1 + 1 + 300: exact, where floating-point cents would already have lost the last digit.
    expect(usdMonths['2025-06']).toBe(4_503_599_627_370_796);
    expect(usdMonths['2026-01']).toBe(250);
    expect(usdMonths['2025-03']).toBe(0);
    expect(usd.total).toEqual({ amount: 4_503_599_627_373_555, currency: 'USD', formatted: '$45,035,996,273,735.55' });
    expect(usd.orders).toBe(6);
    expect(usd.months.find((m: { month: string }) => m.month === '2025-06')).toMatchObject({ orders: 3, amount: { formatted: '$45,035,996,273,707.96' } });

    const eur = body.currencies[1];
    expect(eur.total).toEqual({ amount: 3050, currency: 'EUR', formatted: '€30.50' });
    expect(eur.months.find((m: { month: string }) => m.month === '2025-12').amount.amount).toBe(2000);
    const jpy = body.currencies[2];
    expect(jpy.total).toEqual({ amount: 4800, currency: 'JPY', formatted: '¥4,800' });
  });

  it('shows a chosen calendar year, and refuses a year that is not one', async () => {
    const year = await api(t, 'GET', '/api/v1/orders/spending?year=2025', { token });
    expect(year.status).toBe(200);
    expect(year.body.year).toBe(2025);
    expect(year.body.months[0]).toBe('2025-01');
    expect(year.body.months[11]).toBe('2025-12');
    const usd = year.body.currencies.find((c: { currency: string }) => c.currency === 'USD');
    // January 2025 now counts (the order one millisecond before February); January 2026 does not.
    expect(usd.months[0].amount.amount).toBe(100_000);
    expect(usd.total.amount).toBe(100_000 + 1999 + 1 + 499 + 10 + 4_503_599_627_370_495 + 1 + 300);
    const empty = await api(t, 'GET', '/api/v1/orders/spending?year=2019', { token });
    expect(empty.body.currencies).toEqual([]);
    for (const bad of ['year=1969', 'year=abc', 'year=2025&year=2024', 'year=-1', `year=${'9'.repeat(20)}`]) {
      const response = await api(t, 'GET', `/api/v1/orders/spending?${bad}`, { token });
      expect(response.status, bad).toBe(400);
      expect(response.body.error.fields, bad).toHaveProperty('year');
    }
  });

  it('formats each currency with its own minor-unit exponent, from integers only', () => {
    expect(formatMoney(123456, 'USD')).toBe('$1,234.56');
    expect(formatMoney(5, 'USD')).toBe('$0.05');
    expect(formatMoney(-5, 'GBP')).toBe('-£0.05');
    expect(formatMoney(500, 'JPY')).toBe('¥500');
    expect(formatMoney(1234, 'KWD')).toBe('KWD\u00a01.234');
    expect(formatMoney(9_007_199_254_740_991, 'EUR')).toBe('€90,071,992,547,409.91');
    expect(() => formatMoney(0.5, 'USD')).toThrow();
    // A sum beyond 2^53 is a bigint, shown to the last digit.
    expect(formatMoney(18_014_398_509_481_983n, 'JPY')).toBe('¥18,014,398,509,481,983');
    expect(formatMoney(-18_014_398_509_481_983n, 'KWD')).toBe('-KWD\u00a018,014,398,509,481.983');
  });

  it('draws an accessible SVG bar chart with a title, a description and the same numbers as a table beside it', async () => {
    const spending = await spendingByMonth(t.app.deps, accountId, {});
    const eur = spending.currencies.find((c) => c.currency === 'EUR')!;
    const html = renderToStaticMarkup(h(SpendingChart, { series: eur, id: 'chart-eur' }));
    expect(html).toMatch(/<svg class="spending-chart" viewBox="0 0 720 240" role="img" aria-labelledby="chart-eur-title chart-eur-desc"/);
    expect(html).toContain('<title id="chart-eur-title">Spending per month in EUR</title>');
    expect(html).toContain('<desc id="chart-eur-desc">From February 2025 to January 2026: €30.50 over 2 orders. The highest month was December 2025, at €20.00.</desc>');
    // Two months with spending, two bars; the tallest fills the drawing height.
    expect(html.match(/<rect class="chart-bar"/g)).toHaveLength(2);
    expect(html).toContain('height="184"');
    expect(html).not.toContain('style=');
    expect(html).toContain('<caption id="chart-eur-caption">Spending per month in EUR, oldest first</caption>');
    const rows = [...html.matchAll(/<tr><th scope="row">([^<]+)<\/th><td class="number">(\d+)<\/td><td class="number">([^<]+)<\/td><\/tr>/g)].map((m) => [m[1], m[2], m[3]]);
    expect(rows).toHaveLength(13);
    expect(rows[4]).toEqual(['June 2025', '1', '€10.50']);
    expect(rows[10]).toEqual(['December 2025', '1', '€20.00']);
    expect(rows[12]).toEqual(['Total', '2', '€30.50']);
  });
});

describe('spending beyond what a number holds, and after refunds', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await createTestApp();
    let accountId: string;
    ({ token, accountId } = await signUpFrom(t, { email: 'big-spender@example.com' }));
    // One order may be up to Number.MAX_SAFE_INTEGER minor units; two of them pass what a number holds exactly.
    await insertOrder(t, accountId, one(Date.UTC(2025, 5, 10), 'USD', Number.MAX_SAFE_INTEGER));
    await insertOrder(t, accountId, one(Date.UTC(2025, 5, 20), 'USD', Number.MAX_SAFE_INTEGER));
    // 57.48 EUR with 19.99 refunded later (in another month): 37.49 stayed with the store, counted when ordered.
    const partly = await insertOrder(t, accountId, one(Date.UTC(2025, 2, 3), 'EUR', 5748));
    await insertRefund(t, accountId, partly, 1999, Date.UTC(2025, 4, 1));
    // Refunded in full (status refunded): neither money nor an order.
    const whole = await insertOrder(t, accountId, one(Date.UTC(2025, 2, 4), 'EUR', 1000, { status: 'refunded' }));
    await insertRefund(t, accountId, whole, 1000, Date.UTC(2025, 4, 2));
  });
  afterAll(() => t.close());

  it('two orders of Number.MAX_SAFE_INTEGER: the exact sum (digits as a string in JSON, beyond 2^53), and the page renders it — never a 500', async () => {
    const response = await api(t, 'GET', '/api/v1/orders/spending', { token });
    expect(response.status).toBe(200);
    const usd = response.body.currencies.find((c: { currency: string }) => c.currency === 'USD');
    expect(usd.total).toEqual({ amount: '18014398509481982', currency: 'USD', formatted: '$180,143,985,094,819.82' });
    expect(usd.orders).toBe(2);
    const june = usd.months.find((m: { month: string }) => m.month === '2025-06');
    expect(june).toEqual({ month: '2025-06', orders: 2, amount: { amount: '18014398509481982', currency: 'USD', formatted: '$180,143,985,094,819.82' } });
    // Amounts a number holds stay numbers.
    expect(usd.months.find((m: { month: string }) => m.month === '2025-05').amount.amount).toBe(0);
    expect((await api(t, 'GET', '/api/v1/orders/spending?year=2025', { token })).status).toBe(200);

    const browser = new Browser(t.app);
    browser.cookies.set(SESSION_COOKIE, token);
    const page = await browser.get('/orders/spending');
    expect(page.status).toBe(200);
    expect(page.body).toContain('$180,143,985,094,819.82');
  });

  it('an order counts its total less the refunds on its cases, in the month it was placed; one refunded in full counts nothing', async () => {
    const response = await api(t, 'GET', '/api/v1/orders/spending', { token });
    const eur = response.body.currencies.find((c: { currency: string }) => c.currency === 'EUR');
    expect(eur.total).toEqual({ amount: 3749, currency: 'EUR', formatted: '€37.49' });
    expect(eur.orders).toBe(1);
    expect(eur.months.find((m: { month: string }) => m.month === '2025-03')).toMatchObject({ orders: 1, amount: { amount: 3749 } });
    expect(eur.months.find((m: { month: string }) => m.month === '2025-05').amount.amount).toBe(0);
  });
});
