import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MINUTE } from '../../src/platform/clock.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Browser, codeIn, expectEveryInputLabelled, lastMessage, OTHER_STRONG_PASSWORD, signIn, signUp, STRONG_PASSWORD } from '../helpers/browser.js';

const SESSION = '__Host-custos_session';
const SENT = 'If that belongs to an account, we sent a code to it.';
const DONE = 'Your password was changed and every device was signed out. Sign in with your new password.';

function flowFrom(location: string): string {
  return new URL(location, 'http://x').searchParams.get('flow')!;
}

/** The reset link from the email, as a path on this site. */
function resetLinkIn(text: string): string {
  const link = /\/recovery\/password\/link\?flow=[\w-]+&token=[\w-]+/.exec(text)?.[0];
  if (!link) throw new Error(`no reset link in: ${text}`);
  return link;
}

/** "Forgot your password?" up to the code page; answers where it went. */
async function startReset(browser: Browser, identifier: string): Promise<{ flow: string; location: string }> {
  const started = await browser.submit('/recovery/password', '/recovery/password', { identifier });
  expect(started.status).toBe(303);
  expect(started.location).toMatch(/^\/recovery\/password\/code\?flow=[\w-]+$/);
  return { flow: flowFrom(started.location!), location: started.location! };
}

describe('forgot password, through the pages', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('is linked from the password step and from the confirm-password page; the old address redirects', async () => {
    const browser = new Browser(t.app);
    await signUp(t, browser, { name: 'Jane Doe', email: 'jane@example.com' });
    expect((await browser.get('/account/confirm-password')).body).toContain('<a href="/recovery/password">Forgot your password?</a>');
    const other = new Browser(t.app);
    const identified = await other.submit('/signin', '/signin', { identifier: 'jane@example.com' });
    expect((await other.get(identified.location!)).body).toContain('<a href="/recovery/password">Forgot your password?</a>');
    const old = await other.get('/recovery');
    expect(old.status).toBe(303);
    expect(old.location).toBe('/recovery/password');

    const page = await other.get('/recovery/password');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<label for="identifier">Email or mobile phone number</label>');
    expect(page.body).toContain('<a href="/recovery/find-account">Forgot which email you used?</a>');
    expect(page.body).not.toContain('coming soon');
    expectEveryInputLabelled(page.body);
  });

  it('ASVS 6.4.3: reset by the emailed code signs nobody in, ends every session, and the old cookie stops working', async () => {
    const laptop = new Browser(t.app);
    await signUp(t, laptop, { name: 'Jane Doe', email: 'jane@example.com' });
    const phone = new Browser(t.app);
    expect((await signIn(phone, 'jane@example.com')).location).toBe('/account');
    const oldCookie = laptop.cookies.get(SESSION)!;

    // The customer resets from the laptop, still signed in there.
    t.clock.advance(MINUTE);
    const { flow, location } = await startReset(laptop, 'jane@example.com');
    const codePage = await laptop.get(location);
    expect(codePage.status).toBe(200);
    expect(codePage.body).toContain(SENT);
    expect(codePage.body).toContain('<label for="code">Enter the 6-digit code</label>');
    expect(codePage.body).toMatch(/<input id="code" name="code" type="text" autocomplete="one-time-code" inputmode="numeric"/);
    expectEveryInputLabelled(codePage.body);

    const wrong = await laptop.post('/recovery/password/code', { flow, code: '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatch(/<input id="code"[^>]*aria-invalid="true" aria-describedby="code-hint code-error"/);

    const code = codeIn(await lastMessage(t, 'jane@example.com', 'passwordResetEmail'));
    const proven = await laptop.post('/recovery/password/code', { flow, code });
    expect(proven.status).toBe(303);
    expect(proven.location).toBe(`/recovery/password/new?flow=${flow}`);

    const form = await laptop.get(proven.location!);
    expect(form.status).toBe(200);
    expect(form.body).toContain('<label for="password">New password</label>');
    expect(form.body).toMatch(/<input id="password" name="password" type="password" autocomplete="new-password"/);
    expect(form.body).toContain('id="password-meter"');
    expect(form.body).toContain('src="/assets/password-meter.js"');
    expectEveryInputLabelled(form.body);

    const weak = await laptop.post('/recovery/password/new', { flow, password: 'password' });
    expect(weak.status).toBe(400);
    expect(weak.body).toMatch(/<input id="password"[^>]*aria-invalid="true"/);

    const done = await laptop.post('/recovery/password/new', { flow, password: OTHER_STRONG_PASSWORD });
    expect(done.status).toBe(303);
    expect(done.location).toBe('/recovery/password/done');
    // Signed out here (the cookie is cleared), not signed in with the new password.
    expect(laptop.cookies.has(SESSION)).toBe(false);
    const confirmation = await laptop.get(done.location!);
    expect(confirmation.body).toContain(DONE);
    expect(confirmation.body).toContain('<a class="button" href="/signin">Sign in</a>');
    expect((await laptop.get('/account')).location).toBe('/signin?return_to=%2Faccount');

    const replay = new Browser(t.app);
    replay.cookies.set(SESSION, oldCookie);
    expect((await replay.get('/account')).location).toBe('/signin?return_to=%2Faccount');
    expect((await phone.get('/account')).location).toBe('/signin?return_to=%2Faccount');

    expect((await signIn(new Browser(t.app), 'jane@example.com', STRONG_PASSWORD)).status).toBe(401);
    expect((await signIn(new Browser(t.app), 'jane@example.com', OTHER_STRONG_PASSWORD)).location).toBe('/account');

    // The finished reset can't be used again.
    expect((await laptop.get(`/recovery/password/new?flow=${flow}`)).status).toBe(409);
    expect((await laptop.get(location)).body).toContain('Please start again');
  });

  it('the emailed link: opening it changes nothing, the button proves it, and only that browser chooses the password', async () => {
    await signUp(t, new Browser(t.app), { name: 'Jane Doe', email: 'jane@example.com' });
    // Someone who is not Jane starts the reset: they know the flow id, which is in the link too.
    const stranger = new Browser(t.app);
    const { flow } = await startReset(stranger, 'jane@example.com');
    const link = resetLinkIn(await lastMessage(t, 'jane@example.com', 'passwordResetEmail'));
    expect(flowFrom(link)).toBe(flow);

    const jane = new Browser(t.app);
    const opened = await jane.get(link);
    expect(opened.status).toBe(200);
    expect(opened.body).toContain('<button type="submit" class="button">Choose a new password</button>');
    // A mail scanner fetching the link twice spends nothing.
    expect((await jane.get(link)).status).toBe(200);
    const token = new URL(link, 'http://x').searchParams.get('token')!;
    const proven = await jane.post('/recovery/password/link', { flow, token });
    expect(proven.status).toBe(303);
    expect(proven.location).toBe(`/recovery/password/new?flow=${flow}`);

    // The stranger, holding the flow id but not the browser that proved it, gets no further.
    const theirs = await stranger.get(`/recovery/password/new?flow=${flow}`);
    expect(theirs.status).toBe(409);
    expect(theirs.body).not.toContain('name="password"');
    expect((await stranger.post('/recovery/password/new', { flow, password: 'stranger chose this password' })).status).toBe(409);

    const form = await jane.get(proven.location!);
    expect(form.status).toBe(200);
    expectEveryInputLabelled(form.body);
    const done = await jane.post('/recovery/password/new', { flow, password: OTHER_STRONG_PASSWORD });
    expect(done.location).toBe('/recovery/password/done');
    expect(jane.cookies.has(SESSION)).toBe(false);
    expect((await signIn(new Browser(t.app), 'jane@example.com', OTHER_STRONG_PASSWORD)).location).toBe('/account');

    // Single use.
    await jane.get(link);
    const again = await jane.post('/recovery/password/link', { flow, token });
    expect(again.status).toBe(410);
    expect(again.body).toContain('This link has expired or was already used.');
  });

  it('ASVS 6.3.8: an unknown address gets the identical page, and nothing is sent to it', async () => {
    await signUp(t, new Browser(t.app), { name: 'Jane Doe', email: 'jane@example.com' });
    const known = new Browser(t.app);
    const unknown = new Browser(t.app);
    const a = await startReset(known, 'jane@example.com');
    const b = await startReset(unknown, 'nobody@example.com');
    const pageA = await known.get(a.location);
    const pageB = await unknown.get(b.location);
    expect(pageA.status).toBe(pageB.status);
    const comparable = (body: string, flow: string, address: string) =>
      body.replaceAll(flow, 'FLOW').replaceAll(address, 'ADDRESS').replace(/name="_csrf" value="[^"]+"/, '');
    expect(comparable(pageA.body, a.flow, 'jane@example.com')).toBe(comparable(pageB.body, b.flow, 'nobody@example.com'));
    expect(pageB.body).toContain(SENT);

    const wrongA = await known.post('/recovery/password/code', { flow: a.flow, code: '123456' });
    const wrongB = await unknown.post('/recovery/password/code', { flow: b.flow, code: '123456' });
    expect(wrongA.status).toBe(wrongB.status);
    expect(comparable(wrongA.body, a.flow, 'jane@example.com')).toBe(comparable(wrongB.body, b.flow, 'nobody@example.com'));

    const sent = await t.database.db.kysely.selectFrom('outbox').select('id').where('recipient', '=', 'nobody@example.com').execute();
    expect(sent).toHaveLength(0);
  });

  it('a phone number gets a texted code, and a badly typed address is an error beside the field', async () => {
    const browser = new Browser(t.app);
    await signUp(t, browser, { name: 'Sam Roe', email: 'sam@example.com' });
    await browser.submit('/account/phone', '/account/phone', { phone: '+1 415 555 0167' });
    await browser.submit('/account/phone/confirm', '/account/phone/confirm', { code: codeIn(await lastMessage(t, '+14155550167', 'phoneCodeSms')) });

    const other = new Browser(t.app);
    const bad = await other.submit('/recovery/password', '/recovery/password', { identifier: 'not-an-email@' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatch(/<input id="identifier"[^>]*value="not-an-email@"[^>]*aria-invalid="true" aria-describedby="identifier-error"/);

    const { flow, location } = await startReset(other, '+1 415 555 0167');
    const page = await other.get(location);
    expect(page.body).toContain(SENT);
    expect(page.body).toContain('Enter the code from the text message below.');
    const code = codeIn(await lastMessage(t, '+14155550167', 'passwordResetSms'));
    expect((await other.post('/recovery/password/code', { flow, code })).location).toBe(`/recovery/password/new?flow=${flow}`);
    expect((await other.post('/recovery/password/new', { flow, password: OTHER_STRONG_PASSWORD })).location).toBe('/recovery/password/done');
    expect((await signIn(new Browser(t.app), '+1 415 555 0167', OTHER_STRONG_PASSWORD)).location).toBe('/account');
  });
});
