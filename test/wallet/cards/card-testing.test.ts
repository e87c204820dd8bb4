import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOUR } from '../../../src/platform/clock.js';
import { api, createTestApp, STRONG_PASSWORD, type TestApp } from '../../helpers/app.js';
import { Browser, signUp, STRONG_PASSWORD as PAGE_PASSWORD } from '../../helpers/browser.js';
import { BILLING, customerWithAddress, enterCard, pathOf, type CardEntry } from './card-fixtures.js';

/**
 * Card testing: declines at the zero-amount check are counted per account and per source network with the
 * shared throttle (SECURITY.md "Throttle per account and per source"), so "add a card" can't be used to sort a
 * list of stolen numbers. Time moves by the injected clock, never by sleeping.
 */
const DECLINED = '4000000000000002';
const HOME = '203.0.113.10';

describe('card testing: declined card checks are throttled', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  /** Setup, the gateway page, completion — every call to Custos from `ip`. */
  async function addCard(token: string, card: CardEntry, ip = HOME) {
    const setup = await api(t, 'POST', '/api/v1/cards/setups', { token, body: {}, ip });
    if (setup.status !== 201) return setup;
    const entered = await enterCard(t.app, setup.body.gateway_url, card);
    return api(t, 'POST', '/api/v1/cards', { token, body: { setup_id: setup.body.setup_id, token: entered.token }, ip });
  }

  /** A fresh password confirmation; the session token it answers with. */
  async function stepUp(token: string): Promise<string> {
    const stepped = await api(t, 'POST', '/api/v1/step-up', { token, body: { password: STRONG_PASSWORD } });
    expect(stepped.status).toBe(200);
    return stepped.body.session.token;
  }

  async function cardCount(accountId: string): Promise<number> {
    return (await t.app.deps.db.selectFrom('cards').select('id').where('account_id', '=', accountId).execute()).length;
  }

  it('SECURITY.md throttling: the 5th decline within an hour pauses starting and finishing setups for the account (429 throttled, Retry-After, when in words); an hour later it is allowed again', async () => {
    const ada = await customerWithAddress(t, 'ada@example.com');
    for (let i = 0; i < 4; i++) expect((await addCard(ada.token, { number: DECLINED })).status).toBe(402);
    // A setup already under way when the pause begins can't be finished during it either.
    const pending = await api(t, 'POST', '/api/v1/cards/setups', { token: ada.token, body: {} });
    const pendingCard = await enterCard(t.app, pending.body.gateway_url, { number: '4242424242424242' });
    expect((await addCard(ada.token, { number: DECLINED })).status).toBe(402);

    const paused = await api(t, 'POST', '/api/v1/cards/setups', { token: ada.token, body: {} });
    expect(paused.status).toBe(429);
    expect(paused.body.error.code).toBe('throttled');
    expect(paused.headers['retry-after']).toBe('3600');
    expect(paused.body.error.message).toBe('Too many cards were declined in the last hour, so adding a card is paused to protect cardholders. Please try again in 1 hour.');
    const finishing = await api(t, 'POST', '/api/v1/cards', { token: ada.token, body: { setup_id: pending.body.setup_id, token: pendingCard.token } });
    expect(finishing.status).toBe(429);
    expect(finishing.headers['retry-after']).toBe('3600');
    expect(await cardCount(ada.accountId)).toBe(0);

    // Another customer on the same network is not paused by Ada's declines.
    const bob = await customerWithAddress(t, 'bob@example.com');
    expect((await addCard(bob.token, { number: '4242424242424242' })).status).toBe(201);

    // Half an hour on, with the password confirmed again: still paused, and the words say for how long.
    t.clock.advance(HOUR / 2);
    const halfway = await stepUp(ada.token);
    const later = await api(t, 'POST', '/api/v1/cards/setups', { token: halfway, body: {} });
    expect(later.status).toBe(429);
    expect(later.headers['retry-after']).toBe('1800');
    expect(later.body.error.message).toContain('Please try again in 30 minutes.');

    t.clock.advance(HOUR / 2 + 1000);
    expect((await addCard(await stepUp(halfway), { number: '4242424242424242' })).status).toBe(201);
  });

  it('a processing error is not counted (it says nothing about the card); a saved card does not clear the count', async () => {
    const ada = await customerWithAddress(t, 'ada@example.com');
    for (let i = 0; i < 6; i++) expect((await addCard(ada.token, { number: '4000000000000119' })).body.error.reason).toBe('processing_error');
    for (let i = 0; i < 2; i++) expect((await addCard(ada.token, { number: DECLINED })).status).toBe(402);
    // The tester's own good card in between must not launder the next stolen numbers.
    expect((await addCard(ada.token, { number: '4242424242424242' })).status).toBe(201);
    for (let i = 0; i < 3; i++) expect((await addCard(ada.token, { number: '4000000000009995' })).status).toBe(402);
    expect((await addCard(ada.token, { number: '5555555555554444' })).status).toBe(429);
    expect(await cardCount(ada.accountId)).toBe(1);
  });

  it('SECURITY.md throttling per source: 20 declines from one network pause every account there (IPv6 by /64), not other networks', async () => {
    const accounts = [];
    for (let i = 0; i < 6; i++) accounts.push(await customerWithAddress(t, `tester${i}@example.com`));
    // Four declines per account, below the account limit, from addresses of one /64.
    for (let i = 0; i < 20; i++) {
      const ip = `2001:db8:5:7::${(i + 1).toString(16)}`;
      expect((await addCard(accounts[Math.floor(i / 4)]!.token, { number: DECLINED }, ip)).status, `decline ${i + 1}`).toBe(402);
    }
    const fresh = accounts[5]!;
    const paused = await api(t, 'POST', '/api/v1/cards/setups', { token: fresh.token, body: {}, ip: '2001:db8:5:7:ffff::1' });
    expect(paused.status).toBe(429);
    expect(paused.body.error.code).toBe('throttled');
    expect(Number(paused.headers['retry-after'])).toBe(3600);
    expect((await addCard(fresh.token, { number: '4242424242424242' }, '2001:db8:5:8::1')).status).toBe(201);
  });
});

