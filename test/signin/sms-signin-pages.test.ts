import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MINUTE } from '../../src/platform/clock.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Browser, codeIn, expectEveryInputLabelled, lastMessage, signUp } from '../helpers/browser.js';
import { addAuthenticator } from '../helpers/two-step.js';

const SESSION = '__Host-custos_session';
const PHONE = '+1 415 555 0167';
const E164 = '+14155550167';

function flowFrom(location: string): string {
  return new URL(location, 'http://x').searchParams.get('flow')!;
}

describe('sign in with a texted code, through the pages', () => {
  let t: TestApp;
  let owner: Browser;
  beforeEach(async () => {
    t = await createTestApp();
    owner = new Browser(t.app);
    await signUp(t, owner, { name: 'Sam Roe', email: 'sam@example.com' });
    await owner.submit('/account/phone', '/account/phone', { phone: PHONE });
    await owner.submit('/account/phone/confirm', '/account/phone/confirm', { code: codeIn(await lastMessage(t, E164, 'phoneCodeSms')) });
    t.clock.advance(MINUTE);
  });
  afterEach(async () => {
    await t.close();
  });

  /** The identifier step, then "Text me a code instead" on the password step. */
  async function textMeACode(browser: Browser, identifier: string): Promise<string> {
    const identified = await browser.submit('/signin', '/signin', { identifier });
    const passwordStep = await browser.get(identified.location!);
    const flow = flowFrom(identified.location!);
    expect(passwordStep.body).toMatch(/<form method="post" action="\/signin\/sms" class="alternative-signin" novalidate>/);
    expect(passwordStep.body).toContain(`<input type="hidden" name="flow" value="${flow}"/><button type="submit" class="link-button">Text me a code instead</button>`);
    const sent = await browser.post('/signin/sms', { flow });
    expect(sent.status).toBe(303);
    expect(sent.location).toBe(`/signin/sms?flow=${flow}`);
    return flow;
  }

  it('a phone number and the texted code sign in; a wrong code is an error at the field; a resend waits a minute', async () => {
    const email = new Browser(t.app);
    const byEmail = await email.submit('/signin', '/signin', { identifier: 'sam@example.com' });
    expect((await email.get(byEmail.location!)).body).not.toContain('Text me a code instead');

    const browser = new Browser(t.app);
    const flow = await textMeACode(browser, PHONE);
    const page = await browser.get(`/signin/sms?flow=${flow}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain("If that number belongs to an account, we've texted a 6-digit code to it.");
    expect(page.body).toMatch(/<input id="code" name="code" type="text" autocomplete="one-time-code" inputmode="numeric"/);
    expect(page.body).toContain('Send a new code');
    expect(page.body).toContain(`href="/signin/password?flow=${flow}">Use your password instead</a>`);
    expectEveryInputLabelled(page.body);

    const wrong = await browser.post('/signin/sms/verify', { flow, code: '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatch(/<input id="code"[^>]*aria-invalid="true"/);
    expect(browser.cookies.has(SESSION)).toBe(false);

    const tooSoon = await browser.post('/signin/sms', { flow, again: '1' });
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.body).toContain('Please wait');
    t.clock.advance(2 * MINUTE);
    const resent = await browser.post('/signin/sms', { flow, again: '1' });
    expect(resent.location).toBe(`/signin/sms?flow=${flow}&sent=1`);
    expect((await browser.get(resent.location!)).body).toContain('We sent you a new code. Only the newest code works.');

    const done = await browser.post('/signin/sms/verify', { flow, code: codeIn(await lastMessage(t, E164, 'signinCodeSms')) });
    expect(done.status).toBe(303);
    expect(done.location).toBe('/account');
    expect(browser.cookies.has(SESSION)).toBe(true);
    expect((await browser.get('/account')).status).toBe(200);
  });

  it('an unknown number gets the same page and no text message', async () => {
    const known = new Browser(t.app);
    const unknown = new Browser(t.app);
    const a = await textMeACode(known, PHONE);
    const b = await textMeACode(unknown, '+1 415 555 0199');
    const comparable = (body: string, flow: string, phone: string) => body.replaceAll(flow, 'FLOW').replaceAll(phone, 'PHONE').replace(/name="_csrf" value="[^"]+"/g, '');
    const pageA = await known.get(`/signin/sms?flow=${a}`);
    const pageB = await unknown.get(`/signin/sms?flow=${b}`);
    expect(comparable(pageA.body, a, PHONE)).toBe(comparable(pageB.body, b, '+1 415 555 0199'));
    const sent = await t.database.db.kysely.selectFrom('outbox').select('id').where('recipient', '=', '+14155550199').execute();
    expect(sent).toHaveLength(0);
  });

  it('an account with an authenticator app goes on to its second step', async () => {
    await addAuthenticator(t, owner);
    const browser = new Browser(t.app);
    const flow = await textMeACode(browser, PHONE);
    const next = await browser.post('/signin/sms/verify', { flow, code: codeIn(await lastMessage(t, E164, 'signinCodeSms')) });
    expect(next.status).toBe(303);
    expect(next.location).toBe(`/signin/verify?flow=${flow}`);
    expect(browser.cookies.has(SESSION)).toBe(false);
  });

  it('an account whose only second step is text messages is sent back to its password', async () => {
    expect((await owner.submit('/account/two-step/sms', '/account/two-step/sms', {})).location).toBe('/account/two-step?notice=sms-added');
    const browser = new Browser(t.app);
    const flow = await textMeACode(browser, PHONE);
    const refused = await browser.post('/signin/sms/verify', { flow, code: codeIn(await lastMessage(t, E164, 'signinCodeSms')) });
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('Your account uses text messages for two-step verification, so please sign in with your password.');
    expect(refused.body).toContain(`href="/signin/password?flow=${flow}"`);
    expect(browser.cookies.has(SESSION)).toBe(false);
    expect((await browser.get(`/signin/password?flow=${flow}`)).status).toBe(200);
  });
});
