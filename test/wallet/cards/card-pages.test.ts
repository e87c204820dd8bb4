import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../../../src/platform/clock.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { Browser, expectEveryInputLabelled, lastMessage, signUp, STRONG_PASSWORD } from '../../helpers/browser.js';
import { BILLING, enterCard, pathOf, type CardEntry } from './card-fixtures.js';

describe('payment method pages', () => {
  let t: TestApp;
  let browser: Browser;
  beforeEach(async () => {
    t = await createTestApp();
    browser = new Browser(t.app);
    await signUp(t, browser, { name: 'Ada Lovelace', email: 'ada@example.com' });
  });
  afterEach(() => t.close());

  async function addAddress(who = browser): Promise<void> {
    const added = await who.submit('/account/addresses/new', '/account/addresses/new', { ...BILLING, line2: '', phone: '' });
    expect(added.status, added.body).toBe(303);
  }

  /** "Add a card" → the gateway page → back to Custos; returns where Custos sent the browser in the end. */
  async function addCard(card: CardEntry, who = browser): Promise<string> {
    const form = await who.get('/account/cards/new');
    expect(form.status).toBe(200);
    const address = /name="billing_address" value="([^"]+)"/.exec(form.body)![1]!;
    const started = await who.post('/account/cards/new', { billing_address: address });
    expect(started.status).toBe(303);
    const entered = await enterCard(t.app, started.location!, card, who);
    expect(entered.status, entered.body).toBe(303);
    const back = await who.get(pathOf(entered.location!));
    expect(back.status).toBe(303);
    return back.location!;
  }

  // Cards saved within one millisecond tie on created_at; last4 makes the order the same on every engine.
  async function cardRows(): Promise<Array<{ id: string; last4: string; is_default: number }>> {
    return t.app.deps.db.selectFrom('cards').select(['id', 'last4', 'is_default']).orderBy('created_at').orderBy('last4').execute();
  }

  it('the whole journey: confirm password, choose the billing address, type the card on the gateway page, see it listed', async () => {
    t.clock.advance(t.app.deps.config.stepUpMinutes * MINUTE + 1000);
    const gated = await browser.get('/account/cards/new');
    expect(gated.location).toBe('/account/confirm-password?return=/account/cards/new');
    await browser.get(gated.location!);
    const confirmed = await browser.post('/account/confirm-password', { return: '/account/cards/new', password: STRONG_PASSWORD });
    expect(confirmed.location).toBe('/account/cards/new');

    const noAddress = await browser.get('/account/cards/new');
    expect(noAddress.body).toContain('A card needs a billing address');
    expect(noAddress.body).toContain('href="/account/addresses/new?return_to=%2Faccount%2Fcards%2Fnew"');
    await addAddress();

    const form = await browser.get('/account/cards/new');
    expectEveryInputLabelled(form.body);
    expect(form.body).toContain('<legend>Billing address</legend>');
    expect(form.body).toContain('Ada Lovelace, 1 Market St, San Francisco, CA 94103, United States');
    const address = /name="billing_address" value="([^"]+)"/.exec(form.body)![1]!;
    const started = await browser.post('/account/cards/new', { billing_address: address });
    expect(started.location).toMatch(/^http:\/\/localhost:3000\/sandbox-gateway\/setup\//);

    const gatewayPage = await browser.get(pathOf(started.location!));
    expect(gatewayPage.body).toContain('Sandbox payment page — test cards only');
    expect(gatewayPage.body).toContain('autocomplete="cc-number"');
    expectEveryInputLabelled(gatewayPage.body);

    const entered = await enterCard(t.app, started.location!, { number: '4242424242424242', expiry: '12/30' }, browser);
    const back = await browser.get(pathOf(entered.location!));
    expect(back.location).toBe('/account/cards?notice=added');
    const list = await browser.get(back.location!);
    expect(list.body).toContain('Your card was added.');
    expect(list.body).toMatch(/Visa <span aria-hidden="true">••••<\/span><span class="visually-hidden"> ending in<\/span> 4242/);
    expect(list.body).toContain('<span class="badge current">Default</span>');
    expect(list.body).toContain('Expires 12/30');
    expect(list.body).toContain('<span>San Francisco, CA 94103</span>');

    const notice = await lastMessage(t, 'ada@example.com', 'securityNoticeEmail');
    expect(notice).toContain('A payment card (Visa ending in 4242) was saved to your Custos account.');
  });

  it('each decline shows its words on the cards page and saves nothing', async () => {
    await addAddress();
    const words: Array<[string, string]> = [
      ['4000000000000002', 'Your bank declined the card.'],
      ['4000000000009995', 'not enough money or credit available'],
      ['4000000000000069', 'Your bank says this card has expired.'],
      ['4000000000000127', 'The security code does not match this card.'],
      ['4000000000000119', 'a problem at the card processor. Nothing was charged.'],
      ['4000000000009987', 'Your bank declined the card.'],
      ['4000000000009979', 'Your bank declined the card.'],
    ];
    for (const [index, [number, text]] of words.entries()) {
      if (index === 6) {
        // The sixth counted decline (a processing error doesn't count) would be paused against card testing
        // (card-testing.test.ts): an hour later, with the password confirmed again, the last one is checked.
        t.clock.advance(HOUR + 1000);
        await browser.get('/account/confirm-password?return=/account/cards/new');
        expect((await browser.post('/account/confirm-password', { return: '/account/cards/new', password: STRONG_PASSWORD })).status).toBe(303);
      }
      const landed = await addCard({ number });
      expect(landed, number).toMatch(/^\/account\/cards\?declined=/);
      expect(landed).not.toMatch(/lost|stolen/);
      const page = await browser.get(landed);
      expect(page.body, number).toContain('Your card was not added.');
      expect(page.body, number).toContain(text);
      expect(page.body).toContain("You haven't saved a card yet.");
    }
    expect(await cardRows()).toHaveLength(0);
    // An unknown reason in the address bar shows nothing.
    expect((await browser.get('/account/cards?declined=<script>')).body).not.toContain('Your card was not added.');
  });

  it('card errors are shown on the gateway page in words, and the number and code are never written back', async () => {
    await addAddress();
    const form = await browser.get('/account/cards/new');
    const address = /name="billing_address" value="([^"]+)"/.exec(form.body)![1]!;
    const started = await browser.post('/account/cards/new', { billing_address: address });
    const bad = await enterCard(t.app, started.location!, { number: '4242424242424241', cvc: '8642' }, browser);
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('The card number is not valid — check the digits.');
    expect(bad.body).not.toContain('4242424242424241');
    expect(bad.body).not.toContain('8642');
    expect(bad.body).toContain('value="12/30"');
    expectEveryInputLabelled(bad.body);

    const wrongCode = await enterCard(t.app, started.location!, { number: '4111111111111111', cvc: '86' }, browser);
    expect(wrongCode.body).toContain('The security code for this card is the 3-digit code on the back of the card.');
    expect(wrongCode.body).toContain('You entered a card ending in 1111. For your security, type the number again.');
    expect(wrongCode.body).not.toContain('4111111111111111');
    expect(wrongCode.body).toMatch(/<input id="number" name="number" type="text"(?![^>]*value=)/);
  });

  it('recognises a card already saved, marks expiring and expired cards, changes the default and removes a card', async () => {
    t.clock.set(Date.UTC(2026, 0, 20, 9, 0, 0));
    await browser.get('/account/confirm-password?return=/account/cards/new');
    expect((await browser.post('/account/confirm-password', { return: '/account/cards/new', password: STRONG_PASSWORD })).status).toBe(303);
    await addAddress();
    expect(await addCard({ number: '4242424242424242', expiry: '01/26' })).toBe('/account/cards?notice=added');
    expect(await addCard({ number: '4242424242424242', expiry: '01/26' })).toBe('/account/cards?notice=already');
    expect((await browser.get('/account/cards?notice=already')).body).toContain('This card is already saved to your account');
    expect(await addCard({ number: '5555555555554444', expiry: '08/29' })).toBe('/account/cards?notice=added');
    expect(await cardRows()).toHaveLength(2);

    let list = await browser.get('/account/cards');
    expect(list.body).toContain('<span class="badge warning">Expires soon</span>');
    // Two hops, so the session never sits idle past its timeout.
    t.clock.set(Date.UTC(2026, 0, 25, 9, 0, 0));
    expect((await browser.get('/account/cards')).status).toBe(200);
    t.clock.set(Date.UTC(2026, 0, 31, 23, 0, 0));
    expect((await browser.get('/account/cards')).body).toContain('<span class="badge warning">Expires soon</span>');
    t.clock.set(Date.UTC(2026, 1, 1, 9, 0, 0));
    list = await browser.get('/account/cards');
    expect(list.body).toContain('<span class="badge warning">Expired</span>');
    expect(list.body).toContain('Expired 01/26');

    const [visa, mastercard] = await cardRows();
    expect(list.body).toContain(`action="/account/cards/${mastercard!.id}/default"`);
    const chosen = await browser.post(`/account/cards/${mastercard!.id}/default`, {});
    expect(chosen.location).toBe('/account/cards?notice=default');
    expect((await cardRows()).map((c) => c.is_default)).toEqual([0, 1]);

    const confirm = await browser.get(`/account/cards/${visa!.id}/remove`);
    expect(confirm.body).toContain('Remove this card?');
    expect(confirm.body).toContain('Visa');
    const removed = await browser.post(`/account/cards/${visa!.id}/remove`, {});
    expect(removed.location).toBe('/account/cards?notice=removed');
    expect((await cardRows()).map((c) => c.last4)).toEqual(['4444']);
    expect(await lastMessage(t, 'ada@example.com', 'securityNoticeEmail')).toContain('A payment card (Visa ending in 4242) was removed from your Custos account.');
  });

  it('the same return link twice: the second is refused and saves nothing more', async () => {
    await addAddress();
    const form = await browser.get('/account/cards/new');
    const address = /name="billing_address" value="([^"]+)"/.exec(form.body)![1]!;
    const started = await browser.post('/account/cards/new', { billing_address: address });
    const entered = await enterCard(t.app, started.location!, { number: '4242424242424242' }, browser);
    expect((await browser.get(pathOf(entered.location!))).location).toBe('/account/cards?notice=added');
    const replay = await browser.get(pathOf(entered.location!));
    expect(replay.status).toBe(409);
    expect(replay.body).toContain('This step has already been completed');
    expect(await cardRows()).toHaveLength(1);
  });

  it('ASVS 8.2.2: a setup started by one customer and returned in another\'s session is refused; their cards answer 404', async () => {
    await addAddress();
    const form = await browser.get('/account/cards/new');
    const address = /name="billing_address" value="([^"]+)"/.exec(form.body)![1]!;
    const started = await browser.post('/account/cards/new', { billing_address: address });
    const entered = await enterCard(t.app, started.location!, { number: '4242424242424242' }, browser);

    const mallory = new Browser(t.app);
    await signUp(t, mallory, { name: 'Mallory', email: 'mallory@example.com' });
    const stolen = await mallory.get(pathOf(entered.location!));
    expect(stolen.status).toBe(404);
    expect(await cardRows()).toHaveLength(0);
    // The owner can still finish it.
    expect((await browser.get(pathOf(entered.location!))).location).toBe('/account/cards?notice=added');
    const [card] = await cardRows();
    expect((await mallory.get(`/account/cards/${card!.id}/remove`)).status).toBe(404);
    await mallory.get('/account/cards');
    expect((await mallory.post(`/account/cards/${card!.id}/remove`, {})).status).toBe(404);
    expect((await mallory.post(`/account/cards/${card!.id}/default`, {})).status).toBe(404);
    expect(await cardRows()).toHaveLength(1);
  });

  it('cancelling on the gateway page adds nothing and closes the setup', async () => {
    await addAddress();
    const form = await browser.get('/account/cards/new');
    const address = /name="billing_address" value="([^"]+)"/.exec(form.body)![1]!;
    const started = await browser.post('/account/cards/new', { billing_address: address });
    const page = await browser.get(pathOf(started.location!));
    const cancel = /href="(http:\/\/localhost:3000\/account\/cards\/return[^"]+cancelled=1)"/.exec(page.body)![1]!.replace(/&amp;/g, '&');
    const back = await browser.get(pathOf(cancel));
    expect(back.location).toBe('/account/cards?notice=cancelled');
    expect((await browser.get(back.location!)).body).toContain('No card was added.');
    const setupId = new URL(cancel).searchParams.get('setup')!;
    const flow = await t.app.deps.db.selectFrom('flows').select('state').where('id', '=', setupId).executeTakeFirstOrThrow();
    expect(flow.state).toBe('cancelled');
  });

  it('a signed-out visitor is sent to sign in; the card pages have no unlabelled inputs', async () => {
    const stranger = new Browser(t.app);
    for (const path of ['/account/cards', '/account/cards/new', '/account/cards/return?setup=x&token=y']) {
      expect((await stranger.get(path)).location, path).toBe(`/signin?return_to=${encodeURIComponent(path)}`);
    }
    await addAddress();
    await addCard({ number: '4242424242424242' });
    const list = await browser.get('/account/cards');
    expect(list.status).toBe(200);
    expect(list.body).not.toMatch(/<input(?![^>]*type="hidden")/);
  });
});
