import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, lastCodeTo, type TestApp } from '../helpers/app.js';
import { Browser, expectEveryInputLabelled } from '../helpers/browser.js';
import { staffSession } from '../helpers/staff.js';
import { EMAIL, seedCustomer, type Seeded } from './support-fixtures.js';

/** The console's pages: server-rendered forms, every control labelled, every action a button with an access key. */
describe('support console pages', () => {
  let t: TestApp;
  let ada: Seeded;
  let browser: Browser;
  beforeEach(async () => {
    t = await createTestApp({ STORE_NAME: 'Acme Outfitters' });
    ada = await seedCustomer(t);
    const agent = await staffSession(t, { role: 'agent', name: 'Sam Reyes' });
    browser = new Browser(t.app);
    browser.cookies.set('__Host-custos_staff', agent.token);
  });
  afterEach(() => t.close());

  it('search, check the caller, see the customer and lock the account, all by forms', async () => {
    const empty = await browser.get('/support/customers');
    expect(empty.status).toBe(200);
    expect(empty.body).toContain('accesskey="s"');
    expectEveryInputLabelled(empty.body);

    const results = await browser.get(`/support/customers?q=${encodeURIComponent('(415) 555-0147')}`);
    expect(results.body).toContain('a•••@e•••.com');
    expect(results.body).not.toContain(EMAIL);
    expect(results.body).toContain(`href="/support/customers/${ada.accountId}"`);

    const start = await browser.get(`/support/customers/${ada.accountId}`);
    expect(start.body).toContain('Check who is calling');
    expect(start.body).not.toContain('type="tel"');
    expectEveryInputLabelled(start.body);
    const contactId = /name="contact" value="([^"]+)"/.exec(start.body)![1]!;

    const noTicket = await browser.post(`/support/customers/${ada.accountId}/checks`, { contact: contactId, ticket: '' });
    expect(noTicket.status).toBe(400);
    expect(noTicket.body).toContain('Type the ticket reference');

    const sent = await browser.post(`/support/customers/${ada.accountId}/checks`, { contact: contactId, ticket: 'T-77' });
    expect(sent.status).toBe(303);
    const checkPage = await browser.get(sent.location!);
    expectEveryInputLabelled(checkPage.body);
    const code = await lastCodeTo(t, EMAIL);
    const mail = await t.app.deps.db.selectFrom('outbox').select('text_body').where('template', '=', 'supportCallerCode').executeTakeFirstOrThrow();
    expect(mail.text_body).toContain('Acme Outfitters support');

    const wrong = await browser.post(`${sent.location}/confirm`, { code: code === '123456' ? '654321' : '123456' });
    expect(wrong.status).toBe(400);
    const signal = await browser.post(`${sent.location}/signal`, { kind: 'order_amount', value: '42.50' });
    expect(signal.body).toContain('Match: what the caller said is on the account.');

    const verified = await browser.post(`${sent.location}/confirm`, { code });
    expect(verified.location).toBe(`/support/customers/${ada.accountId}`);
    const record = await browser.get(verified.location!);
    expect(record.body).toContain(EMAIL);
    expect(record.body).toContain('ticket T-77');
    for (const key of ['e', 'l', 'n']) expect(record.body).toContain(`accesskey="${key}"`);
    expect(record.body).toContain('<label for="text">');

    const account = await api(t, 'GET', '/account', { token: ada.token });
    expect(account.body).toContain('You are talking to Sam from Acme Outfitters support');

    const locked = await browser.post(`/support/customers/${ada.accountId}/lock`, {});
    expect(locked.location).toBe(`/support/customers/${ada.accountId}?done=locked`);
    expect((await browser.get(locked.location!)).body).toContain('Unlock the account');
    expect((await api(t, 'GET', '/api/v1/session', { token: ada.token })).status).toBe(401);
  });

  it('a form posted without its CSRF token does nothing', async () => {
    const answer = await browser.post(`/support/customers/${ada.accountId}/lock`, {}, { csrf: false });
    expect(answer.status).toBe(403);
    const row = await t.app.deps.db.selectFrom('accounts').select('status').where('id', '=', ada.accountId).executeTakeFirstOrThrow();
    expect(row.status).toBe('active');
  });

  it('a console page with no staff session goes to the staff sign-in', async () => {
    const stranger = new Browser(t.app);
    for (const path of ['/support/customers', `/support/customers/${ada.accountId}`, '/support/checks/abc']) {
      const answer = await stranger.get(path);
      expect(answer.status).toBe(303);
      expect(answer.location).toBe('/support/signin');
    }
  });
});
