import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Browser, lastMessage, signUp } from '../helpers/browser.js';

/** Every recovery form post, with what a real form would send; only the CSRF token is missing or someone else's. */
const POSTS: Array<[string, Record<string, string>]> = [
  ['/recovery/password', { identifier: 'jane@example.com' }],
  ['/recovery/password/code', { flow: 'FLOW', code: '123456' }],
  ['/recovery/password/link', { flow: 'FLOW', token: 'TOKEN' }],
  ['/recovery/password/new', { flow: 'FLOW', password: 'copper lantern drifts over marshland' }],
  ['/recovery/find-account', { identifier: 'jane@example.com' }],
  ['/signin/sms', { flow: 'FLOW' }],
  ['/signin/sms/verify', { flow: 'FLOW', code: '123456' }],
  ['/signin/verify/lost', { flow: 'FLOW' }],
  ['/signin/verify/lost/verify', { flow: 'FLOW', emailCode: '123456', smsCode: '123456' }],
  ['/account/secure', { token: 'TOKEN' }],
  ['/account/secure/confirm', {}],
];

describe('recovery forms and CSRF', () => {
  let t: TestApp;
  let victim: Browser;
  let attacker: Browser;
  let flow: string;
  let token: string;
  beforeAll(async () => {
    t = await createTestApp();
    victim = new Browser(t.app);
    await signUp(t, victim, { name: 'Jane Doe', email: 'jane@example.com' });
    attacker = new Browser(t.app);
    const started = await attacker.submit('/recovery/password', '/recovery/password', { identifier: 'jane@example.com' });
    const link = new URL(/\/recovery\/password\/link\?\S+/.exec(await lastMessage(t, 'jane@example.com', 'passwordResetEmail'))![0], 'http://x');
    flow = new URL(started.location!, 'http://x').searchParams.get('flow')!;
    token = link.searchParams.get('token')!;
    await attacker.get('/recovery/password');
    await victim.get('/account');
  });
  afterAll(async () => {
    await t.close();
  });

  it('ASVS 7.6.2: a post without this browser\'s token stops before anything happens', async () => {
    for (const [url, form] of POSTS) {
      const fields = Object.fromEntries(Object.entries(form).map(([name, value]) => [name, value.replace('FLOW', flow).replace('TOKEN', token)]));
      const without = await victim.post(url, fields, { csrf: false });
      expect(without.status, url).toBe(403);
      const withAttackers = await victim.post(url, { ...fields, _csrf: attacker.csrf }, { csrf: false });
      expect(withAttackers.status, url).toBe(403);
    }
    // Nothing was spent or changed: the victim is still signed in, and the link still works for its owner.
    expect((await victim.get('/account')).status).toBe(200);
    const opened = await victim.get(`/recovery/password/link?flow=${flow}&token=${token}`);
    expect(opened.status).toBe(200);
    const proven = await victim.post('/recovery/password/link', { flow, token });
    expect(proven.location).toBe(`/recovery/password/new?flow=${flow}`);
  });
});
