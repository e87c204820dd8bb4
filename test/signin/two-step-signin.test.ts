import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertPasskey } from '../../src/methods/passkey/passkey-store.js';
import { totpCodeAt } from '../../src/methods/totp/totp.js';
import { MINUTE } from '../../src/platform/clock.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Browser, codeIn, expectEveryInputLabelled, lastMessage, signIn, signUp } from '../helpers/browser.js';
import { addAuthenticator, signInToSecondStep } from '../helpers/two-step.js';

const SESSION = '__Host-custos_session';
const REMEMBER = '__Host-custos_remember';

describe('the second step of sign-in, through the pages', () => {
  let t: TestApp;
  let key: string;
  let backupCodes: string[];
  beforeEach(async () => {
    t = await createTestApp();
    const owner = new Browser(t.app);
    await signUp(t, owner, { name: 'Jane Doe', email: 'jane@example.com' });
    ({ key, codes: backupCodes } = await addAuthenticator(t, owner));
  });
  afterEach(async () => {
    await t.close();
  });

  it('CVE-2024-45042: after the password it asks for the authenticator code, and only the right code makes a session', async () => {
    const browser = new Browser(t.app);
    const { flow, location } = await signInToSecondStep(browser, 'jane@example.com');
    expect(browser.cookies.has(SESSION)).toBe(false);
    expect((await browser.get('/account')).location).toBe('/signin?return_to=%2Faccount');

    const page = await browser.get(location);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<h1>Two-step verification</h1>');
    expect(page.body).toContain('<label for="code">Enter the 6-digit code from your authenticator app</label>');
    expect(page.body).toMatch(/<input id="code" name="code" type="text" autocomplete="one-time-code" inputmode="numeric"/);
    const checkbox = /<input type="checkbox" id="remember" name="remember"[^>]*>/.exec(page.body)?.[0];
    expect(checkbox).toBeDefined();
    expect(checkbox).not.toContain('checked');
    expect(page.body).toContain("Don't ask again on this device for 30 days");
    expect(page.body).toContain(`href="/signin/verify?flow=${flow}&amp;method=backup_code">Use a backup code</a>`);
    expect(page.body).toContain(`Lost access to all of these? <a href="/signin/verify/lost?flow=${flow}">Get help signing in</a>`);
    expect(page.body).not.toContain('Use a passkey');
    expectEveryInputLabelled(page.body);

    const wrong = await browser.post('/signin/verify', { flow, method: 'totp', code: '000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('That code is not correct. Check it and try again, or try another way.');
    expect(wrong.body).toMatch(/<input id="code"[^>]*aria-invalid="true" aria-describedby="code-error"/);
    expect(browser.cookies.has(SESSION)).toBe(false);

    const done = await browser.post('/signin/verify', { flow, method: 'totp', code: totpCodeAt(key, t.clock.now()) });
    expect(done.status).toBe(303);
    expect(done.location).toBe('/account');
    expect(browser.cookies.has(SESSION)).toBe(true);
    expect(browser.cookies.has(REMEMBER)).toBe(false);
    expect((await browser.get('/account')).status).toBe(200);

    // The finished flow cannot be used again.
    const again = await browser.get(location);
    expect(again.status).toBe(409);
    expect(again.body).toContain('Your sign-in timed out. Please sign in again.');
    expect(again.body).toContain(`href="/signin?from=${flow}"`);
  });

  it('"Try another way": a backup code signs in, once', async () => {
    const browser = new Browser(t.app);
    const { flow } = await signInToSecondStep(browser, 'jane@example.com');
    const page = await browser.get(`/signin/verify?flow=${flow}&method=backup_code`);
    expect(page.body).toContain('<label for="code">Backup code</label>');
    expect(page.body).toMatch(/<input id="code" name="code" type="text" autocomplete="off"/);
    expect(page.body).toContain(`href="/signin/verify?flow=${flow}&amp;method=totp">Use your authenticator app</a>`);
    expectEveryInputLabelled(page.body);
    const done = await browser.post('/signin/verify', { flow, method: 'backup_code', code: backupCodes[0]!.toUpperCase() });
    expect(done.location).toBe('/account');

    const other = new Browser(t.app);
    const second = await signInToSecondStep(other, 'jane@example.com');
    await other.get(`/signin/verify?flow=${second.flow}&method=backup_code`);
    const reused = await other.post('/signin/verify', { flow: second.flow, method: 'backup_code', code: backupCodes[0]! });
    expect(reused.status).toBe(401);
    expect(other.cookies.has(SESSION)).toBe(false);
  });

  it('"Don\'t ask again on this device" skips the step next time in that browser only', async () => {
    const laptop = new Browser(t.app);
    const { flow } = await signInToSecondStep(laptop, 'jane@example.com');
    await laptop.get(`/signin/verify?flow=${flow}`);
    const done = await laptop.post('/signin/verify', { flow, method: 'totp', code: totpCodeAt(key, t.clock.now()), remember: 'yes' });
    expect(done.location).toBe('/account');
    expect(laptop.cookies.get(REMEMBER)).toMatch(/^[\w-]+$/);

    await laptop.get('/account');
    expect((await laptop.post('/signout', {})).location).toBe('/');
    const skipped = await signIn(laptop, 'jane@example.com');
    expect(skipped.status).toBe(303);
    expect(skipped.location).toBe('/account');

    await signInToSecondStep(new Browser(t.app), 'jane@example.com');
  });

  it('SMS: "Text me a code" sends a code to the confirmed phone, and the texted code signs in', async () => {
    const owner = new Browser(t.app);
    await signUp(t, owner, { name: 'Sam Roe', email: 'sam@example.com' });
    await owner.submit('/account/phone', '/account/phone', { phone: '+1 415 555 0167' });
    await owner.submit('/account/phone/confirm', '/account/phone/confirm', { code: codeIn(await lastMessage(t, '+14155550167', 'phoneCodeSms')) });
    expect((await owner.submit('/account/two-step/sms', '/account/two-step/sms', {})).location).toBe('/account/two-step?notice=sms-added');

    const browser = new Browser(t.app);
    const { flow, location } = await signInToSecondStep(browser, 'sam@example.com');
    const first = await browser.get(location);
    expect(first.body).toContain("We'll text a 6-digit code to your phone ending in ••67.");
    expect(first.body).toContain('action="/signin/verify/sms"');
    expect(first.body).not.toContain('name="code"');

    const sent = await browser.post('/signin/verify/sms', { flow });
    expect(sent.status).toBe(303);
    expect(sent.location).toBe(`/signin/verify?flow=${flow}&method=sms&sent=1`);
    const form = await browser.get(sent.location!);
    expect(form.body).toContain('We sent a code to your phone ending in ••67.');
    expect(form.body).toContain('<label for="code">Enter the 6-digit code we texted you</label>');
    expectEveryInputLabelled(form.body);

    const tooSoon = await browser.post('/signin/verify/sms', { flow });
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.body).toMatch(/<h2>Please wait \d+ (second|minute)s? before asking for another code\.<\/h2>/);
    expect(tooSoon.body).toContain('<label for="code">Enter the 6-digit code we texted you</label>');

    const code = codeIn(await lastMessage(t, '+14155550167', 'signinCodeSms'));
    const done = await browser.post('/signin/verify', { flow, method: 'sms', code });
    expect(done.location).toBe('/account');
    expect(browser.cookies.has(SESSION)).toBe(true);
  });

  it('a method the account does not have is neither offered nor accepted', async () => {
    const browser = new Browser(t.app);
    const { flow } = await signInToSecondStep(browser, 'jane@example.com');
    const page = await browser.get(`/signin/verify?flow=${flow}&method=sms`);
    expect(page.body).toContain('Enter the 6-digit code from your authenticator app');
    expect(page.body).not.toContain('method=sms');
    const refused = await browser.post('/signin/verify', { flow, method: 'sms', code: '123456' });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('That way of confirming is not set up for this account.');
    expect(browser.cookies.has(SESSION)).toBe(false);
  });

  it('a passkey is offered first among the other ways, on its own page', async () => {
    const account = await t.app.deps.db.selectFrom('identifiers').select('account_id').where('normalized', '=', 'jane@example.com').executeTakeFirstOrThrow();
    await insertPasskey(t.app.deps.db, t.clock, { accountId: account.account_id, label: 'Laptop', credentialId: 'cred-1', publicKey: 'pk', signCount: 0, transports: [], userVerified: true });
    const browser = new Browser(t.app);
    const { location, flow } = await signInToSecondStep(browser, 'jane@example.com');
    const page = await browser.get(location);
    expect(page.body).toContain('Enter the 6-digit code from your authenticator app');
    expect(page.body).toMatch(new RegExp(`<ul class="other-ways"><li><a href="/signin/verify/passkey\\?flow=${flow}">Use a passkey</a></li><li>`));

    // Settings list it with a way to its own page, and Login & Security counts it.
    const owner = new Browser(t.app);
    const { flow: ownerFlow } = await signInToSecondStep(owner, 'jane@example.com');
    await owner.get(`/signin/verify?flow=${ownerFlow}&method=backup_code`);
    await owner.post('/signin/verify', { flow: ownerFlow, method: 'backup_code', code: backupCodes[1]! });
    const overview = await owner.get('/account/two-step');
    expect(overview.body).toContain('<h3>Passkeys</h3><p class="muted">1 passkey</p>');
    expect(overview.body).toContain('href="/account/passkeys">Manage<span class="visually-hidden"> passkeys</span>');
    expect((await owner.get('/account/security')).body).toContain('<p>On — passkey, authenticator app</p>');
  });

  it('repeated wrong codes are throttled, with the wait shown; an unknown or expired flow starts again', async () => {
    const browser = new Browser(t.app);
    const { flow, location } = await signInToSecondStep(browser, 'jane@example.com');
    await browser.get(location);
    let response = await browser.post('/signin/verify', { flow, method: 'totp', code: '000000' });
    for (let i = 0; i < 8 && response.status !== 429; i++) response = await browser.post('/signin/verify', { flow, method: 'totp', code: '000000' });
    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBeDefined();
    expect(response.body).toMatch(/Too many attempts\. Please wait \d+ (second|minute)s? and try again\./);
    // Even the right code waits.
    expect((await browser.post('/signin/verify', { flow, method: 'totp', code: totpCodeAt(key, t.clock.now()) })).status).toBe(429);
    expect(browser.cookies.has(SESSION)).toBe(false);

    const unknown = await browser.get('/signin/verify?flow=not-a-flow');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain('Your sign-in timed out. Please sign in again.');
    t.clock.advance(16 * MINUTE);
    const expired = await browser.post('/signin/verify', { flow, method: 'totp', code: totpCodeAt(key, t.clock.now()) });
    expect(expired.status).toBe(410);
    expect(expired.body).toContain('Your sign-in timed out. Please sign in again.');
    expect((await browser.get('/signin/verify')).location).toBe('/signin');
  });
});
