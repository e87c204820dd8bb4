import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { STRONG_PASSWORD, type ListeningTestApp } from '../helpers/app.js';
import { SESSION_COOKIE } from '../../src/platform/http/session-cookie.js';
import { MINUTE } from '../../src/platform/clock.js';
import { HttpBrowser, firstChoices, partnerSite, redeem, signedInCustomer, signInWith, startProvider, startSignin, type TestPartner } from './oidc-helpers.js';

/** Our pages between the partner's request and its code: who may finish them, and when the customer must confirm. */
describe('Sign in with the store: the sign-in and consent pages', () => {
  let t: ListeningTestApp;
  let partner: TestPartner;
  beforeAll(async () => {
    t = await startProvider();
    partner = await partnerSite(t, { name: 'Lamp Shop' });
  });
  afterAll(() => t.close());
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a signed-out browser is sent to sign in, coming back to the same request', async () => {
    const browser = new HttpBrowser(t.baseUrl);
    const started = await startSignin(partner);
    const first = await browser.request(started.url.href);
    const interaction = first.location!;
    const answer = await browser.request(interaction);
    expect(answer.status).toBe(303);
    const uid = new URL(interaction).pathname.split('/').pop()!;
    expect(answer.location).toBe(`${t.baseUrl}/signin?return_to=${encodeURIComponent(`/partner-signin/${uid}`)}`);
  });

  it("only the browser that started a sign-in, and its signed-in customer, can finish it: another customer with the uid cannot (SECURITY: nobody else finishes a flow)", async () => {
    const victim = await signedInCustomer(t, 'victim@example.com');
    const attacker = await signedInCustomer(t, 'attacker@example.com');
    const started = await startSignin(partner, { prompt: 'consent' });
    const page = await victim.browser.follow(started.url.href, partner.redirectUri);
    expect(page.status).toBe(200);
    const action = /action="(\/partner-signin\/[^"]+)"/.exec(page.body)![1]!;
    // The attacker loads the uid's page and posts its form with their own CSRF token and session.
    const seen = await attacker.browser.request(action);
    expect(seen.status).toBe(400);
    expect(seen.body).toContain('started in another browser');
    await attacker.browser.request('/account');
    const posted = await attacker.browser.request(action, { form: { _csrf: attacker.browser.csrf, decision: 'allow' } });
    expect(posted.status).toBe(400);
    expect(posted.location).toBeNull();
    // The victim's own sign-in is untouched and still goes through, as the victim.
    const back = await victim.browser.consent(page, { decision: 'allow', ...firstChoices(page.body) }, partner.redirectUri);
    const claims = (await redeem(partner, { callback: new URL(back.location!), verifier: started.verifier, state: started.state })).claims()!;
    expect(claims.email).toBe('victim@example.com');
  });

  it('the consent form needs its CSRF token', async () => {
    const { browser } = await signedInCustomer(t, 'csrf@example.com');
    const started = await startSignin(partner);
    const page = await browser.follow(started.url.href, partner.redirectUri);
    const action = /action="(\/partner-signin\/[^"]+)"/.exec(page.body)![1]!;
    const posted = await browser.request(action, { form: { decision: 'allow' } });
    expect(posted.status).toBe(403);
  });

  it('the provider session is believed only while this browser is signed in to the store as the same customer', async () => {
    const { browser } = await signedInCustomer(t, 'switch@example.com');
    await signInWith(partner, browser);
    // Signed out of the store: the next authorization goes to our pages, which send the browser to sign in.
    const other = await signedInCustomer(t, 'other@example.com');
    browser.setCookie(SESSION_COOKIE, 'nonsense.token');
    const started = await startSignin(partner);
    const answer = await browser.follow(started.url.href, partner.redirectUri);
    expect(answer.location ?? answer.url).toContain('/signin?return_to=');
    // Signed in as someone else: the partner gets that customer, never the provider session's old one.
    browser.setCookie(SESSION_COOKIE, other.token);
    const signin = await signInWith(partner, browser);
    expect((await redeem(partner, signin)).claims()!.email).toBe('other@example.com');
  });

  it('prompt=login and an exceeded max_age make the customer confirm their password first, then come back', async () => {
    // The provider reads the system clock for max_age: both clocks move together here.
    vi.useFakeTimers({ toFake: ['Date'] });
    const later = (ms: number) => {
      t.clock.advance(ms);
      vi.setSystemTime(t.clock.now());
    };
    later(0);
    const { browser } = await signedInCustomer(t, 'fresh@example.com');
    await signInWith(partner, browser);
    later(10 * MINUTE);
    const asks: Array<Record<string, string>> = [{ prompt: 'login' }, { max_age: '300' }];
    for (const parameters of asks) {
      const started = await startSignin(partner, parameters);
      const interaction = (await browser.request(started.url.href)).location!;
      expect(interaction).toMatch(/\/partner-signin\//);
      const answer = await browser.request(interaction);
      expect(answer.status).toBe(303);
      const path = new URL(interaction).pathname;
      expect(answer.location).toBe(`${t.baseUrl}/account/confirm-password?return=${path}`);
      await browser.request(answer.location!);
      const confirmed = await browser.request('/account/confirm-password', { form: { _csrf: browser.csrf, return: path, password: STRONG_PASSWORD } });
      expect(confirmed.location).toBe(`${t.baseUrl}${path}`);
      const back = await browser.follow(confirmed.location!, partner.redirectUri);
      expect(back.location).toMatch(/\?code=/);
      const claims = (await redeem(partner, { callback: new URL(back.location!), verifier: started.verifier, state: started.state })).claims()!;
      expect(claims.auth_time).toBe(Math.floor(t.clock.now() / 1000));
      later(10 * MINUTE);
    }
    vi.useRealTimers();
  });

  it('after our own form, the last hop to the partner is a new navigation (form-action allows only this site)', async () => {
    const { browser, token } = await signedInCustomer(t, 'hop@example.com');
    await signInWith(partner, browser);
    // A browser signed in to the store whose provider session is new: it passes through our page.
    const fresh = new HttpBrowser(t.baseUrl);
    fresh.setCookie(SESSION_COOKIE, token);
    const started = await startSignin(partner);
    const first = await fresh.request(started.url.href);
    expect(first.location).toMatch(/\/partner-signin\//);
    const answer = await fresh.request(first.location!, { headers: { 'sec-fetch-site': 'same-origin' } });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('Continue to Lamp Shop');
    expect(answer.headers.get('refresh')).toMatch(/^0; url=http:\/\/127\.0\.0\.1:\d+\/oidc\/auth\//);
    // From the partner's own link (cross-site), a plain redirect.
    const again = await startSignin(partner);
    const other = new HttpBrowser(t.baseUrl);
    other.setCookie(SESSION_COOKIE, token);
    const hop = await other.request((await other.request(again.url.href)).location!, { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(hop.status).toBe(303);
  });

  it('the consent page allows its form to end at the partner, and nowhere else', async () => {
    const { browser } = await signedInCustomer(t, 'csp@example.com');
    const started = await startSignin(partner);
    const page = await browser.follow(started.url.href, partner.redirectUri);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("form-action 'self' http://127.0.0.1:9;");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('hostile uids and forms: malformed, over-long or unknown ids answer 4xx, never 500, and nothing is granted', async () => {
    const { browser, accountId } = await signedInCustomer(t, 'hostile@example.com');
    await browser.request('/account');
    for (const uid of ['..%2F..%2Fetc', 'a'.repeat(65), '%00', '%F0%9F%98%80', 'not-a-real-interaction']) {
      const seen = await browser.request(`/partner-signin/${uid}`);
      expect([400, 404, 414], uid).toContain(seen.status);
      const posted = await browser.request(`/partner-signin/${uid}`, { form: { _csrf: browser.csrf, decision: 'allow', email: 'x'.repeat(5000) } });
      expect([400, 404, 414], uid).toContain(posted.status);
    }
    const started = await startSignin(partner, { scope: 'openid email' });
    const page = await browser.follow(started.url.href, partner.redirectUri);
    const action = /action="(\/partner-signin\/[^"]+)"/.exec(page.body)![1]!;
    for (const email of ['x'.repeat(5000), '', "' or 1=1 --", '\u202e']) {
      const posted = await browser.request(action, { form: { _csrf: browser.csrf, decision: 'allow', email } });
      expect(posted.status, email.slice(0, 10)).toBe(400);
    }
    expect(await t.app.deps.db.selectFrom('partner_grants').select('id').where('account_id', '=', accountId).execute()).toEqual([]);
  });
});
