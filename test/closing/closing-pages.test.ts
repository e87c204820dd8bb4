import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { render } from 'preact-render-to-string';
import { DAY } from '../../src/platform/clock.js';
import { closureNotice } from '../../src/closing/closure-notice.js';
import { eraseDueAccounts } from '../../src/closing/erasure.js';
import { api, createTestApp, type TestApp } from '../helpers/app.js';
import { Browser, expectEveryInputLabelled, signIn, signUp } from '../helpers/browser.js';
import { accountIdOf } from '../helpers/fixtures.js';
import { staffSession } from '../helpers/staff.js';
import { addAuthenticator, signInToSecondStep } from '../helpers/two-step.js';
import { totpCodeAt } from '../../src/methods/totp/totp.js';
import { support } from '../support/support-fixtures.js';

/** The pages: Your data, Close your account (what happens, tick, close), "reopen it?" after the password; the console's view. */
const EMAIL = 'ada.caller@example.com';

describe('closing pages', () => {
  let t: TestApp;
  let browser: Browser;
  beforeEach(async () => {
    t = await createTestApp({ CLOSE_GRACE_DAYS: '30', IDENTIFIER_QUARANTINE_DAYS: '90' });
    browser = new Browser(t.app);
    await signUp(t, browser, { name: 'Ada Lovelace', email: EMAIL });
  });
  afterEach(() => t.close());

  it('Your Account links to Your data, which links to closing; closing says what happens and needs the box ticked', async () => {
    expect((await browser.get('/account')).body).toContain('href="/account/data"');
    const data = await browser.get('/account/data');
    expect(data.status).toBe(200);
    expect(data.body).toContain('href="/account/close"');
    const page = await browser.get('/account/close');
    expect(page.status).toBe(200);
    expectEveryInputLabelled(page.body);
    for (const said of ['signed out everywhere', 'lose access', 'For 30 days', 'Orders the store must keep', 'held for 90 days']) expect(page.body).toContain(said);
    const unticked = await browser.post('/account/close', {});
    expect(unticked.status).toBe(400);
    expect(unticked.body).toContain('Tick the box');
    const closed = await browser.post('/account/close', { confirm: 'yes' });
    expect(closed.status).toBe(200);
    expect(closed.body).toContain('Your account is closed');
    expect((await browser.get('/account')).location).toMatch(/^\/signin/);
  });

  it('closing without a recent password confirmation goes to confirm it and comes back', async () => {
    t.clock.advance(60 * 60 * 1000);
    const refused = await browser.get('/account/close');
    expect(refused.status).toBe(303);
    expect(refused.location).toBe('/account/confirm-password?return=/account/close');
  });

  it('SECURITY.md Sessions and cookies: all state-changing form posts carry a CSRF token — a cross-site form cannot close the account', async () => {
    const forged = await browser.post('/account/close', { confirm: 'yes' }, { csrf: false });
    expect(forged.status).toBe(403);
    expect((await browser.get('/account')).status).toBe(200);
  });

  /** Follows the redirect after the proof: the page moves the reopen secret into a cookie and drops it from the address. */
  async function openQuestion(who: Browser, location: string): Promise<{ flow: string; body: string }> {
    const swapped = await who.get(location);
    expect(swapped.status).toBe(303);
    const flow = new URL(swapped.location!, 'http://x').searchParams.get('flow')!;
    expect(swapped.location).toBe(`/signin/reopen?flow=${flow}`);
    const question = await who.get(swapped.location!);
    expect(question.status).toBe(200);
    return { flow, body: question.body };
  }

  it('signing in to a closed account asks before reopening; "Reopen" signs in', async () => {
    await browser.get('/account/close');
    await browser.post('/account/close', { confirm: 'yes' });
    const fresh = new Browser(t.app);
    const asked = await signIn(fresh, EMAIL);
    expect(asked.status).toBe(303);
    expect(asked.location).toMatch(/^\/signin\/reopen\?flow=/);
    expect(fresh.cookies.has('__Host-custos_session')).toBe(false);
    const { flow, body } = await openQuestion(fresh, asked.location!);
    expect(body).toContain('Your account is closed — reopen it?');
    expect(body).toContain('Keep it closed');
    expect((await fresh.get('/account')).status).toBe(303);
    const reopened = await fresh.post('/signin/reopen', { flow });
    expect(reopened.status).toBe(303);
    expect(reopened.location).toBe('/account');
    expect((await fresh.get('/account')).status).toBe(200);
  });

  it('SECURITY.md Sign-in: a closed account gets no token by any route — another browser with the flow id is not asked and cannot reopen', async () => {
    await browser.get('/account/close');
    await browser.post('/account/close', { confirm: 'yes' });
    const owner = new Browser(t.app);
    const asked = await signIn(owner, EMAIL);
    const { flow } = await openQuestion(owner, asked.location!);
    const other = new Browser(t.app);
    expect((await other.get(`/signin/reopen?flow=${flow}`)).body).toContain('Sign in again');
    const tried = await other.post('/signin/reopen', { flow });
    expect(tried.location).not.toBe('/account');
    expect(other.cookies.has('__Host-custos_session')).toBe(false);
    expect((await t.app.deps.db.selectFrom('accounts').select('status').where('id', '=', await accountIdOf(t, EMAIL)).executeTakeFirstOrThrow()).status).toBe('closed');
  });

  it('SECURITY.md Sign-in: a closed account gets no token by any route — "Keep it closed" is a post that ends the flow', async () => {
    await browser.get('/account/close');
    await browser.post('/account/close', { confirm: 'yes' });
    const owner = new Browser(t.app);
    const asked = await signIn(owner, EMAIL);
    const { flow } = await openQuestion(owner, asked.location!);
    const kept = await owner.post('/signin/reopen/keep-closed', { flow });
    expect(kept.status).toBe(200);
    expect(kept.body).toContain('Your account stays closed');
    const late = await owner.post('/signin/reopen', { flow });
    expect(late.body).toContain('Sign in again');
    expect(owner.cookies.has('__Host-custos_session')).toBe(false);
    expect((await t.app.deps.db.selectFrom('accounts').select('status').where('id', '=', await accountIdOf(t, EMAIL)).executeTakeFirstOrThrow()).status).toBe('closed');
  });

  it('with two-step verification, the question comes only after the second step too', async () => {
    const { key } = await addAuthenticator(t, browser);
    await browser.get('/account/close');
    expect((await browser.post('/account/close', { confirm: 'yes' })).status).toBe(200);
    const fresh = new Browser(t.app);
    const { flow } = await signInToSecondStep(fresh, EMAIL);
    const second = await fresh.post('/signin/verify', { flow, method: 'totp', code: totpCodeAt(key, t.clock.now()) });
    expect(second.status).toBe(303);
    expect(second.location).toMatch(new RegExp(`^/signin/reopen\\?flow=${flow}_[0-9a-f]{32}$`));
    expect(fresh.cookies.has('__Host-custos_session')).toBe(false);
    await openQuestion(fresh, second.location!);
    const reopened = await fresh.post('/signin/reopen', { flow });
    expect(reopened.location).toBe('/account');
    expect((await fresh.get('/account')).status).toBe(200);
  });

  it('support finds a closed account by its email and sees when it closed and when it will be erased', async () => {
    const accountId = await accountIdOf(t, EMAIL);
    await browser.get('/account/close');
    await browser.post('/account/close', { confirm: 'yes' });
    const agent = await staffSession(t, { role: 'agent', name: 'Sam Reyes' });
    const found = await support(t, agent.token, 'GET', `/api/support/v1/customers?q=${encodeURIComponent(EMAIL)}`);
    expect(found.body.customers.map((c: { id: string }) => c.id)).toEqual([accountId]);
    // A closed account's caller cannot be checked (support/caller-check.ts); the page still says where it stands.
    const staffBrowser = new Browser(t.app);
    staffBrowser.cookies.set('__Host-custos_staff', agent.token);
    const record = await staffBrowser.get(`/support/customers/${accountId}`);
    expect(record.status).toBe(200);
    expect(record.body).toMatch(/Closed by the customer on [^;]+; erased on or after /);

    t.clock.advance(30 * DAY + 1);
    await eraseDueAccounts(t.app.deps);
    expect(render((await closureNotice(t.app.deps, accountId))!)).toMatch(/Erased on .+\(closed by the customer on /);
    expect((await api(t, 'GET', `/api/support/v1/customers?q=${encodeURIComponent(EMAIL)}`, { token: agent.token })).body?.customers ?? []).toEqual([]);
  });
});
