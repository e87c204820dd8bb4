import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MINUTE } from '../../src/platform/clock.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Browser, lastMessage, OTHER_STRONG_PASSWORD, signIn, signUp, STRONG_PASSWORD } from '../helpers/browser.js';

const SESSION = '__Host-custos_session';

/** What a person reads in a piece of markup. */
function textOf(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
}

function recentChanges(html: string): string[] {
  const list = /<ul class="recent-changes">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
  return [...list.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((match) => textOf(match[1]!));
}

describe('"This wasn\'t me", through the pages', () => {
  let t: TestApp;
  let laptop: Browser;
  let phone: Browser;
  beforeEach(async () => {
    t = await createTestApp();
    laptop = new Browser(t.app);
    await signUp(t, laptop, { name: 'Jane Doe', email: 'jane@example.com' });
    t.clock.advance(MINUTE);
    phone = new Browser(t.app, 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1');
    expect((await signIn(phone, 'jane@example.com')).location).toBe('/account');
    t.clock.advance(MINUTE);
  });
  afterEach(async () => {
    await t.close();
  });

  it('from the alert link: opening it explains, the button secures, every session ends, and the recent changes are listed', async () => {
    // "Someone" changes the name from the phone; Jane gets an alert with the link.
    expect((await phone.submit('/account/name', '/account/name', { name: 'Someone Else' })).status).toBe(303);
    const alert = await lastMessage(t, 'jane@example.com', 'securityNoticeEmail');
    const link = /\/account\/secure\?token=[\w-]+/.exec(alert)?.[0];
    expect(link).toBeDefined();
    t.clock.advance(MINUTE);

    const reader = new Browser(t.app);
    const explain = await reader.get(link!);
    expect(explain.status).toBe(200);
    expect(explain.body).toContain('Every device signed in to your account is signed out.');
    expect(explain.body).toContain('Remembered devices are forgotten');
    expect(explain.body).toContain('are cancelled.');
    expect(explain.body).toContain('Your password is switched off until you reset it');
    expect(explain.body).toContain('<button type="submit" class="button">Secure my account</button>');
    // Opening it did nothing.
    expect((await laptop.get('/account')).status).toBe(200);

    const token = new URL(link!, 'http://x').searchParams.get('token')!;
    const secured = await reader.post('/account/secure', { token });
    expect(secured.status).toBe(200);
    expect(secured.body).toContain('<h1>Your account is secured</h1>');
    const changes = recentChanges(secured.body);
    expect(changes.some((line) => line.startsWith('Name changed'))).toBe(true);
    expect(changes.some((line) => /Signed in .*Mobile Safari on iOS 17/.test(line))).toBe(true);
    expect(secured.body).toContain('<a href="/recovery/password">Reset your password</a>');
    expect(secured.body).toContain('<a href="/account/security">Review Login &amp; Security</a>');

    expect((await laptop.get('/account')).location).toBe('/signin?return_to=%2Faccount');
    expect((await phone.get('/account')).location).toBe('/signin?return_to=%2Faccount');
    expect((await signIn(new Browser(t.app), 'jane@example.com', STRONG_PASSWORD)).status).toBe(401);

    // The link works once.
    await reader.get(link!);
    const again = await reader.post('/account/secure', { token });
    expect(again.status).toBe(410);
    expect(again.body).toContain('This link no longer works');
    expect(again.body).toContain('href="/recovery/password"');
  });

  it('the link opened in a browser signed in to that account shows it signed out afterwards', async () => {
    await phone.submit('/account/name', '/account/name', { name: 'Someone Else' });
    const link = /\/account\/secure\?token=[\w-]+/.exec(await lastMessage(t, 'jane@example.com', 'securityNoticeEmail'))![0];
    await laptop.get(link);
    const secured = await laptop.post('/account/secure', { token: new URL(link, 'http://x').searchParams.get('token')! });
    expect(secured.status).toBe(200);
    expect(laptop.cookies.has(SESSION)).toBe(false);
    expect(secured.body).not.toContain('Hello, Jane');
    expect(secured.body).toContain('<a href="/signin">Sign in</a>');
  });

  it('signed in, from Login activity: a quiet "This wasn\'t me" on every entry, then the same explanation and result', async () => {
    const activity = await laptop.get('/account/activity');
    const rows = [...activity.body.matchAll(/<tr\b[^>]*>[\s\S]*?<\/tr>/g)].map((match) => match[0]).slice(1);
    expect(rows.length).toBeGreaterThan(2);
    for (const row of rows) expect(row).toMatch(/<a class="not-me" href="\/account\/secure">This wasn't me<span class="visually-hidden">: [^<]+<\/span><\/a>/);

    const explain = await laptop.get('/account/secure');
    expect(explain.status).toBe(200);
    expect(explain.body).toContain('action="/account/secure/confirm"');
    expect(explain.body).toContain('Secure my account');

    const secured = await laptop.post('/account/secure/confirm', {});
    expect(secured.status).toBe(200);
    expect(secured.body).toContain('<h1>Your account is secured</h1>');
    expect(recentChanges(secured.body).length).toBeGreaterThan(0);
    expect(laptop.cookies.has(SESSION)).toBe(false);
    expect(secured.body).not.toContain('Hello, Jane');
    expect((await phone.get('/account')).location).toBe('/signin?return_to=%2Faccount');
    expect((await laptop.get('/account')).location).toBe('/signin?return_to=%2Faccount');
    expect((await signIn(new Browser(t.app), 'jane@example.com', STRONG_PASSWORD)).status).toBe(401);
    expect(await lastMessage(t, 'jane@example.com', 'securityNoticeEmail')).toContain("You told us a recent activity wasn't you.");

    // Reset, then sign in again.
    const reset = new Browser(t.app);
    const started = await reset.submit('/recovery/password', '/recovery/password', { identifier: 'jane@example.com' });
    const flow = new URL(started.location!, 'http://x').searchParams.get('flow')!;
    const code = /^\s{4}(\d{6})\s*$/m.exec(await lastMessage(t, 'jane@example.com', 'passwordResetEmail'))![1]!;
    await reset.submit(started.location!, '/recovery/password/code', { flow, code });
    expect((await reset.post('/recovery/password/new', { flow, password: OTHER_STRONG_PASSWORD })).location).toBe('/recovery/password/done');
    expect((await signIn(new Browser(t.app), 'jane@example.com', OTHER_STRONG_PASSWORD)).location).toBe('/account');
  });

  it('signed out and without a link, it asks to sign in; the confirm post needs a session', async () => {
    const stranger = new Browser(t.app);
    const page = await stranger.get('/account/secure');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/signin');
    await stranger.get('/signin');
    const post = await stranger.post('/account/secure/confirm', {});
    expect(post.status).toBe(303);
    expect(post.location).toBe('/signin');
    expect((await laptop.get('/account')).status).toBe(200);
  });
});
