import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MINUTE } from '../../../src/platform/clock.js';
import { api, createTestApp, signIn, STRONG_PASSWORD, type TestApp } from '../../helpers/app.js';
import { Browser, signIn as signInPage, signUp, STRONG_PASSWORD as PAGE_PASSWORD } from '../../helpers/browser.js';
import { BILLING, customerWithAddress, enterCard, pathOf } from './card-fixtures.js';

/**
 * A card setup belongs to the session that started it after a recent password confirmation, not merely to the
 * account: the return link carries the gateway's token in its address, so one lifted from a shared computer's
 * history or a proxy log can't be finished from any other browser or API client — even one signed in to the same
 * account. The page and the API follow one rule: signed in, in that same session (ASVS 8.2.2 answers: 404).
 */
describe('card setups are bound to the session that started them', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  async function cardCount(): Promise<number> {
    return (await t.app.deps.db.selectFrom('cards').select('id').execute()).length;
  }

  it('ASVS 8.2.2: over the API, another session of the same account finishing the setup gets 404 like an unknown setup; the starting session still can', async () => {
    const ada = await customerWithAddress(t, 'ada@example.com');
    const setup = await api(t, 'POST', '/api/v1/cards/setups', { token: ada.token, body: {} });
    const entered = await enterCard(t.app, setup.body.gateway_url, { number: '4242424242424242' });
    const other = await signIn(t, 'ada@example.com', STRONG_PASSWORD);
    expect(other.status).toBe(201);
    const body = { setup_id: setup.body.setup_id, token: entered.token };

    const elsewhere = await api(t, 'POST', '/api/v1/cards', { token: other.body.session.token, body });
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.error.code).toBe('not_found');
    expect(await cardCount()).toBe(0);
    // The refusal spent nothing: the session that started the setup finishes it, step-up long expired.
    t.clock.advance(t.config.stepUpMinutes * MINUTE + 1000);
    expect((await api(t, 'POST', '/api/v1/cards', { token: ada.token, body })).status).toBe(201);
  });

  it('a password confirmation in between keeps the session, so the setup can still be finished with the new token', async () => {
    const ada = await customerWithAddress(t, 'ada@example.com');
    const setup = await api(t, 'POST', '/api/v1/cards/setups', { token: ada.token, body: {} });
    const entered = await enterCard(t.app, setup.body.gateway_url, { number: '4242424242424242' });
    const stepped = await api(t, 'POST', '/api/v1/step-up', { token: ada.token, body: { password: STRONG_PASSWORD } });
    expect(stepped.status).toBe(200);
    const done = await api(t, 'POST', '/api/v1/cards', { token: stepped.body.session.token, body: { setup_id: setup.body.setup_id, token: entered.token } });
    expect(done.status).toBe(201);
  });

  it('ASVS 8.2.2: a setup started on the pages cannot be finished over the API by another session of the account, nor returned in another browser', async () => {
    const browser = new Browser(t.app);
    await signUp(t, browser, { name: 'Ada Lovelace', email: 'ada@example.com' });
    expect((await browser.submit('/account/addresses/new', '/account/addresses/new', { ...BILLING, line2: '', phone: '' })).status).toBe(303);
    const address = (await t.app.deps.db.selectFrom('addresses').select('id').executeTakeFirstOrThrow()).id;
    await browser.get('/account/cards/new');
    const started = await browser.post('/account/cards/new', { billing_address: address });
    expect(started.status).toBe(303);
    const entered = await enterCard(t.app, started.location!, { number: '4242424242424242' }, browser);

    const apiSession = await signIn(t, 'ada@example.com', PAGE_PASSWORD);
    expect(apiSession.status).toBe(201);
    const viaApi = await api(t, 'POST', '/api/v1/cards', { token: apiSession.body.session.token, body: { setup_id: entered.setup, token: entered.token } });
    expect(viaApi.status).toBe(404);

    const laptop = new Browser(t.app);
    expect((await signInPage(laptop, 'ada@example.com')).status).toBe(303);
    const stolen = await laptop.get(pathOf(entered.location!));
    expect(stolen.status).toBe(404);
    // Another session can't cancel it either: the setup is still waiting for its own browser.
    const cancelled = await laptop.get(`/account/cards/return?setup=${entered.setup}&cancelled=1`);
    expect(cancelled.location).toBe('/account/cards?notice=cancelled');
    const flow = await t.app.deps.db.selectFrom('flows').select('state').where('id', '=', entered.setup!).executeTakeFirstOrThrow();
    expect(flow.state).toBe('waiting');
    expect(await cardCount()).toBe(0);

    expect((await browser.get(pathOf(entered.location!))).location).toBe('/account/cards?notice=added');
    expect(await cardCount()).toBe(1);
  });
});
