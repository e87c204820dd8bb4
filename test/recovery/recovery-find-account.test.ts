import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Browser, codeIn, expectEveryInputLabelled, lastMessage, signUp } from '../helpers/browser.js';

const HINT_SENT = "If that belongs to an account, we've sent it a message with a hint of the account's other sign-in details.";

describe('find your account, through the pages', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
    const jane = new Browser(t.app);
    await signUp(t, jane, { name: 'Jane Doe', email: 'jane.doe@example.com' });
    await jane.submit('/account/phone', '/account/phone', { phone: '+44 20 7946 0958' });
    await jane.submit('/account/phone/confirm', '/account/phone/confirm', { code: codeIn(await lastMessage(t, '+442079460958', 'phoneCodeSms')) });
  });
  afterEach(async () => {
    await t.close();
  });

  async function outboxTo(recipient: string) {
    return t.database.db.kysely.selectFrom('outbox').select(['template', 'text_body']).where('recipient', '=', recipient).execute();
  }

  it('ASVS 6.3.8: the same page either way, and the hint goes to the contact entered, masked', async () => {
    const browser = new Browser(t.app);
    const page = await browser.get('/recovery/find-account');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<label for="identifier">A mobile number or another email address you might have used</label>');
    expectEveryInputLabelled(page.body);

    const found = await browser.post('/recovery/find-account', { identifier: '+44 20 7946 0958' });
    const notFound = await browser.post('/recovery/find-account', { identifier: '+44 20 7946 0000' });
    expect(found.status).toBe(303);
    expect(notFound.status).toBe(303);
    expect(notFound.location).toBe(found.location);
    expect(notFound.body).toBe(found.body);

    const sent = await browser.get(found.location!);
    expect(sent.status).toBe(200);
    expect(sent.body).toContain(HINT_SENT);
    expect(sent.body).not.toContain('jane');

    const hint = await lastMessage(t, '+442079460958', 'findAccountSms');
    expect(hint).toContain('j•••@e•••.com');
    expect(hint).not.toContain('jane.doe@example.com');
    expect(await outboxTo('+442079460000')).toHaveLength(0);

    // The email address itself works too: the hint names the phone, in part.
    await browser.post('/recovery/find-account', { identifier: 'Jane.Doe@example.com' });
    const byEmail = await lastMessage(t, 'Jane.Doe@example.com', 'findAccountEmail');
    expect(byEmail).toContain('+44 •••• ••58');
  });

  it('a badly typed entry is an error beside the field; too many requests say how long to wait', async () => {
    const browser = new Browser(t.app);
    const bad = await browser.submit('/recovery/find-account', '/recovery/find-account', { identifier: 'jane@' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatch(/<input id="identifier"[^>]*value="jane@"[^>]*aria-invalid="true" aria-describedby="identifier-error"/);
    expect(bad.body).toContain('Enter an email address like name@example.com.');

    let response = bad;
    for (let i = 0; i < 10 && response.status !== 429; i++) {
      response = await browser.post('/recovery/find-account', { identifier: `+44 20 7946 00${10 + i}` });
    }
    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBeDefined();
    expect(response.body).toContain('Too many attempts. Please wait');
    expect(response.body).toContain('role="alert"');
  });
});
