import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MINUTE } from '../../src/platform/clock.js';
import { totpCodeAt } from '../../src/methods/totp/totp.js';
import { api, createTestApp, type TestApp } from '../helpers/app.js';
import { Browser, codeIn, expectEveryInputLabelled, lastMessage, signUp, STRONG_PASSWORD } from '../helpers/browser.js';
import { addAuthenticator, flowFrom } from '../helpers/two-step.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';
import { HOSTILE_RETURN_TOS } from './hostile-return-tos.js';

/**
 * Back to the shop after signing in: a deep link opened while signed out, or a `return_to` a shop sent, is where
 * every way of signing in ends — held by the sign-in flow on the server, so no later step takes it from the
 * browser — and anything that is not a page here or on RETURN_URL_ORIGINS is ignored (ASVS 5.1.5).
 */
const SHOP = 'https://shop.example';
const EMAIL = 'ada@example.com';

function returnToIn(html: string): string | undefined {
  const value = /<input type="hidden" name="return_to" value="([^"]*)"/.exec(html)?.[1];
  return value?.replace(/&amp;/g, '&');
}

describe('sign-in comes back to where it was asked to', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ RETURN_URL_ORIGINS: SHOP });
    await signUp(t, new Browser(t.app), { name: 'Ada Lovelace', email: EMAIL });
  });
  afterEach(() => t.close());

  /** The identifier page as opened from `url`, then its form posted as a person would (the hidden field included). */
  async function identify(browser: Browser, url: string): Promise<string> {
    const page = await browser.get(url);
    expect(page.status).toBe(200);
    const returnTo = returnToIn(page.body);
    const identified = await browser.post('/signin', { identifier: EMAIL, ...(returnTo ? { return_to: returnTo } : {}) });
    expect(identified.status).toBe(303);
    return flowFrom(identified.location!);
  }

  async function password(browser: Browser, flow: string, extra: Record<string, string> = {}) {
    await browser.get(`/signin/password?flow=${flow}`);
    return browser.post('/signin/password', { flow, password: STRONG_PASSWORD, ...extra });
  }

  it('a signed-out deep link (/orders?page=2) comes back to that page after the password and the second step', async () => {
    const owner = new Browser(t.app);
    await owner.submit('/signin', '/signin', { identifier: EMAIL }).then((r) => owner.submit(r.location!, '/signin/password', { flow: flowFrom(r.location!), password: STRONG_PASSWORD }));
    const { key } = await addAuthenticator(t, owner);

    const browser = new Browser(t.app);
    const refused = await browser.get('/orders?page=2');
    expect(refused.status).toBe(303);
    expect(refused.location).toBe('/signin?return_to=%2Forders%3Fpage%3D2');
    const signinPage = await browser.get(refused.location!);
    expect(returnToIn(signinPage.body)).toBe('/orders?page=2');
    expectEveryInputLabelled(signinPage.body);

    const flow = await identify(browser, refused.location!);
    const afterPassword = await password(browser, flow);
    expect(afterPassword.location).toBe(`/signin/verify?flow=${flow}`);
    await browser.get(afterPassword.location!);
    const done = await browser.post('/signin/verify', { flow, method: 'totp', code: totpCodeAt(key, t.clock.now()) });
    expect(done.status).toBe(303);
    expect(done.location).toBe('/orders?page=2');
    expect((await browser.get(done.location!)).status).toBe(200);
  });

  it('a page of a RETURN_URL_ORIGINS site is honoured; the JSON API answers it as return_to', async () => {
    const browser = new Browser(t.app);
    const flow = await identify(browser, `/signin?return_to=${encodeURIComponent(`${SHOP}/checkout?cart=7`)}`);
    expect((await password(browser, flow)).location).toBe(`${SHOP}/checkout?cart=7`);

    const started = await api(t, 'POST', '/api/v1/signin/flows', { body: { return_to: `${SHOP}/checkout` } });
    expect(started.status).toBe(201);
    await api(t, 'POST', `/api/v1/signin/flows/${started.body.flow.id}/identifier`, { body: { identifier: EMAIL } });
    const done = await api(t, 'POST', `/api/v1/signin/flows/${started.body.flow.id}/password`, { body: { password: STRONG_PASSWORD } });
    expect(done.status).toBe(201);
    expect(done.body.return_to).toBe(`${SHOP}/checkout`);
    expect(done.body.next).toBe(`${SHOP}/checkout`);
  });

  it('SECURITY.md redirect targets (ASVS 5.1.5 open redirects): every hostile return_to is ignored, through the pages and the JSON API, and sign-in ends at Your Account', async () => {
    for (const hostile of HOSTILE_RETURN_TOS) {
      const browser = new Browser(t.app);
      const page = await browser.get(`/signin?return_to=${encodeURIComponent(hostile)}`);
      expect(page.status, hostile).toBe(200);
      expect(returnToIn(page.body), hostile).toBeUndefined();
      // Posted straight at the form's action, as an attacker's page would.
      const identified = await browser.post('/signin', { identifier: EMAIL, return_to: hostile });
      const done = await password(browser, flowFrom(identified.location!));
      expect(done.location, hostile).toBe('/account');

      const started = await api(t, 'POST', '/api/v1/signin/flows', { body: { return_to: hostile } });
      expect(started.status, hostile).toBe(201);
      await api(t, 'POST', `/api/v1/signin/flows/${started.body.flow.id}/identifier`, { body: { identifier: EMAIL } });
      const answered = await api(t, 'POST', `/api/v1/signin/flows/${started.body.flow.id}/password`, { body: { password: STRONG_PASSWORD } });
      expect(answered.body.next, hostile).toBe('/account');
      expect(answered.body, hostile).not.toHaveProperty('return_to');
    }
  });

  it('the flow holds the destination: a return_to posted at a later step neither adds one nor changes it', async () => {
    const plain = new Browser(t.app);
    const flow = await identify(plain, '/signin');
    expect((await password(plain, flow, { return_to: '/orders' })).location).toBe('/account');

    const deep = new Browser(t.app);
    const deepFlow = await identify(deep, '/signin?return_to=%2Forders');
    expect((await password(deep, deepFlow, { return_to: 'https://evil.example' })).location).toBe('/orders');
  });

  it('a destination that stopped being trusted (RETURN_URL_ORIGINS changed) is checked again when used', async () => {
    const browser = new Browser(t.app);
    const flow = await identify(browser, `/signin?return_to=${encodeURIComponent(`${SHOP}/cart`)}`);
    t.app.deps.config.returnUrlOrigins = [];
    expect((await password(browser, flow)).location).toBe('/account');
  });

  it('any path of this service works, e.g. the pages other journeys send customers back to', async () => {
    for (const path of ['/partner-signin/0f1e2d3c', '/pay/cs_abc123', '/account/addresses/new?return_to=/pay/cs_abc123', '/account/cards/new?return_to=%2Fpay%2Fcs_1']) {
      const browser = new Browser(t.app);
      const flow = await identify(browser, `/signin?return_to=${encodeURIComponent(path)}`);
      expect((await password(browser, flow)).location, path).toBe(path);
    }
  });

  it('a sign-in that timed out keeps its destination: the identifier page again, and "Sign in again" from the second step', async () => {
    const browser = new Browser(t.app);
    const flow = await identify(browser, '/signin?return_to=%2Forders');
    t.clock.advance(16 * MINUTE);
    const again = await browser.get(`/signin/password?flow=${flow}`);
    expect(again.body).toContain('Your sign-in timed out.');
    expect(returnToIn(again.body)).toBe('/orders');

    const owner = new Browser(t.app);
    const ownerFlow = await identify(owner, '/signin');
    await password(owner, ownerFlow);
    const { key } = await addAuthenticator(t, owner);
    const second = new Browser(t.app);
    const secondFlow = await identify(second, '/signin?return_to=%2Forders%3Fpage%3D3');
    expect((await password(second, secondFlow)).location).toBe(`/signin/verify?flow=${secondFlow}`);
    t.clock.advance(16 * MINUTE);
    const expired = await second.get(`/signin/verify?flow=${secondFlow}`);
    expect(expired.body).toContain(`href="/signin?from=${secondFlow}">Sign in</a>`);
    const restarted = await second.get(`/signin?from=${secondFlow}`);
    expect(returnToIn(restarted.body)).toBe('/orders?page=3');
    const newFlow = await identify(second, `/signin?from=${secondFlow}`);
    await password(second, newFlow);
    const done = await second.post('/signin/verify', { flow: newFlow, method: 'totp', code: totpCodeAt(key, t.clock.now()) });
    expect(done.location).toBe('/orders?page=3');
  });

  it('signing in with a texted code comes back too', async () => {
    const owner = new Browser(t.app);
    const ownerFlow = await identify(owner, '/signin');
    await password(owner, ownerFlow);
    await owner.submit('/account/phone', '/account/phone', { phone: '+1 415 555 0167' });
    await owner.submit('/account/phone/confirm', '/account/phone/confirm', { code: codeIn(await lastMessage(t, '+14155550167', 'phoneCodeSms')) });
    t.clock.advance(MINUTE);

    const browser = new Browser(t.app);
    await browser.get('/signin?return_to=%2Forders');
    const identified = await browser.post('/signin', { identifier: '+1 415 555 0167', return_to: '/orders' });
    const flow = flowFrom(identified.location!);
    await browser.get(identified.location!);
    expect((await browser.post('/signin/sms', { flow })).status).toBe(303);
    const done = await browser.post('/signin/sms/verify', { flow, code: codeIn(await lastMessage(t, '+14155550167', 'signinCodeSms')) });
    expect(done.location).toBe('/orders');
  });

  it('a passkey sign-in takes return_to with its options and answers it as next and return_to', async () => {
    const { token } = await apiSignIn(t);
    const stepped = await api(t, 'POST', '/api/v1/step-up', { token, body: { password: STRONG_PASSWORD } });
    const device = new SoftAuthenticator(t.config.publicUrl);
    const options = await api(t, 'POST', '/api/v1/passkeys/registration/options', { token: stepped.body.session.token, body: { name: 'Laptop' } });
    const added = await api(t, 'POST', '/api/v1/passkeys/registration', { token: stepped.body.session.token, body: { flow_id: options.body.flow_id, name: 'Laptop', response: device.register(options.body.options) } });
    expect(added.status).toBe(201);

    for (const [asked, expected] of [['/orders?page=2', '/orders?page=2'], ['https://evil.example', undefined]] as const) {
      const started = await api(t, 'POST', '/api/v1/signin/passkey/options', { body: { return_to: asked } });
      expect(started.status).toBe(200);
      const done = await api(t, 'POST', '/api/v1/signin/passkey', { body: { flow_id: started.body.flow_id, response: device.authenticate(started.body.options) } });
      expect(done.status).toBe(201);
      expect(done.body.next).toBe(expected ?? '/account');
      expect(done.body.return_to).toBe(expected);
    }
    // The sign-in page hands the passkey script its destination.
    expect((await new Browser(t.app).get('/signin?return_to=%2Forders')).body).toContain('data-return-to="/orders"');
  });
});

async function apiSignIn(t: TestApp): Promise<{ token: string }> {
  const flow = await api(t, 'POST', '/api/v1/signin/flows', { body: {} });
  await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/identifier`, { body: { identifier: EMAIL } });
  const done = await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/password`, { body: { password: STRONG_PASSWORD } });
  expect(done.status).toBe(201);
  return { token: done.body.session.token };
}
