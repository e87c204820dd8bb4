import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Browser, expectEveryInputLabelled, signIn, signUp, STRONG_PASSWORD } from '../helpers/browser.js';

describe('sign-in pages', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
    await signUp(t, new Browser(t.app), { name: 'Jane Doe', email: 'jane@example.com' });
  });
  afterEach(async () => {
    await t.close();
  });

  it('ASVS 7.6.2 login CSRF: a cross-site sign-in post cannot start a session', async () => {
    // The attacker's own page posts to ours: the victim's browser has no CSRF cookie and the form no token.
    const victim = new Browser(t.app);
    const identify = await victim.post('/signin', { identifier: 'jane@example.com' }, { csrf: false });
    expect(identify.status).toBe(403);

    // Even with a live flow at the password step, a post without this browser's token stops before the password.
    const attacker = new Browser(t.app);
    const identified = await attacker.submit('/signin', '/signin', { identifier: 'jane@example.com' });
    const flow = new URL(identified.location!, 'http://x').searchParams.get('flow')!;
    await victim.get('/');
    const withoutToken = await victim.post('/signin/password', { flow, password: STRONG_PASSWORD }, { csrf: false });
    expect(withoutToken.status).toBe(403);
    const withAttackersToken = await victim.post('/signin/password', { flow, password: STRONG_PASSWORD, _csrf: attacker.csrf }, { csrf: false });
    expect(withAttackersToken.status).toBe(403);
    expect(victim.cookies.has('__Host-custos_session')).toBe(false);

    const signup = await victim.post('/signup', { name: 'Eve', email: 'eve@example.com', password: STRONG_PASSWORD }, { csrf: false });
    expect(signup.status).toBe(403);
  });

  it('asks who you are, then for the password, showing who is signing in with a way to change it', async () => {
    const browser = new Browser(t.app);
    const first = await browser.get('/signin');
    expect(first.body).toContain('<label for="identifier">Email or mobile phone number</label>');
    expect(first.body).toMatch(/<input id="identifier" name="identifier" type="text" autocomplete="username"/);
    expectEveryInputLabelled(first.body);

    const identified = await browser.post('/signin', { identifier: 'Jane@Example.com' });
    expect(identified.status).toBe(303);
    expect(identified.location).toMatch(/^\/signin\/password\?flow=[\w-]+$/);

    const second = await browser.get(identified.location!);
    expect(second.status).toBe(200);
    expect(second.body).toContain('Jane@Example.com');
    expect(second.body).toContain('<a href="/signin">Change');
    expect(second.body).toContain('<a href="/recovery/password">Forgot your password?</a>');
    expect(second.body).toMatch(/<input id="password" name="password" type="password" autocomplete="current-password"/);
    expectEveryInputLabelled(second.body);

    expect((await browser.get('/recovery/password')).status).toBe(200);
  });

  it('a wrong password and an unknown account get the same answer, and the password is not echoed', async () => {
    const wrong = await signIn(new Browser(t.app), 'jane@example.com', 'not the password at all');
    const unknown = await signIn(new Browser(t.app), 'nobody@example.com', 'not the password at all');

    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toContain('The email address, phone number or password is incorrect.');
    const comparable = (body: string) => body.replace(/value="[^"]*"/g, '').replace(/jane@example\.com|nobody@example\.com/g, '');
    expect(comparable(wrong.body)).toBe(comparable(unknown.body));
    expect(wrong.body).not.toContain('not the password at all');
  });

  it('after repeated failures it says how long to wait', async () => {
    const browser = new Browser(t.app);
    let response = await signIn(browser, 'jane@example.com', 'wrong password number 0');
    for (let i = 1; i < 8 && response.status !== 429; i++) {
      response = await browser.post('/signin/password', { flow: flowOf(response.body), password: `wrong password number ${i}` });
    }
    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBeDefined();
    expect(response.body).toContain('Too many attempts. Please wait');
  });

  it('NIST §3.2.2: a paused sign-in offers an emailed link that lets this browser try again, alike for an unknown email', async () => {
    const pause = async (browser: Browser, email: string) => {
      let response = await signIn(browser, email, 'wrong password number 0');
      for (let i = 1; i < 8 && response.status !== 429; i++) {
        response = await browser.post('/signin/password', { flow: flowOf(response.body), password: `wrong password number ${i}` });
      }
      expect(response.status).toBe(429);
      expect(response.body).toContain('Email me a link to try again from this browser');
      return browser.post('/signin/retry-link', { flow: flowOf(response.body) });
    };
    const stranger = await pause(new Browser(t.app), 'nobody@example.com');
    const owner = new Browser(t.app);
    const asked = await pause(owner, 'jane@example.com');
    expect(asked.status).toBe(200);
    expect(asked.body).toContain('Check your email');
    const comparable = (body: string) => body.replace(/flow=[\w%-]+/g, '').replace(/value="[^"]*"/g, '');
    expect(comparable(asked.body)).toBe(comparable(stranger.body));

    const email = await t.app.deps.db.selectFrom('outbox').select(['template', 'text_body']).where('recipient', '=', 'jane@example.com').orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(email.template).toBe('retryLinkEmail');
    const link = /\/signin\/retry\?token=[\w-]+/.exec(email.text_body)![0];
    expect((await new Browser(t.app).get(link)).status).toBe(410);
    expect((await owner.get(link)).body).toContain('This browser can try again');
    const identified = await owner.submit('/signin', '/signin', { identifier: 'jane@example.com' });
    const flow = new URL(identified.location!, 'http://x').searchParams.get('flow')!;
    const signedIn = await owner.submit(identified.location!, '/signin/password', { flow, password: STRONG_PASSWORD });
    expect(signedIn.location).toBe('/account');
  });

  it('a correct password signs in and goes to Your Account; a finished flow cannot be replayed', async () => {
    const browser = new Browser(t.app);
    const identified = await browser.submit('/signin', '/signin', { identifier: 'jane@example.com' });
    const flow = new URL(identified.location!, 'http://x').searchParams.get('flow')!;
    const response = await browser.submit(identified.location!, '/signin/password', { flow, password: STRONG_PASSWORD });
    expect(response.status).toBe(303);
    expect(response.location).toBe('/account');
    expect((await browser.get('/account')).status).toBe(200);
    // The browser is remembered as a known device for next time.
    expect(browser.cookies.get('__Host-custos_device')).toMatch(/^[\w-]{43}$/);

    const again = await browser.get(identified.location!);
    expect(again.location).toBe('/signin');
    const replay = await browser.post('/signin/password', { flow, password: STRONG_PASSWORD });
    expect(replay.status).toBe(303);
    expect(replay.location).toBe('/signin');
  });

  it('signed-out visits to Your Account pages go to sign in', async () => {
    const browser = new Browser(t.app);
    for (const path of ['/account', '/account/security', '/account/name', '/account/email', '/account/email/confirm', '/account/phone', '/account/phone/confirm', '/account/password', '/account/confirm-password']) {
      const response = await browser.get(path);
      expect(response.status, path).toBe(303);
      expect(response.location, path).toBe(`/signin?return_to=${encodeURIComponent(path)}`);
    }
  });
});

function flowOf(body: string): string {
  return /name="flow" value="([^"]+)"/.exec(body)?.[1] ?? '';
}
