import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, type TestApp } from '../helpers/app.js';
import { expectClientError, signUpFrom } from '../helpers/fixtures.js';
import { Browser, signUp } from '../helpers/browser.js';
import { enqueueMessage } from '../../src/notify/enqueue.js';
import { securityNoticeEmail } from '../../src/notify/messages.js';
import { securityNoticeSms } from '../../src/notify/alert-messages.js';
import { MESSAGES_PER_PAGE } from '../../src/message-check/messages-page.js';

describe('Messages from us', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  async function sendNotices(accountId: string, to: string, count: number) {
    for (let i = 0; i < count; i++) {
      t.clock.advance(1000);
      const message = i % 3 === 2
        ? securityNoticeSms({ to: '+14155550134', change: 'password_changed', publicUrl: t.config.publicUrl, accountId })
        : securityNoticeEmail({ to, change: 'name_changed', at: t.clock.now(), publicUrl: t.config.publicUrl, accountId });
      await enqueueMessage(t.app.deps, message, { kind: 'notice', immediate: true });
    }
  }

  it('lists every message sent to the customer, newest first, paged by a keyset link, with channel, masked destination, subject and reference', async () => {
    const { token, accountId } = await signUpFrom(t, { email: 'jane@example.com' });
    await sendNotices(accountId, 'jane@example.com', 60);
    const records = await t.app.deps.db.selectFrom('message_records').select(['reference', 'created_at', 'id']).where('account_id', '=', accountId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    // The sign-up code went out before the account existed: it is on no account's list.
    expect(records).toHaveLength(60);

    const seen: string[] = [];
    let next: string | null = null;
    do {
      const page: { status: number; body: { messages: Array<{ reference: string; channel: string; destination: string }>; next: string | null } } = await api(t, 'GET', `/api/v1/account/messages?limit=25${next ? `&before=${next}` : ''}`, { token });
      expect(page.status).toBe(200);
      seen.push(...page.body.messages.map((m) => m.reference.replace('-', '')));
      // A message arriving between pages neither repeats nor hides a row of the older pages.
      if (!next) await sendNotices(accountId, 'jane@example.com', 1);
      next = page.body.next;
    } while (next);
    expect(seen).toEqual(records.map((r) => r.reference));

    const first = await api(t, 'GET', '/api/v1/account/messages?limit=3', { token });
    expect(first.body.messages.map((m: { channel: string; destination: string }) => `${m.channel} ${m.destination}`)).toEqual(['email j•••@e•••.com', 'sms +1 •••• ••34', 'email j•••@e•••.com']);
  });

  it("Every object is checked against its owner: one customer never sees another's messages", async () => {
    const jane = await signUpFrom(t, { email: 'jane@example.com' });
    const bob = await signUpFrom(t, { email: 'bob@example.com' });
    await sendNotices(bob.accountId, 'bob@example.com', 3);
    await sendNotices(jane.accountId, 'jane@example.com', 1);
    const janes = await api(t, 'GET', '/api/v1/account/messages', { token: jane.token });
    expect(janes.body.messages.map((m: { destination: string }) => m.destination)).toEqual(['j•••@e•••.com']);
  });

  it('a broken page link or limit is a 400 naming it, never a 500', async () => {
    const { token } = await signUpFrom(t, { email: 'jane@example.com' });
    for (const query of ['before=%%%', 'before=bm9wZQ', `before=${'A'.repeat(300)}`, 'limit=0', 'limit=abc', 'limit=101', 'limit=1&limit=2', 'before=a&before=b']) {
      expectClientError(await api(t, 'GET', `/api/v1/account/messages?${query}`, { token }), 400, 'request.invalid');
    }
    expectClientError(await api(t, 'GET', '/api/v1/account/messages'), 401, 'auth.required');
  });

  it('the page shows the list with check links, pages without JavaScript, and is linked from Your Account', async () => {
    const browser = new Browser(t.app);
    await signUp(t, browser, { name: 'Page Person', email: 'page@example.com' });
    const { id: accountId } = await t.app.deps.db.selectFrom('accounts').select('id').executeTakeFirstOrThrow();
    await sendNotices(accountId, 'page@example.com', MESSAGES_PER_PAGE + 2);
    expect((await browser.get('/account')).body).toContain('href="/account/messages"');
    const page = await browser.get('/account/messages');
    expect(page.status).toBe(200);
    expect(page.body.match(/href="\/check\?ref=[0-9A-Z]{10}"/g)).toHaveLength(MESSAGES_PER_PAGE);
    expect(page.body).toContain('p•••@e•••.com');
    expect(page.body).not.toContain(accountId);
    const older = /href="(\/account\/messages\?before=[^"]+)"/.exec(page.body)![1]!;
    const second = await browser.get(older.replace(/&amp;/g, '&'));
    expect(second.status).toBe(200);
    expect(second.body.match(/href="\/check\?ref=/g)).toHaveLength(2);
    expect((await browser.get('/account/messages?before=broken!')).status).toBe(400);
  });
});
