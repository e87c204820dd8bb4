import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MINUTE } from '../../src/platform/clock.js';
import { safeReturnPath } from '../../src/signin/return-paths.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Browser, codeIn, expectEveryInputLabelled, lastMessage, signUp, STRONG_PASSWORD } from '../helpers/browser.js';

const HOSTILE_RETURNS = ['//evil.example', '/\\evil', 'https://evil.example', '/account/email/../../evil', '/account/emailx', ' /account/email', '/ACCOUNT/EMAIL', ''];

describe('confirm-password before changing sign-in details (ASVS 7.5.1)', () => {
  let t: TestApp;
  let browser: Browser;
  beforeEach(async () => {
    t = await createTestApp();
    browser = new Browser(t.app);
    await signUp(t, browser, { name: 'Jane Doe', email: 'jane@example.com' });
    // Signing in counts as a fresh confirmation; let it go stale.
    t.clock.advance(t.app.deps.config.stepUpMinutes * MINUTE + 1000);
  });
  afterEach(async () => {
    await t.close();
  });

  it('sends a stale session to confirm its password, then back to the email form, then through the change', async () => {
    const gated = await browser.get('/account/email');
    expect(gated.status).toBe(303);
    expect(gated.location).toBe('/account/confirm-password?return=/account/email');
    // A form posted after the confirmation went stale changes nothing.
    const stalePost = await browser.post('/account/email', { email: 'new@example.com' });
    expect(stalePost.location).toBe('/account/confirm-password?return=/account/email');

    const confirmPage = await browser.get(gated.location!);
    expect(confirmPage.body).toContain('<input type="hidden" name="return" value="/account/email"/>');
    expectEveryInputLabelled(confirmPage.body);
    const wrong = await browser.post('/account/confirm-password', { return: '/account/email', password: 'not my password at all' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('The email address, phone number or password is incorrect.');

    const oldCookie = browser.cookies.get('__Host-custos_session');
    const confirmed = await browser.post('/account/confirm-password', { return: '/account/email', password: STRONG_PASSWORD });
    expect(confirmed.status).toBe(303);
    expect(confirmed.location).toBe('/account/email');
    expect(browser.cookies.get('__Host-custos_session')).not.toBe(oldCookie);

    const form = await browser.get('/account/email');
    expect(form.status).toBe(200);
    expectEveryInputLabelled(form.body);
    const requested = await browser.post('/account/email', { email: 'jane.new@example.com' });
    expect(requested.location).toBe('/account/email/confirm');
    const security = await browser.get('/account/security');
    expect(security.body).toContain('jane.new@example.com');
    expect(security.body).toContain('href="/account/email/confirm"');

    const confirmForm = await browser.get('/account/email/confirm');
    expectEveryInputLabelled(confirmForm.body);
    expect(confirmForm.body).toContain('action="/account/email/resend"');
    const code = codeIn(await lastMessage(t, 'jane.new@example.com', 'emailChangeCodeEmail'));
    const done = await browser.post('/account/email/confirm', { code });
    expect(done.location).toBe('/account/security?notice=email');
    const after = await browser.get(done.location!);
    expect(after.body).toContain('Your email address was changed.');
    expect(after.body).toMatch(/<p class="identifier">jane\.new@example\.com<\/p>/);
  });

  it('the return address is checked against the allow-list by exact match', async () => {
    for (const hostile of HOSTILE_RETURNS) {
      expect(safeReturnPath(hostile), hostile).toBe('/account/security');
      const page = await browser.get(`/account/confirm-password?return=${encodeURIComponent(hostile)}`);
      expect(page.status).toBe(200);
      expect(page.body).toContain('<input type="hidden" name="return" value="/account/security"/>');
      expect(page.body).not.toContain('evil');
    }
    for (const hostile of HOSTILE_RETURNS) {
      t.clock.advance(t.app.deps.config.stepUpMinutes * MINUTE + 1000);
      await browser.get('/account/confirm-password');
      const response = await browser.post('/account/confirm-password', { return: hostile, password: STRONG_PASSWORD });
      expect(response.status, hostile).toBe(303);
      expect(response.location, hostile).toBe('/account/security');
    }
    expect(safeReturnPath('/account/phone')).toBe('/account/phone');
  });

  it('adding a phone needs a fresh confirmation; the code is entered on its own page; removing needs one too', async () => {
    expect((await browser.get('/account/phone')).location).toBe('/account/confirm-password?return=/account/phone');
    await browser.get('/account/confirm-password?return=/account/phone');
    expect((await browser.post('/account/confirm-password', { return: '/account/phone', password: STRONG_PASSWORD })).location).toBe('/account/phone');

    const invalid = await browser.submit('/account/phone', '/account/phone', { phone: 'call me' });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatch(/<input id="phone"[^>]*value="call me"[^>]*aria-invalid="true" aria-describedby="phone-hint phone-error"/);

    const requested = await browser.post('/account/phone', { phone: '+1 415 555 0132' });
    expect(requested.location).toBe('/account/phone/confirm');
    const overview = await browser.get('/account');
    expect(overview.body).toContain('Confirm your mobile number');
    expect(overview.body).toContain('href="/account/phone/confirm"');

    await browser.get('/account/phone/confirm');
    const code = codeIn(await lastMessage(t, '+14155550132', 'phoneCodeSms'));
    expect((await browser.post('/account/phone/confirm', { code })).location).toBe('/account/security?notice=phone');
    expect((await browser.get('/account/security')).body).toContain('+1 415 555 0132');

    t.clock.advance(t.app.deps.config.stepUpMinutes * MINUTE + 1000);
    expect((await browser.post('/account/phone/remove', {})).location).toBe('/account/confirm-password?return=/account/phone');
    await browser.get('/account/confirm-password?return=/account/phone');
    await browser.post('/account/confirm-password', { return: '/account/phone', password: STRONG_PASSWORD });
    const form = await browser.get('/account/phone');
    expect(form.body).toContain('action="/account/phone/remove"');
    expect((await browser.post('/account/phone/remove', {})).location).toBe('/account/security?notice=phone-removed');
    expect((await browser.get('/account/security')).body).toContain('Not added yet');
  });
});
