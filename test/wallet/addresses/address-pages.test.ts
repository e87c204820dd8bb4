import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { Browser, signUp } from '../../helpers/browser.js';

const SF_FORM = { full_name: 'Ada Lovelace', line1: '1 Market St', line2: '', city: 'San Francisco', region: 'CA', postal_code: '94103', country: 'US', phone: '' };
const LONDON_FORM = { full_name: 'Ada Lovelace', line1: '10 Downing Street', line2: '', city: 'London', region: '', postal_code: 'sw1a2aa', country: 'GB', phone: '020 7946 0018' };

/** Every visible input and select has a <label for> naming its id, and every label points at one of them. */
function expectEveryControlLabelled(html: string): void {
  const ids = [...html.matchAll(/<(?:input|select)\b([^>]*)>/g)]
    .map((match) => match[1] ?? '')
    .filter((attributes) => !/type="hidden"/.test(attributes))
    .map((attributes) => /\bid="([^"]+)"/.exec(attributes)?.[1]);
  const labels = [...html.matchAll(/<label for="([^"]+)"/g)].map((match) => match[1]);
  expect(ids.length).toBeGreaterThan(0);
  expect([...labels].sort()).toEqual([...ids].sort());
}

describe('Your Addresses pages', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  const addresses = () => t.database.db.kysely.selectFrom('addresses').selectAll().orderBy('created_at').orderBy('id').execute();

  async function signedIn(email = 'ada@example.com'): Promise<Browser> {
    const browser = new Browser(t.app);
    await signUp(t, browser, { name: 'Ada Lovelace', email });
    return browser;
  }

  async function add(browser: Browser, form: Record<string, string>): Promise<string> {
    const res = await browser.submit('/account/addresses/new', '/account/addresses/new', { ...form, action: 'save' });
    expect(res.status, res.body).toBe(303);
    expect(res.location).toBe('/account/addresses?notice=added');
    t.clock.advance(1000);
    return (await addresses()).at(-1)!.id;
  }

  it("shows the form for the country: its labels, its list of states, autocomplete on every field", async () => {
    const browser = await signedIn();
    const us = await browser.get('/account/addresses/new?country=US');
    expect(us.status).toBe(200);
    expectEveryControlLabelled(us.body);
    expect(us.body).toMatch(/<label for="country">Country or region<\/label>/);
    expect(us.body).toMatch(/<select id="country" name="country" autocomplete="country"/);
    expect(us.body).toContain('<option value="US" selected>United States</option>');
    expect(us.body).toMatch(/<label for="region">State<\/label>/);
    expect(us.body).toMatch(/<select id="region" name="region" autocomplete="address-level1"/);
    expect(us.body).toContain('<option value="DC">District of Columbia</option>');
    expect(us.body).toMatch(/<label for="postal_code">ZIP code<\/label>/);
    // Enter in a field presses the form's first submit button, so that one saves.
    expect(/<button type="submit"[^>]*>/.exec(us.body.slice(us.body.indexOf('action="/account/addresses/new"')))?.[0]).toContain('value="save"');
    for (const [field, autocomplete] of [['full_name', 'name'], ['line1', 'address-line1'], ['line2', 'address-line2'], ['city', 'address-level2'], ['postal_code', 'postal-code'], ['phone', 'tel']]) {
      expect(us.body).toMatch(new RegExp(`<input id="${field}" name="${field}" type="(text|tel)"[^>]* autocomplete="${autocomplete}"`));
    }

    const gb = await browser.get('/account/addresses/new?country=GB');
    expect(gb.body).toMatch(/<label for="postal_code">Postcode<\/label>/);
    expect(gb.body).toMatch(/<label for="region">County \(optional\)<\/label>/);
    expect(gb.body).toMatch(/<input id="region" name="region" type="text"/);
    expect(gb.body).toMatch(/<label for="city">Town or city<\/label>/);

    // The browser's language suggests the country when none is asked for.
    const british = await t.app.fastify.inject({
      method: 'GET', url: '/account/addresses/new',
      headers: { 'accept-language': 'en-GB,en;q=0.9', cookie: [...browser.cookies].map(([n, v]) => `${n}=${v}`).join('; ') },
    });
    expect(british.body).toContain('<option value="GB" selected>United Kingdom</option>');
    expect((await browser.get('/account/addresses/new')).body).toContain('<option value="US" selected>');
  });

  it('without JavaScript, "Update the form" switches country and keeps what was typed, saving nothing', async () => {
    const browser = await signedIn();
    const res = await browser.submit('/account/addresses/new?country=US', '/account/addresses/new', { ...SF_FORM, region: 'ON', country: 'CA', action: 'change_country' });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<option value="CA" selected>Canada</option>');
    expect(res.body).toMatch(/<label for="region">Province or territory<\/label>/);
    expect(res.body).toContain('<option value="ON" selected>Ontario</option>');
    expect(res.body).toContain('value="1 Market St"');
    expect(res.body).not.toContain('error-summary');
    expect(await addresses()).toEqual([]);
  });

  it('adds an address and lists it with its lines and default badges', async () => {
    const browser = await signedIn();
    await add(browser, LONDON_FORM);
    await add(browser, SF_FORM);
    const list = await browser.get('/account/addresses?notice=added');
    expect(list.status).toBe(200);
    expect(list.body).toContain('Your address was added.');
    expect(list.body).toMatch(/Default shipping<\/span><span class="badge current">Default billing/);
    expect(list.body).toContain('<span>SW1A 2AA</span>');
    expect(list.body).toContain('<span>San Francisco, CA 94103</span>');
    expect(list.body).toContain('Phone: +442079460018');
    const rows = await addresses();
    expect(rows.map((r) => [r.postal_code, r.is_default_shipping, r.is_default_billing])).toEqual([['SW1A 2AA', 1, 1], ['94103', 0, 0]]);
  });

  it('shows field errors beside their fields, tied with aria-describedby, and keeps what was typed', async () => {
    const browser = await signedIn();
    const res = await browser.submit('/account/addresses/new?country=US', '/account/addresses/new', { ...SF_FORM, city: '', postal_code: '9410', action: 'save' });
    expect(res.status).toBe(400);
    expect(res.body).toContain('<a href="#city">Enter the city.</a>');
    expect(res.body).toContain('<a href="#postal_code">Enter a ZIP code like 94103 or 94103-1234.</a>');
    expect(res.body).toMatch(/<input id="city"[^>]*aria-invalid="true" aria-describedby="city-error"/);
    expect(res.body).toMatch(/<p class="field-error" id="postal_code-error">/);
    expect(res.body).toMatch(/<input id="postal_code"[^>]*value="9410"[^>]*aria-invalid="true" aria-describedby="postal_code-hint postal_code-error"/);
    expect(res.body).toContain('<option value="CA" selected>California</option>');

    const noRegion = await browser.post('/account/addresses/new', { ...SF_FORM, region: '', action: 'save' });
    expect(noRegion.body).toMatch(/<select id="region" name="region" autocomplete="address-level1" aria-invalid="true" aria-describedby="region-error"/);
    expect(await addresses()).toEqual([]);
  });

  it('edits an address', async () => {
    const browser = await signedIn();
    const id = await add(browser, SF_FORM);
    const form = await browser.get(`/account/addresses/${id}/edit`);
    expect(form.status).toBe(200);
    expect(form.body).toContain('value="1 Market St"');
    expectEveryControlLabelled(form.body);
    const saved = await browser.post(`/account/addresses/${id}/edit`, { ...SF_FORM, line2: 'Suite 5', postal_code: '94105-1420', action: 'save' });
    expect(saved.location).toBe('/account/addresses?notice=saved');
    expect((await browser.get(saved.location!)).body).toContain('<span>Suite 5</span>');
    expect((await addresses())[0]).toMatchObject({ line2: 'Suite 5', postal_code: '94105-1420' });
    const bad = await browser.post(`/account/addresses/${id}/edit`, { ...SF_FORM, full_name: '', action: 'save' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatch(/<input id="full_name"[^>]*aria-invalid="true"/);
  });

  it('sets the default shipping and billing addresses', async () => {
    const browser = await signedIn();
    const first = await add(browser, LONDON_FORM);
    const second = await add(browser, SF_FORM);
    const list = await browser.get('/account/addresses');
    expect(list.body).toContain(`action="/account/addresses/${second}/default"`);
    expect(list.body).not.toContain(`action="/account/addresses/${first}/default"`);
    const res = await browser.post(`/account/addresses/${second}/default`, { use: 'billing' });
    expect(res.location).toBe('/account/addresses?notice=billing');
    expect((await browser.get(res.location!)).body).toContain('Your default billing address was changed.');
    const rows = await addresses();
    expect(rows.map((r) => [r.id, r.is_default_shipping, r.is_default_billing])).toEqual([[first, 1, 0], [second, 0, 1]]);
    expect((await browser.post(`/account/addresses/${second}/default`, { use: 'everything' })).status).toBe(400);
  });

  it('removes an address after a confirmation page; its default passes on', async () => {
    const browser = await signedIn();
    const first = await add(browser, LONDON_FORM);
    const second = await add(browser, SF_FORM);
    const confirm = await browser.get(`/account/addresses/${first}/remove`);
    expect(confirm.status).toBe(200);
    expect(confirm.body).toContain('Remove this address?');
    expect(confirm.body).toContain('<span>10 Downing Street</span>');
    expect(confirm.body).toContain('your newest other address will take its place');
    const res = await browser.post(`/account/addresses/${first}/remove`, {});
    expect(res.location).toBe('/account/addresses?notice=removed');
    const rows = await addresses();
    expect(rows.map((r) => [r.id, r.is_default_shipping, r.is_default_billing])).toEqual([[second, 1, 1]]);
  });

  it("ASVS 8.2.2: another customer's address pages answer 404 and change nothing", async () => {
    const alice = await signedIn('alice@example.com');
    const alicesId = await add(alice, SF_FORM);
    const bob = await signedIn('bob@example.com');
    await bob.get('/account/addresses');
    const before = await addresses();
    expect((await bob.get(`/account/addresses/${alicesId}/edit`)).status).toBe(404);
    expect((await bob.get(`/account/addresses/${alicesId}/remove`)).status).toBe(404);
    expect((await bob.post(`/account/addresses/${alicesId}/edit`, { ...LONDON_FORM, action: 'save' })).status).toBe(404);
    expect((await bob.post(`/account/addresses/${alicesId}/remove`, {})).status).toBe(404);
    expect((await bob.post(`/account/addresses/${alicesId}/default`, { use: 'shipping' })).status).toBe(404);
    expect((await bob.get(`/account/addresses/%00/edit`)).status).toBe(404);
    expect((await bob.get('/account/addresses')).body).not.toContain(alicesId);
    expect(await addresses()).toEqual(before);
  });

  it('hostile form input (NUL, bidi override, zero-width, emoji, repeated fields, 60 kB) → 400, nothing written', async () => {
    const browser = await signedIn();
    await browser.get('/account/addresses/new');
    for (const form of [
      { ...SF_FORM, full_name: 'Ada\u0000' },
      { ...SF_FORM, line1: '1 Market St\u202E' },
      { ...SF_FORM, city: 'San\u200BFrancisco' },
      { ...SF_FORM, full_name: 'Ada 🦄' },
      { ...SF_FORM, line1: 'x'.repeat(60_000) },
    ]) {
      const res = await browser.post('/account/addresses/new', { ...form, action: 'save' });
      expect(res.status).toBe(400);
      expect(res.body).toContain('error-summary');
    }
    const repeated = new URLSearchParams({ _csrf: browser.csrf, ...SF_FORM, action: 'save' });
    repeated.append('line1', '2 Market St');
    const res = await t.app.fastify.inject({
      method: 'POST', url: '/account/addresses/new', payload: repeated.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: [...browser.cookies].map(([n, v]) => `${n}=${v}`).join('; ') },
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Address line 1 must be text.');
    expect(await addresses()).toEqual([]);
  });

  it('needs a session and a CSRF token', async () => {
    const stranger = new Browser(t.app);
    expect((await stranger.get('/account/addresses')).location).toBe('/signin?return_to=%2Faccount%2Faddresses');
    const browser = await signedIn();
    await browser.get('/account/addresses/new');
    expect((await browser.post('/account/addresses/new', { ...SF_FORM, action: 'save' }, { csrf: false })).status).toBe(403);
    expect(await addresses()).toEqual([]);
  });
});
