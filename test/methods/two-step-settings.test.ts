import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { totpCodeAt } from '../../src/methods/totp/totp.js';
import { MINUTE } from '../../src/platform/clock.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Browser, codeIn, expectEveryInputLabelled, lastMessage, signIn, signUp, STRONG_PASSWORD } from '../helpers/browser.js';
import { addAuthenticator, backupCodesFrom, keyFrom, signInToSecondStep } from '../helpers/two-step.js';

describe('two-step verification settings pages', () => {
  let t: TestApp;
  let browser: Browser;
  beforeEach(async () => {
    t = await createTestApp();
    browser = new Browser(t.app);
    await signUp(t, browser, { name: 'Jane Doe', email: 'jane@example.com' });
  });
  afterEach(async () => {
    await t.close();
  });

  /** Lets the sign-up's fresh confirmation go stale, as it would after a few minutes on the site. */
  function goStale(): void {
    t.clock.advance(t.app.deps.config.stepUpMinutes * MINUTE + 1000);
  }

  async function confirmPassword(returnTo: string): Promise<void> {
    await browser.get(`/account/confirm-password?return=${returnTo}`);
    const confirmed = await browser.post('/account/confirm-password', { return: returnTo, password: STRONG_PASSWORD });
    expect(confirmed.location).toBe(returnTo);
  }

  it('Login & Security says Off, then On with the methods; the overview links to each way to add one', async () => {
    const before = await browser.get('/account/security');
    expect(before.body).toMatch(/<h3>Two-step verification<\/h3><p class="muted">Off<\/p><\/div><a class="button secondary small" href="\/account\/two-step">Turn on/);

    const overview = await browser.get('/account/two-step');
    expect(overview.status).toBe(200);
    expect(overview.body).toContain('Two-step verification is off.');
    expect(overview.body).toContain('href="/account/two-step/authenticator">Add an authenticator app</a>');
    expect(overview.body).toContain('<a href="/account/phone">Add and confirm a mobile number first</a>');
    expect(overview.body).not.toContain('Backup codes');

    await addAuthenticator(t, browser);
    const after = await browser.get('/account/security');
    expect(after.body).toContain('<p>On — authenticator app</p>');
    expect(after.body).toMatch(/href="\/account\/two-step">Manage/);
    const listed = await browser.get('/account/two-step');
    expect(listed.body).toContain('<h3>Authenticator app</h3>');
    expect(listed.body).toMatch(/Added \d+ \w+ \d{4}, \d\d:\d\d UTC · Last used/);
    expect(listed.body).toContain('10 of 10 left');
  });

  it('adding an authenticator: a QR code with an accessible name, the key as text, a wrong code refused, then backup codes once', async () => {
    const page = await browser.get('/account/two-step/authenticator');
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toMatch(/<figure class="qr" role="img" aria-label="QR code for your authenticator app"><svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 \d+ \d+"[^>]*>.*<\/svg><\/figure>/);
    expect(page.body).toMatch(/<code class="totp-key">([A-Z2-7]{4} ){7}[A-Z2-7]{4}<\/code>/);
    expect(page.body).toContain('<label for="code">Enter the 6-digit code the app shows</label>');
    expectEveryInputLabelled(page.body);
    const key = keyFrom(page.body);
    expect(keyFrom((await browser.get('/account/two-step/authenticator')).body), 'a reload shows the same key').toBe(key);

    const wrong = await browser.post('/account/two-step/authenticator', { code: '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.headers['cache-control']).toBe('no-store');
    expect(wrong.body).toContain('That code is not correct. Check the time on your phone and enter the newest code.');
    expect(keyFrom(wrong.body)).toBe(key);

    const codes = await browser.post('/account/two-step/authenticator', { code: totpCodeAt(key, t.clock.now()) });
    expect(codes.status).toBe(200);
    expect(codes.headers['cache-control']).toBe('no-store');
    expect(codes.body).toContain('Your authenticator app is set up.');
    expect(codes.body).toContain('<h1>Your backup codes</h1>');
    expect(codes.body).toContain('Getting new codes voids these.');
    expect(backupCodesFrom(codes.body)).toHaveLength(10);
    expect(codes.body).toMatch(/<ol class="backup-codes" aria-label="Backup codes"><li><code>([a-z2-9]{4}-){3}[a-z2-9]{4}<\/code><\/li>/);

    // A second app finds backup codes already there: back to the overview with a notice, no new codes.
    t.clock.advance(MINUTE);
    const second = keyFrom((await browser.get('/account/two-step/authenticator')).body);
    expect(second).not.toBe(key);
    const added = await browser.post('/account/two-step/authenticator', { code: totpCodeAt(second, t.clock.now()) });
    expect(added.location).toBe('/account/two-step?notice=totp-added');
    const overview = await browser.get(added.location!);
    expect(overview.body).toContain('Your authenticator app is set up.');
    expect(overview.body.match(/<h3>Authenticator app<\/h3>/g)).toHaveLength(2);
    expect(overview.body).toContain('Add another authenticator app');
  });

  it('ASVS 7.5.1: adding, removing and new backup codes ask for the password first, then come back here', async () => {
    const { codes: oldCodes } = await addAuthenticator(t, browser);
    goStale();
    const overview = await browser.get('/account/two-step');
    expect(overview.status).toBe(200);
    const factorId = /name="factor" value="([^"]+)"/.exec(overview.body)![1]!;

    const gatedAdd = await browser.get('/account/two-step/authenticator');
    expect(gatedAdd.location).toBe('/account/confirm-password?return=/account/two-step/authenticator');
    expect((await browser.get('/account/two-step/sms')).location).toBe('/account/confirm-password?return=/account/two-step/sms');
    expect((await browser.post('/account/two-step/backup-codes', {})).location).toBe('/account/confirm-password?return=/account/two-step');
    const gatedRemove = await browser.post('/account/two-step/remove', { factor: factorId });
    expect(gatedRemove.location).toBe('/account/confirm-password?return=/account/two-step');
    expect((await browser.get('/account/two-step')).body).toContain('<h3>Authenticator app</h3>');

    await confirmPassword('/account/two-step');
    const renewed = await browser.post('/account/two-step/backup-codes', {});
    expect(renewed.status).toBe(200);
    expect(renewed.headers['cache-control']).toBe('no-store');
    const newCodes = backupCodesFrom(renewed.body);
    expect(newCodes).toHaveLength(10);
    expect(newCodes).not.toContain(oldCodes[0]);

    // The old set is void at sign-in.
    const other = new Browser(t.app);
    const { flow } = await signInToSecondStep(other, 'jane@example.com');
    await other.get(`/signin/verify?flow=${flow}&method=backup_code`);
    expect((await other.post('/signin/verify', { flow, method: 'backup_code', code: oldCodes[0]! })).status).toBe(401);

    await browser.get('/account/two-step');
    const removed = await browser.post('/account/two-step/remove', { factor: factorId });
    expect(removed.location).toBe('/account/two-step?notice=removed');
    const after = await browser.get(removed.location!);
    expect(after.body).toContain('That way of signing in was removed.');
    expect(after.body).not.toContain('<h3>Authenticator app</h3>');
  });

  it('ASVS 8.2.2: another customer’s factor id is unknown, and nothing is removed', async () => {
    await addAuthenticator(t, browser);
    const factorId = /name="factor" value="([^"]+)"/.exec((await browser.get('/account/two-step')).body)![1]!;
    const intruder = new Browser(t.app);
    await signUp(t, intruder, { name: 'Eve Other', email: 'eve@example.com' });
    await intruder.get('/account/two-step');
    const attempt = await intruder.post('/account/two-step/remove', { factor: factorId });
    expect(attempt.status).toBe(404);
    expect(attempt.body).toContain("We couldn't find that sign-in method.");
    expect((await browser.get('/account/two-step')).body).toContain('<h3>Authenticator app</h3>');
  });

  it('text messages: only to a confirmed phone, and the risk is told before turning them on', async () => {
    const noPhone = await browser.get('/account/two-step/sms');
    expect(noPhone.body).toContain('href="/account/phone">Add and confirm a mobile number first</a>');
    const refused = await browser.post('/account/two-step/sms', {});
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('Add and confirm a mobile phone number first.');

    await browser.submit('/account/phone', '/account/phone', { phone: '+1 415 555 0167' });
    await browser.submit('/account/phone/confirm', '/account/phone/confirm', { code: codeIn(await lastMessage(t, '+14155550167', 'phoneCodeSms')) });

    const risk = await browser.get('/account/two-step/sms');
    expect(risk.body).toContain('Text messages can be intercepted or redirected by SIM swap. An authenticator app or a passkey is safer.');
    expect(risk.body).toContain('href="/account/two-step/authenticator"');
    expect(risk.body).toContain('<a href="/account/passkeys">Use a passkey instead</a>');
    expect(risk.body).toContain('phone ending in ••67');
    const on = await browser.post('/account/two-step/sms', {});
    expect(on.location).toBe('/account/two-step?notice=sms-added');
    const overview = await browser.get(on.location!);
    expect(overview.body).toContain('<h3>Text messages</h3><p>To your phone ending in ••67</p>');
    expect(overview.body).not.toContain('Use text messages');
    expect((await browser.get('/account/security')).body).toContain('<p>On — text messages</p>');
  });

  it('remembered devices are listed and can be forgotten one at a time or all at once', async () => {
    const { key } = await addAuthenticator(t, browser);
    const remember = async (agent: string) => {
      const device = new Browser(t.app, agent);
      const { flow } = await signInToSecondStep(device, 'jane@example.com');
      await device.get(`/signin/verify?flow=${flow}`);
      t.clock.advance(MINUTE);
      const done = await device.post('/signin/verify', { flow, method: 'totp', code: totpCodeAt(key, t.clock.now()), remember: 'yes' });
      expect(done.location).toBe('/account');
      return device;
    };
    const phone = await remember('Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1');
    const laptop = await remember('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36');

    const overview = await browser.get('/account/two-step');
    const ids = [...overview.body.matchAll(/name="device" value="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids).toHaveLength(2);
    expect(overview.body).toMatch(/Remembered \d+ \w+ \d{4}, \d\d:\d\d UTC · Until \d+ \w+ \d{4}/);
    expect(overview.body).toContain('action="/account/two-step/devices/forget-all"');

    // Newest first: the laptop's row comes first; forgetting it makes the laptop ask again, not the phone.
    expect((await browser.post('/account/two-step/devices/forget', { device: ids[0]! })).location).toBe('/account/two-step?notice=device-forgotten');
    expect((await browser.post('/account/two-step/devices/forget', { device: '' })).status).toBe(404);
    await laptop.get('/account');
    await laptop.post('/signout', {});
    await signInToSecondStep(laptop, 'jane@example.com');
    await phone.get('/account');
    await phone.post('/signout', {});
    expect((await signIn(phone, 'jane@example.com')).location).toBe('/account');

    await browser.get('/account/two-step');
    const forgotten = await browser.post('/account/two-step/devices/forget-all', {});
    expect(forgotten.location).toBe('/account/two-step?notice=devices-forgotten');
    const empty = await browser.get(forgotten.location!);
    expect(empty.body).toContain('Every device will be asked for a code next time.');
    expect(empty.body).not.toContain('name="device"');
    await phone.get('/account');
    await phone.post('/signout', {});
    await signInToSecondStep(phone, 'jane@example.com');
  });
});
