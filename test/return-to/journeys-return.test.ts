import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MINUTE } from '../../src/platform/clock.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Browser, codeIn, expectEveryInputLabelled, lastMessage, signUp, STRONG_PASSWORD } from '../helpers/browser.js';
import { BILLING, enterCard, pathOf } from '../wallet/cards/card-fixtures.js';
import { flowFrom } from '../helpers/two-step.js';
import { HOSTILE_RETURN_TOS } from './hostile-return-tos.js';

/**
 * Sign-up, adding an address and adding a card take a `return_to` and end there — through the card gateway's
 * page too, which never sees it (the card setup flow holds it) — and the guards that send a signed-out or
 * unconfirmed browser away bring it back. Hostile values are ignored (ASVS 5.1.5).
 */
const SHOP = 'https://shop.example';
const SESSION = '__Host-custos_session';

function returnToIn(html: string): string | undefined {
  return /<input type="hidden" name="return_to" value="([^"]*)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
}

describe('back to the shop after sign-up, an address or a card', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ RETURN_URL_ORIGINS: SHOP });
  });
  afterEach(() => t.close());

  async function startSignup(browser: Browser, email: string, returnTo: string): Promise<string> {
    const form = await browser.get(`/signup?return_to=${encodeURIComponent(returnTo)}`);
    expectEveryInputLabelled(form.body);
    const hidden = returnToIn(form.body);
    const started = await browser.post('/signup', { name: 'Ada Lovelace', email, phone: '', password: STRONG_PASSWORD, ...(hidden ? { return_to: hidden } : {}) });
    expect(started.status).toBe(303);
    return flowFrom(started.location!);
  }

  it('forms may end in a redirect to the shop: CSP form-action names RETURN_URL_ORIGINS beside this site, nothing else', async () => {
    const page = await new Browser(t.app).get(`/signin?return_to=${encodeURIComponent(`${SHOP}/checkout`)}`);
    expect(/form-action ([^;]*)/.exec(page.headers['content-security-policy'] as string)?.[1]).toBe(`'self' ${SHOP}`);
  });

  it('sign-up → confirm by code lands on return_to; by the emailed link in another browser too', async () => {
    const browser = new Browser(t.app);
    const flow = await startSignup(browser, 'ada@example.com', `${SHOP}/checkout`);
    await browser.get(`/signup/confirm?flow=${flow}`);
    const code = codeIn(await lastMessage(t, 'ada@example.com', 'signupConfirmationEmail'));
    const confirmed = await browser.post('/signup/confirm', { flow, code });
    expect(confirmed.location).toBe(`${SHOP}/checkout`);
    expect(browser.cookies.has(SESSION)).toBe(true);

    const starter = new Browser(t.app);
    await startSignup(starter, 'omar@example.com', '/orders');
    const link = /http:\/\/localhost:3000(\/signup\/confirm\/link\?\S+)/.exec(await lastMessage(t, 'omar@example.com', 'signupConfirmationEmail'))![1]!;
    const params = new URL(link, 'http://x').searchParams;
    const elsewhere = new Browser(t.app);
    await elsewhere.get(link);
    const done = await elsewhere.post('/signup/confirm/link', { flow: params.get('flow')!, token: params.get('token')!, password: STRONG_PASSWORD });
    expect(done.location).toBe('/orders');
  });

  it('SECURITY.md redirect targets (ASVS 5.1.5 open redirects): sign-up ignores a hostile return_to and welcomes the customer as always', async () => {
    for (const [index, hostile] of HOSTILE_RETURN_TOS.slice(0, 12).entries()) {
      const browser = new Browser(t.app);
      const email = `h${index}@example.com`;
      await browser.get('/signup');
      const started = await browser.post('/signup', { name: 'Ada Lovelace', email, phone: '', password: STRONG_PASSWORD, return_to: hostile });
      const flow = flowFrom(started.location!);
      const confirmed = await browser.post('/signup/confirm', { flow, code: codeIn(await lastMessage(t, email, 'signupConfirmationEmail')) });
      expect(confirmed.location, hostile).toBe('/account?welcome=1');
      t.clock.advance(10 * MINUTE);
    }
  });

  it('adding an address comes back to return_to, through "Update the form" too; a hostile one ends at the address book', async () => {
    const browser = new Browser(t.app);
    await signUp(t, browser, { name: 'Ada Lovelace', email: 'ada@example.com' });
    const form = await browser.get('/account/addresses/new?return_to=%2Fpay%2Fcs_42');
    expect(returnToIn(form.body)).toBe('/pay/cs_42');
    const recountried = await browser.post('/account/addresses/new', { ...BILLING, country: 'GB', action: 'change_country', return_to: '/pay/cs_42' });
    expect(returnToIn(recountried.body)).toBe('/pay/cs_42');
    const added = await browser.post('/account/addresses/new', { ...BILLING, line2: '', phone: '', return_to: '/pay/cs_42' });
    expect(added.status, added.body).toBe(303);
    expect(added.location).toBe('/pay/cs_42');

    for (const hostile of HOSTILE_RETURN_TOS) {
      const page = await browser.get(`/account/addresses/new?return_to=${encodeURIComponent(hostile)}`);
      expect(returnToIn(page.body), hostile).toBeUndefined();
    }
    const evil = await browser.post('/account/addresses/new', { ...BILLING, line2: '', phone: '', return_to: '//evil.example' });
    expect(evil.location).toBe('/account/addresses?notice=added');
  });

  it('adding a card: password confirmation, the gateway page and back, then on to return_to — which the gateway never sees', async () => {
    const browser = new Browser(t.app);
    await signUp(t, browser, { name: 'Ada Lovelace', email: 'ada@example.com' });
    t.clock.advance(t.app.deps.config.stepUpMinutes * MINUTE + 1000);

    // No confirmation yet: the step-up keeps the journey's return_to.
    const gated = await browser.get('/account/cards/new?return_to=%2Fpay%2Fcs_42');
    expect(gated.location).toBe('/account/confirm-password?return=/account/cards/new&return_to=%2Fpay%2Fcs_42');
    const confirmPage = await browser.get(gated.location!);
    expect(returnToIn(confirmPage.body)).toBe('/pay/cs_42');
    const confirmed = await browser.post('/account/confirm-password', { return: '/account/cards/new', return_to: '/pay/cs_42', password: STRONG_PASSWORD });
    expect(confirmed.location).toBe('/account/cards/new?return_to=%2Fpay%2Fcs_42');

    // No address yet: the address page brings the customer back to the card, destination kept.
    const noAddress = await browser.get(confirmed.location!);
    const addressLink = /href="(\/account\/addresses\/new\?[^"]+)"/.exec(noAddress.body)![1]!.replace(/&amp;/g, '&');
    const addressForm = await browser.get(addressLink);
    const added = await browser.post('/account/addresses/new', { ...BILLING, line2: '', phone: '', return_to: returnToIn(addressForm.body)! });
    expect(added.location).toBe('/account/cards/new?return_to=%2Fpay%2Fcs_42');

    const cardForm = await browser.get(added.location!);
    expect(returnToIn(cardForm.body)).toBe('/pay/cs_42');
    const address = /name="billing_address" value="([^"]+)"/.exec(cardForm.body)![1]!;
    const started = await browser.post('/account/cards/new', { billing_address: address, return_to: '/pay/cs_42' });
    expect(started.location).not.toContain('cs_42');
    const entered = await enterCard(t.app, started.location!, { number: '4242424242424242', expiry: '12/30' }, browser);
    expect(entered.location).not.toContain('cs_42');
    const back = await browser.get(pathOf(entered.location!));
    expect(back.location).toBe('/pay/cs_42');
    expect(await t.app.deps.db.selectFrom('cards').select('id').execute()).toHaveLength(1);
  });

  it('a card started with a hostile return_to, or none, ends on the cards page; a declined card never leaves it', async () => {
    const browser = new Browser(t.app);
    await signUp(t, browser, { name: 'Ada Lovelace', email: 'ada@example.com' });
    await browser.submit('/account/addresses/new', '/account/addresses/new', { ...BILLING, line2: '', phone: '' });
    const address = /name="billing_address" value="([^"]+)"/.exec((await browser.get('/account/cards/new')).body)![1]!;
    async function addCard(number: string, returnTo: string): Promise<string> {
      await browser.get('/account/cards/new');
      const started = await browser.post('/account/cards/new', { billing_address: address, return_to: returnTo });
      const entered = await enterCard(t.app, started.location!, { number, expiry: '12/30' }, browser);
      return (await browser.get(pathOf(entered.location!))).location!;
    }
    expect(await addCard('4242424242424242', 'https://shop.example.evil.example/')).toBe('/account/cards?notice=added');
    expect(await addCard('4000000000000002', '/pay/cs_42')).toMatch(/^\/account\/cards\?declined=/);
  });

  it('a signed-out browser sent away by a guard comes back: sign-in carries the GET it asked for, a POST just signs in', async () => {
    const browser = new Browser(t.app);
    expect((await browser.get('/account/addresses/new?return_to=/pay/cs_42')).location).toBe('/signin?return_to=%2Faccount%2Faddresses%2Fnew%3Freturn_to%3D%2Fpay%2Fcs_42');
    expect((await browser.get('/account/cards/new?return_to=%2Fpay%2Fcs_42')).location).toBe('/signin?return_to=%2Faccount%2Fcards%2Fnew%3Freturn_to%3D%252Fpay%252Fcs_42');
    await browser.get('/signin');
    expect((await browser.post('/account/addresses/new', BILLING)).location).toBe('/signin');
    expect((await browser.post('/account/cards/new', {})).location).toBe('/signin');
    // A deep link too long to be a destination still signs in, just without it.
    expect((await browser.get(`/orders?q=${'a'.repeat(1000)}`)).location).toBe('/signin');

    // Signed in from there: back to the address form, and from it on to the checkout.
    const customer = new Browser(t.app);
    await signUp(t, customer, { name: 'Ada Lovelace', email: 'ada@example.com' });
    await customer.post('/signout', {});
    const refused = await customer.get('/account/addresses/new?return_to=/pay/cs_42');
    const signinPage = await customer.get(refused.location!);
    const identified = await customer.post('/signin', { identifier: 'ada@example.com', return_to: returnToIn(signinPage.body)! });
    const flow = flowFrom(identified.location!);
    await customer.get(identified.location!);
    const signedIn = await customer.post('/signin/password', { flow, password: STRONG_PASSWORD });
    expect(signedIn.location).toBe('/account/addresses/new?return_to=/pay/cs_42');
    const form = await customer.get(signedIn.location!);
    expect(returnToIn(form.body)).toBe('/pay/cs_42');
  });
});
