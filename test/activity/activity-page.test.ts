import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MINUTE } from '../../src/platform/clock.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Browser, signIn, signUp } from '../helpers/browser.js';

const SAFARI_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
const SAFARI_IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const CHROME_ANDROID = 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36';

/** The body rows of the activity table, each as its HTML. */
function rows(html: string): string[] {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr\b[^>]*>[\s\S]*?<\/tr>/g)].map((match) => match[0]);
}

/** What a person reads in a piece of markup. */
function textOf(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
}

function timesIn(html: string): number[] {
  return [...html.matchAll(/<time datetime="([^"]+)"/g)].map((match) => Date.parse(match[1]!));
}

function olderLink(html: string): string | undefined {
  return /<a href="(\/account\/activity\?before=[^"]+)"/.exec(html)?.[1];
}

describe('Login activity page', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('is linked from Login & Security', async () => {
    const laptop = new Browser(t.app);
    await signUp(t, laptop, { name: 'Jane Doe', email: 'jane@example.com' });
    const security = await laptop.get('/account/security');
    expect(security.body).toMatch(/<h3>Login activity<\/h3>\s*<p class="muted">See every sign-in attempt and security change\.<\/p>/);
    expect(security.body).toContain('href="/account/activity"');
  });

  it('lists a failed and a successful sign-in, newest first, and marks the sign-in of this session', async () => {
    const laptop = new Browser(t.app, SAFARI_MAC);
    await signUp(t, laptop, { name: 'Jane Doe', email: 'jane@example.com' });
    t.clock.advance(MINUTE);
    const phone = new Browser(t.app, SAFARI_IPHONE);
    expect((await signIn(phone, 'jane@example.com', 'not my password at all')).status).toBe(401);
    t.clock.advance(MINUTE);
    expect((await signIn(phone, 'jane@example.com')).location).toBe('/account');
    t.clock.advance(MINUTE);

    const page = await phone.get('/account/activity');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<caption id="activity-caption">Your most recent activity, newest first</caption>');
    expect(page.body).toContain('<th scope="col">Date and time</th>');
    expect(page.body).toContain('<th scope="col">IP address</th>');
    const table = rows(page.body).map(textOf);
    expect(table).toHaveLength(5);
    expect(table[0]).toMatch(/^\d+ \w+ \d{4}, \d\d:\d\d UTC Signed in from a new device This session This wasn't me : Signed in from a new device, \d+ \w+ \d{4}, \d\d:\d\d UTC Succeeded Password Local network Mobile Safari on iOS 17 127\.0\.0\.1$/);
    expect(table[1]).toMatch(/Sign-in failed: wrong password This wasn't me : Sign-in failed: wrong password, \d+ \w+ \d{4}, \d\d:\d\d UTC Failed Password Local network Mobile Safari on iOS 17/);
    // Sign-up records three events in one moment; they keep the order they happened in.
    expect(table[2]).toMatch(/Signed in This wasn't me : Signed in, \d+ \w+ \d{4}, \d\d:\d\d UTC Succeeded New account Local network Safari on Mac OS 10/);
    expect(table[3]).toMatch(/Email address confirmed This wasn't me : Email address confirmed, \d+ \w+ \d{4}, \d\d:\d\d UTC Succeeded — Not recorded Local network Safari on Mac OS 10 127\.0\.0\.1$/);
    expect(table[4]).toMatch(/Account created This wasn't me : Account created, \d+ \w+ \d{4}, \d\d:\d\d UTC Succeeded/);
    expect(page.body.match(/This session/g)).toHaveLength(1);
    expect(rows(page.body)[0]).toMatch(/^<tr class="current">/);
    expect(page.body).toContain('<span class="outcome outcome-failure">Failed</span>');
    const times = timesIn(page.body);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // One page only: no way to older pages, and none back to the newest.
    expect(olderLink(page.body)).toBeUndefined();
    expect(page.body).not.toContain('Newest');

    // The laptop's session came from sign-up: that is the row marked as its own.
    const fromLaptop = await laptop.get('/account/activity');
    const laptopRows = rows(fromLaptop.body).map(textOf);
    expect(laptopRows).toHaveLength(5);
    expect(fromLaptop.body.match(/This session/g)).toHaveLength(1);
    expect(laptopRows[2]).toMatch(/Signed in This session This wasn't me : Signed in, \d+ \w+ \d{4}, \d\d:\d\d UTC Succeeded New account/);
  });

  it('pages with a keyset link: 25 a page, older pages unmoved by new activity, and a way back to the newest', async () => {
    const browser = new Browser(t.app);
    await signUp(t, browser, { name: 'Jane Doe', email: 'jane@example.com' });
    for (let i = 1; i <= 30; i++) {
      t.clock.advance(MINUTE);
      const saved = await browser.submit('/account/name', '/account/name', { name: `Jane ${i}` });
      expect(saved.status).toBe(303);
    }
    // 3 events at sign-up, then 30 name changes.
    const first = await browser.get('/account/activity');
    const firstRows = rows(first.body);
    expect(firstRows).toHaveLength(25);
    expect(first.body).not.toContain('Newest');
    const older = olderLink(first.body);
    expect(older).toBeDefined();

    // New activity after page 1 was loaded: with an offset, page 2 would repeat a row; with a keyset it cannot.
    t.clock.advance(MINUTE);
    await browser.submit('/account/name', '/account/name', { name: 'Jane Later' });

    const second = await browser.get(older!);
    expect(second.status).toBe(200);
    expect(second.body).toContain('Older activity, newest first');
    const secondRows = rows(second.body).map(textOf);
    expect(secondRows).toHaveLength(8);
    expect(secondRows.slice(-3)).toEqual([expect.stringMatching(/Signed in/), expect.stringMatching(/Email address confirmed/), expect.stringMatching(/Account created/)]);
    expect(olderLink(second.body)).toBeUndefined();
    expect(second.body).toMatch(/<a href="\/account\/activity">\s*<span aria-hidden="true">« <\/span>Newest\s*<\/a>/);

    // Every event exactly once across the two pages: 33 rows, 31 moments (sign-up records three at once).
    const times = [...timesIn(first.body), ...timesIn(second.body)];
    expect(times).toHaveLength(33);
    expect(new Set(times).size).toBe(31);
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const newest = await browser.get('/account/activity');
    expect(rows(newest.body)).toHaveLength(25);
    expect(timesIn(newest.body)[0]).toBeGreaterThan(timesIn(first.body)[0]!);
  });

  it('answers a broken page link with a way back to the newest activity', async () => {
    const browser = new Browser(t.app);
    await signUp(t, browser, { name: 'Jane Doe', email: 'jane@example.com' });
    for (const query of ['before=not-a-real-cursor', `before=${Buffer.from('12:<script>').toString('base64url')}`, 'before=a&before=b', `before=${'x'.repeat(300)}`]) {
      const page = await browser.get(`/account/activity?${query}`);
      expect(page.status, query).toBe(400);
      expect(page.body, query).toContain("This page link doesn't work");
      expect(page.body, query).toContain('<a class="button" href="/account/activity">See your latest activity</a>');
      expect(page.body, query).not.toContain('<table');
    }
    expect((await browser.get('/account/activity?before=')).status).toBe(200);
  });

  it('sends a signed-out visitor to sign in', async () => {
    const visitor = new Browser(t.app);
    const page = await visitor.get('/account/activity');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/signin?return_to=%2Faccount%2Factivity');

    const jane = new Browser(t.app);
    await signUp(t, jane, { name: 'Jane Doe', email: 'jane@example.com' });
    await jane.post('/signout', {});
    expect((await jane.get('/account/activity')).location).toBe('/signin?return_to=%2Faccount%2Factivity');
  });

  it("never shows another customer's activity, even through their page link", async () => {
    const jane = new Browser(t.app, SAFARI_MAC);
    await signUp(t, jane, { name: 'Jane Doe', email: 'jane@example.com' });
    const sam = new Browser(t.app, CHROME_ANDROID);
    await signUp(t, sam, { name: 'Sam Roe', email: 'sam@example.com' });
    for (let i = 0; i < 30; i++) {
      t.clock.advance(MINUTE);
      await sam.submit('/account/name', '/account/name', { name: `Sam ${i}` });
    }
    t.clock.advance(MINUTE);
    const stranger = new Browser(t.app, CHROME_ANDROID);
    await signIn(stranger, 'sam@example.com', 'wrong password for sam');
    await signIn(stranger, 'nobody@example.com', 'wrong password for nobody');

    const own = await jane.get('/account/activity');
    expect(rows(own.body).map(textOf)).toEqual([expect.stringMatching(/Signed in/), expect.stringMatching(/Email address confirmed/), expect.stringMatching(/Account created/)]);
    expect(own.body).not.toMatch(/Chrome|Android|Name changed|Sign-in failed/);

    const samsOlder = olderLink((await sam.get('/account/activity')).body);
    expect(samsOlder).toBeDefined();
    const through = await jane.get(samsOlder!);
    expect(through.status).toBe(200);
    expect(through.body).not.toMatch(/Chrome|Android|Name changed/);
  });

  it('shows markup in a user agent as text', async () => {
    const jane = new Browser(t.app);
    await signUp(t, jane, { name: 'Jane Doe', email: 'jane@example.com' });
    const hostile = new Browser(t.app, '<img src=x onerror=alert(1)><script>alert(2)</script>');
    expect((await signIn(hostile, 'jane@example.com')).location).toBe('/account');

    const page = await hostile.get('/account/activity');
    expect(page.status).toBe(200);
    expect(page.body).not.toMatch(/<img src=x|<script>alert/);
    expect(page.body).toContain('&lt;img src=x onerror=alert(1)>&lt;script>alert(2)&lt;/script>');
  });
});
