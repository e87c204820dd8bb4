import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Browser, expectEveryInputLabelled, OTHER_STRONG_PASSWORD, signIn, signUp, STRONG_PASSWORD } from '../helpers/browser.js';

describe('Your Account pages', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('shows a name with markup as text, on the overview, in the header and on Login & Security', async () => {
    const browser = new Browser(t.app);
    await signUp(t, browser, { name: '<script>alert(1)</script> <img src=x onerror=alert(2)>', email: 'jane@example.com' });

    for (const path of ['/account', '/account/security', '/account/name']) {
      const page = await browser.get(path);
      expect(page.status).toBe(200);
      expect(page.body, path).not.toMatch(/<script>alert|<img src=x/);
      expect(page.body, path).toContain('&lt;script>alert(1)&lt;/script>');
    }
  });

  it('never shows the internal account id, and labels every field, on any page', async () => {
    const browser = new Browser(t.app);
    await signUp(t, browser, { name: 'Jane Doe', email: 'jane@example.com', phone: '+1 415 555 0132' });
    const { id } = await t.database.db.kysely.selectFrom('accounts').select('id').executeTakeFirstOrThrow();

    const pages = ['/', '/account', '/account/security', '/account/name', '/account/email', '/account/phone', '/account/phone/confirm', '/account/password', '/account/confirm-password'];
    for (const path of pages) {
      const page = await browser.get(path);
      expect(page.status, path).toBe(200);
      expect(page.body, path).not.toContain(id);
      if (page.body.includes('<input id=')) expectEveryInputLabelled(page.body);
    }
  });

  it('changes the name', async () => {
    const browser = new Browser(t.app);
    await signUp(t, browser, { name: 'Jane Doe', email: 'jane@example.com' });

    const empty = await browser.submit('/account/name', '/account/name', { name: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.body).toMatch(/<input id="name"[^>]*aria-invalid="true" aria-describedby="name-hint name-error"/);

    const saved = await browser.post('/account/name', { name: 'Janet Doe' });
    expect(saved.location).toBe('/account/security?notice=name');
    const page = await browser.get(saved.location!);
    expect(page.body).toContain('Your name was changed.');
    expect(page.body).toContain('<p>Janet Doe</p>');
    expect(page.body).toContain('Hello, Janet');
  });

  it('changes the password: the current one is required, and every other device is signed out', async () => {
    const laptop = new Browser(t.app);
    await signUp(t, laptop, { name: 'Jane Doe', email: 'jane@example.com' });
    const phone = new Browser(t.app);
    await signIn(phone, 'jane@example.com');

    const form = await laptop.get('/account/password');
    expectEveryInputLabelled(form.body);
    expect(form.body).not.toContain('signOutOthers');
    expect(form.body).toContain('signs you out on every other device');
    expect(form.body).toMatch(/<input id="newPassword"[^>]*autocomplete="new-password"/);
    expect(form.body).toContain('data-email="jane@example.com"');

    const wrong = await laptop.post('/account/password', { currentPassword: 'not it at all, sorry', newPassword: OTHER_STRONG_PASSWORD });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatch(/<input id="currentPassword"[^>]*aria-invalid="true" aria-describedby="currentPassword-error"/);
    expect(wrong.body).toContain('Your current password is not correct.');
    expect(wrong.body).not.toContain(OTHER_STRONG_PASSWORD);

    const weak = await laptop.post('/account/password', { currentPassword: STRONG_PASSWORD, newPassword: 'short', signOutOthers: 'yes' });
    expect(weak.status).toBe(400);
    expect(weak.body).toMatch(/<input id="newPassword"[^>]*aria-describedby="newPassword-hint newPassword-error newPassword-meter"/);

    const changed = await laptop.post('/account/password', { currentPassword: STRONG_PASSWORD, newPassword: OTHER_STRONG_PASSWORD, signOutOthers: 'yes' });
    expect(changed.location).toBe('/account/security?notice=password');
    expect((await laptop.get(changed.location!)).body).toContain('Your password was changed, and every other device was signed out.');
    expect((await phone.get('/account')).location).toBe('/signin?return_to=%2Faccount');
    expect((await signIn(new Browser(t.app), 'jane@example.com', OTHER_STRONG_PASSWORD)).location).toBe('/account');
  });
});
