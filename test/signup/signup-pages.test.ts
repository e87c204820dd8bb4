import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MINUTE } from '../../src/platform/clock.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Browser, codeIn, expectEveryInputLabelled, lastMessage, STRONG_PASSWORD } from '../helpers/browser.js';

describe('sign-up pages', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  async function startSignup(browser: Browser, email: string) {
    const response = await browser.submit('/signup', '/signup', { name: 'Jane Doe', email, phone: '', password: STRONG_PASSWORD });
    expect(response.status).toBe(303);
    const flowId = new URL(response.location!, 'http://x').searchParams.get('flow')!;
    return { response, flowId };
  }

  it('shows the form with a label for every field, the password rule and the strength meter', async () => {
    const page = await new Browser(t.app).get('/signup');

    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expectEveryInputLabelled(page.body);
    expect(page.body).toContain('At least 15 characters. Spaces are fine — a few unrelated words make a strong password.');
    expect(page.body).toMatch(/<input id="password" name="password" type="password" autocomplete="new-password"[^>]*aria-describedby="password-hint password-meter"/);
    expect(page.body).toContain('<p class="password-meter" id="password-meter" data-for="password" aria-live="polite">');
    expect(page.body).toContain('<script src="/assets/password-meter.js" defer>');
    expect(page.body).not.toMatch(/<script>|style="/);
  });

  it('re-renders a sign-up with problems, each error tied to its field, and never echoes the password', async () => {
    const browser = new Browser(t.app);
    const response = await browser.submit('/signup', '/signup', { name: 'Jane', email: 'jane@', phone: '12', password: 'hunter2' });

    expect(response.status).toBe(400);
    expect(response.body).toContain('class="error-summary" role="alert"');
    expect(response.body).toContain('<a href="#email">Enter an email address like name@example.com.</a>');
    expect(response.body).toMatch(/<input id="email" name="email" type="email"[^>]*value="jane@"[^>]*aria-invalid="true" aria-describedby="email-error"/);
    expect(response.body).toContain('<p class="field-error" id="email-error">');
    expect(response.body).toMatch(/<input id="phone"[^>]*aria-describedby="phone-hint phone-error"/);
    expect(response.body).toMatch(/<input id="password"[^>]*aria-describedby="password-hint password-error password-meter"/);
    expect(response.body).not.toContain('hunter2');
    expectEveryInputLabelled(response.body);
  });

  it('confirms the address with the emailed code and lands on Your Account with a welcome', async () => {
    const browser = new Browser(t.app);
    const { response, flowId } = await startSignup(browser, 'jane@example.com');
    expect(browser.cookies.has('__Host-custos_signup')).toBe(true);

    const confirmPage = await browser.get(response.location!);
    expect(confirmPage.status).toBe(200);
    expect(confirmPage.body).toContain('Check your email');
    expect(confirmPage.body).toContain('jane@example.com');
    expect(confirmPage.body).toMatch(/<input id="code" name="code" type="text" autocomplete="one-time-code" inputmode="numeric"/);
    expect(confirmPage.body).toContain('action="/signup/resend"');
    expectEveryInputLabelled(confirmPage.body);

    const code = codeIn(await lastMessage(t, 'jane@example.com', 'signupConfirmationEmail'));
    const confirmed = await browser.post('/signup/confirm', { flow: flowId, code });
    expect(confirmed.status).toBe(303);
    expect(confirmed.location).toBe('/account?welcome=1');
    expect(browser.cookies.has('__Host-custos_session')).toBe(true);
    expect(browser.cookies.has('__Host-custos_signup')).toBe(false);

    const account = await browser.get('/account?welcome=1');
    expect(account.status).toBe(200);
    expect(account.body).toContain('Welcome! Your account is ready.');
    expect(account.body).toContain('Hello, Jane.');
  });

  it('ties a wrong code to the code field, and a new code can be sent after a minute', async () => {
    const browser = new Browser(t.app);
    const { response, flowId } = await startSignup(browser, 'jane@example.com');
    const first = codeIn(await lastMessage(t, 'jane@example.com', 'signupConfirmationEmail'));
    const wrong = first === '000000' ? '111111' : '000000';

    const rejected = await browser.submit(response.location!, '/signup/confirm', { flow: flowId, code: wrong });
    expect(rejected.status).toBe(400);
    expect(rejected.body).toMatch(/<input id="code"[^>]*aria-invalid="true" aria-describedby="code-hint code-error"/);
    expect(rejected.body).toContain('That code is not correct.');

    const tooSoon = await browser.post('/signup/resend', { flow: flowId });
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.body).toContain('Please wait');

    t.clock.advance(MINUTE + 1000);
    const resent = await browser.post('/signup/resend', { flow: flowId });
    expect(resent.status).toBe(303);
    expect((await browser.get(resent.location!)).body).toContain('We sent you a new code.');
    const second = codeIn(await lastMessage(t, 'jane@example.com', 'signupConfirmationEmail'));
    const confirmed = await browser.post('/signup/confirm', { flow: flowId, code: second });
    expect(confirmed.location).toBe('/account?welcome=1');
  });

  it('opening the emailed link confirms nothing until the button is pressed', async () => {
    const browser = new Browser(t.app);
    await startSignup(browser, 'jane@example.com');
    const link = /http:\/\/localhost:3000(\/signup\/confirm\/link\?\S+)/.exec(await lastMessage(t, 'jane@example.com', 'signupConfirmationEmail'))![1]!;

    const scanner = new Browser(t.app);
    const page = await scanner.get(link);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Confirm my email address');
    const accounts = await t.database.db.kysely.selectFrom('accounts').select('id').execute();
    expect(accounts).toHaveLength(0);
  });

  it('the emailed link signs in the browser that started the sign-up; any other must give the sign-up’s password', async () => {
    const starter = new Browser(t.app);
    await startSignup(starter, 'jane@example.com');
    const janeLink = /http:\/\/localhost:3000(\/signup\/confirm\/link\?\S+)/.exec(await lastMessage(t, 'jane@example.com', 'signupConfirmationEmail'))![1]!;
    const other = new Browser(t.app);
    await startSignup(other, 'omar@example.com');
    const omarLink = /http:\/\/localhost:3000(\/signup\/confirm\/link\?\S+)/.exec(await lastMessage(t, 'omar@example.com', 'signupConfirmationEmail'))![1]!;
    const omarParams = new URL(omarLink, 'http://x').searchParams;

    // Another browser — here one that started a different sign-up — opens Omar's link: nothing is confirmed
    // until Omar's password is typed (SECURITY.md Recovery: pre-hijacking).
    await starter.get(omarLink);
    const elsewhere = await starter.post('/signup/confirm/link', { flow: omarParams.get('flow')!, token: omarParams.get('token')! });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body).toContain('Enter the password you chose');
    expect(starter.cookies.has('__Host-custos_session')).toBe(false);
    expect(await t.database.db.kysely.selectFrom('accounts').select('id').execute()).toHaveLength(0);
    expect((await starter.get('/account')).location).toBe('/signin?return_to=%2Faccount');

    // The browser that started Jane's sign-up opens Jane's link: signed in.
    const janeParams = new URL(janeLink, 'http://x').searchParams;
    await starter.get(janeLink);
    const here = await starter.post('/signup/confirm/link', { flow: janeParams.get('flow')!, token: janeParams.get('token')! });
    expect(here.status).toBe(303);
    expect(here.location).toBe('/account?welcome=1');
    expect((await starter.get('/account')).status).toBe(200);

    // Used links stay used.
    const again = await starter.post('/signup/confirm/link', { flow: janeParams.get('flow')!, token: janeParams.get('token')! });
    expect(again.status).toBe(409);
  });
});
