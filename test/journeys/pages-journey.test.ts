import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Browser, signIn, signUp } from '../helpers/browser.js';

describe('a customer’s journey through the pages', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('sign up → confirm code → Your Account → sign out → sign in → sessions → sign out everywhere else', async () => {
    const laptop = new Browser(t.app, 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15');
    await signUp(t, laptop, { name: 'Jane Doe', email: 'jane@example.com' });

    const home = await laptop.get('/');
    expect(home.body).toContain('Go to Your Account');
    const account = await laptop.get('/account');
    expect(account.status).toBe(200);
    expect(account.body).toContain('Hello, Jane.');
    expect(account.body).toContain('href="/account/security"');
    expect(account.body).toContain('action="/signout"');
    for (const href of ['/orders', '/account/addresses', '/account/cards']) expect(account.body).toContain(`href="${href}"`);

    const signedOut = await laptop.post('/signout', {});
    expect(signedOut.status).toBe(303);
    expect(signedOut.location).toBe('/');
    expect(laptop.cookies.has('__Host-custos_session')).toBe(false);
    expect((await laptop.get('/account')).location).toBe('/signin?return_to=%2Faccount');
    expect((await laptop.get('/')).body).toContain('href="/signup"');

    expect((await signIn(laptop, 'jane@example.com')).location).toBe('/account');
    const phone = new Browser(t.app, 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1');
    expect((await signIn(phone, 'jane@example.com')).location).toBe('/account');

    const security = await laptop.get('/account/security');
    expect(security.status).toBe(200);
    expect(security.body).toContain("Where you're signed in");
    expect(security.body).toContain('jane@example.com');
    expect(security.body).toMatch(/Safari on Mac OS 10[^<]*<span class="badge current">This device<\/span>/);
    expect(security.body).toContain('Mobile Safari on iOS');
    expect(security.body).toContain('Local network');
    expect(security.body.match(/action="\/account\/sessions\/end"/g)).toHaveLength(2);

    const ended = await laptop.post('/account/sessions/end-others', {});
    expect(ended.status).toBe(303);
    expect(ended.location).toBe('/account/security?notice=others-ended');
    const after = await laptop.get(ended.location!);
    expect(after.body).toContain('You were signed out everywhere else.');
    expect(after.body).not.toContain('Mobile Safari on iOS');
    expect((await phone.get('/account')).location).toBe('/signin?return_to=%2Faccount');
    expect((await laptop.get('/account')).status).toBe(200);
  });

  it('signs out one device from the list, and signing out this device ends this session', async () => {
    const laptop = new Browser(t.app);
    await signUp(t, laptop, { name: 'Jane Doe', email: 'jane@example.com' });
    const phone = new Browser(t.app, 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36');
    await signIn(phone, 'jane@example.com');
    const sessions = await t.database.db.kysely.selectFrom('sessions').select(['id', 'user_agent']).execute();
    const phoneSession = sessions.find((s) => s.user_agent.includes('Android'))!.id;
    const laptopSession = sessions.find((s) => !s.user_agent.includes('Android'))!.id;

    await laptop.get('/account/security');
    const one = await laptop.post('/account/sessions/end', { session: phoneSession });
    expect(one.location).toBe('/account/security?notice=session-ended');
    expect((await phone.get('/account')).location).toBe('/signin?return_to=%2Faccount');

    // Someone else's (or an ended) session id is unknown here.
    expect((await laptop.post('/account/sessions/end', { session: phoneSession })).status).toBe(404);

    const self = await laptop.post('/account/sessions/end', { session: laptopSession });
    expect(self.location).toBe('/');
    expect((await laptop.get('/account')).location).toBe('/signin?return_to=%2Faccount');
  });
});