describe('card testing on the pages', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  it('SECURITY.md throttling: once paused, "Add a card" answers 429 with Retry-After and says when to try again', async () => {
    const browser = new Browser(t.app);
    await signUp(t, browser, { name: 'Ada Lovelace', email: 'ada@example.com' });
    expect((await browser.submit('/account/addresses/new', '/account/addresses/new', { ...BILLING, line2: '', phone: '' })).status).toBe(303);
    const address = (await t.app.deps.db.selectFrom('addresses').select('id').executeTakeFirstOrThrow()).id;
    for (let i = 0; i < 5; i++) {
      await browser.get('/account/cards/new');
      const started = await browser.post('/account/cards/new', { billing_address: address });
      expect(started.status).toBe(303);
      const entered = await enterCard(t.app, started.location!, { number: DECLINED }, browser);
      const back = await browser.get(pathOf(entered.location!));
      expect(back.location).toMatch(/^\/account\/cards\?declined=/);
    }
    await browser.get('/account/cards/new');
    const paused = await browser.post('/account/cards/new', { billing_address: address });
    expect(paused.status).toBe(429);
    expect(paused.headers['retry-after']).toBe('3600');
    expect(paused.body).toContain('adding a card is paused to protect cardholders. Please try again in 1 hour.');
    expect(paused.body).toContain('Add a card');

    t.clock.advance(HOUR + 1000);
    await browser.get('/account/confirm-password?return=/account/cards/new');
    expect((await browser.post('/account/confirm-password', { return: '/account/cards/new', password: PAGE_PASSWORD })).status).toBe(303);
    await browser.get('/account/cards/new');
    expect((await browser.post('/account/cards/new', { billing_address: address })).status).toBe(303);
    expect((await t.app.deps.db.selectFrom('cards').select('id').execute()).length).toBe(0);
  });
});
