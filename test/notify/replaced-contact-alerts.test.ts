import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, lastCodeTo, signIn, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { signUpFrom } from '../helpers/fixtures.js';
import { DAY, HOUR } from '../../src/platform/clock.js';

/**
 * SECURITY.md Recovery: notices go to the contacts the owner proved, never only to the new one. Someone with the
 * password changes the email to theirs, then signs in from their own devices: the address the owner proved must
 * hear of those sign-ins too, for as long as its "This wasn't me" link lives, and that link must put the old
 * address back — otherwise the change silenced the owner.
 */
const OWNER = 'owner@example.com';
const ATTACKER = 'attacker@example.com';
const LINUX_FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';

async function emailsSince(t: TestApp, recipient: string, since: number) {
  return t.app.deps.db.selectFrom('outbox').select(['subject', 'text_body']).where('recipient', '=', recipient).where('created_at', '>=', since).execute();
}

function secureLinkIn(text: string): string {
  const token = /\/account\/secure\?token=([\w-]+)/.exec(text)?.[1];
  if (!token) throw new Error('no "This wasn\'t me" link in the message');
  return token;
}

describe('sign-in alerts after a contact change', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
    await signUpFrom(t, { email: OWNER });
    const session = await signIn(t, OWNER, STRONG_PASSWORD, { ip: '192.0.2.66' });
    const token = session.body.session.token;
    expect((await api(t, 'POST', '/api/v1/account/email', { token, body: { email: ATTACKER } })).status).toBe(202);
    expect((await api(t, 'POST', '/api/v1/account/email/confirm', { token, body: { code: await lastCodeTo(t, ATTACKER) } })).status).toBe(200);
    // Past the hour in which the first few notices go out at once (later ones fold into a digest).
    t.clock.advance(HOUR);
  });
  afterEach(() => t.close());

  async function signInFromANewDevice(): Promise<void> {
    const flow = await api(t, 'POST', '/api/v1/signin/flows', { body: {}, ip: '198.51.100.7', userAgent: LINUX_FIREFOX });
    await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/identifier`, { body: { identifier: ATTACKER }, ip: '198.51.100.7', userAgent: LINUX_FIREFOX });
    const done = await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/password`, { body: { password: STRONG_PASSWORD }, ip: '198.51.100.7', userAgent: LINUX_FIREFOX });
    expect(done.status).toBe(201);
  }

  it('SECURITY.md Recovery: a new-device sign-in after an email change is told to the replaced address, and its "This wasn\'t me" puts that address back', async () => {
    const since = t.clock.now();
    await signInFromANewDevice();
    const [alert] = (await emailsSince(t, OWNER, since)).filter((m) => m.subject === 'New sign-in to your account');
    expect(alert).toBeDefined();
    expect((await emailsSince(t, ATTACKER, since)).map((m) => m.subject)).toContain('New sign-in to your account');

    const secured = await api(t, 'POST', '/api/v1/account/secure-link', { body: { token: secureLinkIn(alert!.text_body) } });
    expect(secured.status).toBe(200);
    const emails = await t.app.deps.db.selectFrom('identifiers').select('normalized').where('kind', '=', 'email').execute();
    expect(emails.map((e) => e.normalized)).toEqual([OWNER]);
  });

  it('SECURITY.md Recovery: once the replaced address\'s link has expired, sign-in alerts go to the current address only', async () => {
    t.clock.advance(8 * DAY);
    const since = t.clock.now();
    await signInFromANewDevice();
    expect(await emailsSince(t, OWNER, since)).toEqual([]);
    expect((await emailsSince(t, ATTACKER, since)).map((m) => m.subject)).toContain('New sign-in to your account');
  });
});
