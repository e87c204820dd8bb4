import { createHmac } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildShop } from '../../src/demo-partner/shop.js';
import { freePort } from '../helpers/free-port.js';

/**
 * The demo partner shop on its own, with no store behind it (CUSTOS_URL names a port nobody listens on): what it
 * refuses without ever asking the store — forms without its CSRF token, a callback or a checkout return this
 * browser did not start, unsigned webhooks — and that the store being down is a clear page, never a 500.
 */
const SECRET = 'whsec_shop-test-secret';

describe('the demo partner shop on its own', () => {
  let shop: FastifyInstance;
  let now = 1_767_225_600_000;
  const log: string[] = [];

  beforeAll(async () => {
    const custosUrl = `http://127.0.0.1:${await freePort()}`;
    shop = await buildShop({
      publicUrl: 'http://localhost:3001',
      custosUrl,
      storeName: 'Harbor Market',
      registration: {
        custos_url: custosUrl,
        redirect_uri: 'http://localhost:3001/callback',
        client_id: 'cp_test',
        client_secret: 'cps_test',
        webhook: { id: 'we_test', url: 'http://localhost:3001/webhooks', secret: SECRET },
      },
      now: () => now,
      log: (line) => log.push(line),
    });
  });
  afterAll(() => shop.close());

  /** A visitor with the shop's cookie and the CSRF token of the last page it loaded. */
  function visitor() {
    let cookie = '';
    let csrf = '';
    const send = async (method: 'GET' | 'POST', url: string, form?: Record<string, string>): Promise<LightMyRequestResponse> => {
      const response = await shop.inject({
        method,
        url,
        headers: { ...(cookie ? { cookie } : {}), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        payload: form ? new URLSearchParams(form).toString() : undefined,
      });
      const set = response.cookies.find((c) => c.name === 'northwind_session');
      if (set) cookie = `northwind_session=${set.value}`;
      csrf = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1] ?? csrf;
      return response;
    };
    return { send, csrf: () => csrf };
  }

  it('serves its pages with its own name, no script, and a session cookie that is HttpOnly and SameSite=Lax', async () => {
    const browser = visitor();
    const home = await browser.send('GET', '/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('Northwind Outfitters');
    expect(home.body).toContain('Sign in with Harbor Market');
    expect(home.body).not.toContain('<script');
    expect(home.headers['content-security-policy']).toContain("default-src 'none'");
    expect(String(home.headers['set-cookie'])).toMatch(/northwind_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax/);
    const cart = await browser.send('GET', '/cart');
    expect(cart.body).toContain('Pay with Harbor Market');
    expect(cart.body).toContain('$103.00');
    expect((await browser.send('GET', '/webhooks')).body).toContain('No events have arrived yet.');
  });

  it('CSRF: sign-in, sign-out and pay forms without this session’s token are refused before anything is sent', async () => {
    const browser = visitor();
    await browser.send('GET', '/');
    for (const action of ['/signin', '/signout', '/checkout']) {
      const forged = await browser.send('POST', action, { _csrf: 'not-the-token' });
      expect(forged.statusCode, action).toBe(403);
      expect(forged.body).toContain('This form has expired');
      expect((await browser.send('POST', action, {})).statusCode, action).toBe(403);
    }
    expect(log.filter((line) => /could not start/.test(line))).toEqual([]);
  });

  it('oversized, wrongly typed and odd requests get a 4xx page, never a 500', async () => {
    const browser = visitor();
    await browser.send('GET', '/');
    const huge = await shop.inject({ method: 'POST', url: '/checkout', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${'a'.repeat(100_000)}` });
    expect(huge.statusCode).toBe(413);
    expect(huge.body).toContain('Northwind Outfitters');
    const json = await shop.inject({ method: 'POST', url: '/signin', headers: { 'content-type': 'application/json' }, payload: '{"_csrf": 1}' });
    // A JSON body carries no form token a page handed out: refused like a forged form.
    expect(json.statusCode).toBe(403);
    const repeated = await browser.send('POST', '/signout', { _csrf: browser.csrf() });
    expect(repeated.statusCode).toBe(303);
    const twice = await shop.inject({ method: 'POST', url: '/signout', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '_csrf=a&_csrf=b' });
    expect(twice.statusCode).toBe(403);
    expect((await browser.send('GET', '/orders/%E0%A4%A')).statusCode).toBeLessThan(500);
    expect((await browser.send('GET', `/orders/${'x'.repeat(5000)}`)).statusCode).toBe(414);
    expect((await shop.inject({ method: 'GET', url: '/', headers: { cookie: `northwind_session=${'\u00e9'.repeat(50)}` } })).statusCode).toBe(200);
  });

  it('a store that does not answer gives a page that says so (502), not a 500', async () => {
    const browser = visitor();
    await browser.send('GET', '/');
    const signIn = await browser.send('POST', '/signin', { _csrf: browser.csrf() });
    expect(signIn.statusCode).toBe(502);
    expect(signIn.body).toContain("Harbor Market isn't answering");
    await browser.send('GET', '/cart');
    const pay = await browser.send('POST', '/checkout', { _csrf: browser.csrf() });
    expect(pay.statusCode).toBe(502);
    expect(pay.body).toContain('Your card was not charged');
  });

  it('login CSRF: a callback this browser did not start is refused, whatever code and state it carries', async () => {
    const browser = visitor();
    await browser.send('GET', '/');
    const planted = await browser.send('GET', '/callback?code=stolen-code&state=attacker-state&iss=http%3A%2F%2Fevil.example');
    expect(planted.statusCode).toBe(400);
    expect(planted.body).toContain('no sign-in with Harbor Market under way');
    expect((await browser.send('GET', '/')).body).toContain('Sign in with Harbor Market');
  });

  it('only the browser that started a checkout can finish it, and orders are seen only by the browser that paid', async () => {
    const browser = visitor();
    await browser.send('GET', '/');
    const back = await browser.send('GET', '/checkout/return?checkout_session=cs_someone_elses');
    expect(back.statusCode).toBe(403);
    expect(back.body).toContain('not started in this browser');
    expect((await browser.send('GET', '/checkout/return')).statusCode).toBe(403);
    expect((await browser.send('GET', '/orders/ch_someone_elses')).statusCode).toBe(404);
    const refund = await browser.send('POST', '/orders/ch_someone_elses/refund', { _csrf: browser.csrf(), amount: '1.00', refund_key: 'k'.repeat(24) });
    expect(refund.statusCode).toBe(404);
  });

  it('logs webhooks: a good signature is verified (204), a forged, replayed or unsigned one is shown as not verified (400)', async () => {
    const body = JSON.stringify({ id: 'evt_1', type: 'charge.succeeded', created: now / 1000, data: { charge: 'ch_1', amount: 10300, currency: 'USD' } });
    const post = (headers: Record<string, string>, payload = body) => shop.inject({ method: 'POST', url: '/webhooks', headers: { 'content-type': 'application/json', ...headers }, payload });
    const t = Math.floor(now / 1000);
    const signature = (secret: string, at: number, text = body) => `t=${at},v1=${createHmac('sha256', secret).update(`${at}.${text}`).digest('hex')}`;

    expect((await post({ 'custos-signature': signature(SECRET, t) })).statusCode).toBe(204);
    expect((await post({ 'custos-signature': signature('whsec_guess', t) })).statusCode).toBe(400);
    expect((await post({})).statusCode).toBe(400);
    // The same body re-serialised (spacing changed) is not what was signed.
    expect((await post({ 'custos-signature': signature(SECRET, t) }, JSON.stringify(JSON.parse(body), null, 1))).statusCode).toBe(400);
    now += 301_000;
    expect((await post({ 'custos-signature': signature(SECRET, t) })).statusCode).toBe(400);
    expect((await post({ 'custos-signature': 'garbage' }, 'not json at all')).statusCode).toBe(400);

    const page = (await visitor().send('GET', '/webhooks')).body;
    expect(page.match(/verified ✓/g)).toHaveLength(1);
    expect(page).toContain('not verified ✗ (signature mismatch)');
    expect(page).toContain('not verified ✗ (missing header)');
    expect(page).toContain('not verified ✗ (outside the replay window)');
    expect(page).toContain('not verified ✗ (malformed header)');
    expect(page).toContain('charge: ch_1 · amount: $103.00');
    expect(page).not.toContain(SECRET);
  });
});
