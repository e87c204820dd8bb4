import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, lastCodeTo, lastMessageTo, signIn, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { accountIdOf, signUpFrom } from '../helpers/fixtures.js';
import { HOUR } from '../../src/platform/clock.js';

/**
 * SECURITY.md Recovery: undoing a contact change restores the old contact, and notices go to the contacts the
 * owner proved, never only to the new one. The attack: with the password, someone changes the email (or phone)
 * to their own; "This wasn't me" in the alert to the old address locked the account but left their address in
 * place — so they could reset the password — and "We secured your account" went to their new address.
 */
const OWNER = 'owner@example.com';
const ATTACKER = 'attacker@example.com';
const OWNER_PHONE = '+14155550101';
const ATTACKER_PHONE = '+14155550199';

function secureLinkIn(text: string): string {
  const token = /\/account\/secure\?token=([\w-]+)/.exec(text)?.[1];
  if (!token) throw new Error('no "This wasn\'t me" link in the message');
  return token;
}

async function contactsOf(t: TestApp, accountId: string) {
  return (await t.app.deps.db.selectFrom('identifiers').select(['kind', 'normalized']).where('account_id', '=', accountId).orderBy('kind').execute()).map((r) => `${r.kind}:${r.normalized}`);
}

async function messagesSince(t: TestApp, recipient: string, since: number) {
  return t.app.deps.db.selectFrom('outbox').select(['subject', 'channel']).where('recipient', '=', recipient).where('created_at', '>=', since).execute();
}

describe('"This wasn\'t me" from a contact-change alert', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  async function attackerSession(): Promise<string> {
    const res = await signIn(t, OWNER, STRONG_PASSWORD, { ip: '192.0.2.66' });
    expect(res.status).toBe(201);
    return res.body.session.token;
  }

  it('SECURITY.md Recovery: undo of an email change restores the old address, removes the new one, and tells only the proven address', async () => {
    const { accountId } = await signUpFrom(t, { email: OWNER });
    const token = await attackerSession();
    expect((await api(t, 'POST', '/api/v1/account/email', { token, body: { email: ATTACKER } })).status).toBe(202);
    expect((await api(t, 'POST', '/api/v1/account/email/confirm', { token, body: { code: await lastCodeTo(t, ATTACKER) } })).status).toBe(200);
    const alert = await lastMessageTo(t, OWNER);
    expect(alert!.subject).toBe('Your email address was changed');

    t.clock.advance(1000);
    const since = t.clock.now();
    const secured = await api(t, 'POST', '/api/v1/account/secure-link', { body: { token: secureLinkIn(alert!.text_body) } });
    expect(secured.status).toBe(200);
    expect(await contactsOf(t, accountId)).toEqual([`email:${OWNER}`]);
    expect((await messagesSince(t, OWNER, since)).map((m) => m.subject)).toContain('We secured your account');
    expect(await messagesSince(t, ATTACKER, since)).toEqual([]);

    // The attacker's address no longer reaches the account: a reset there sends nothing.
    await api(t, 'POST', '/api/v1/recovery/password', { body: { identifier: ATTACKER } });
    expect(await messagesSince(t, ATTACKER, since)).toEqual([]);
  });

  it('SECURITY.md Recovery: a phone change is told to the old number too; its undo restores the old number and removes the new one', async () => {
    const { token: first } = await signUpFrom(t, { email: OWNER, phone: OWNER_PHONE });
    expect((await api(t, 'POST', '/api/v1/account/phone/confirm', { token: first, body: { code: await lastCodeTo(t, OWNER_PHONE) } })).status).toBe(200);
    const accountId = await accountIdOf(t, OWNER);
    const token = await attackerSession();
    t.clock.advance(1000);
    const changedAt = t.clock.now();
    expect((await api(t, 'POST', '/api/v1/account/phone', { token, body: { phone: ATTACKER_PHONE } })).status).toBe(202);
    expect((await api(t, 'POST', '/api/v1/account/phone/confirm', { token, body: { code: await lastCodeTo(t, ATTACKER_PHONE) } })).status).toBe(200);
    // The number the owner proved hears of the change, not only the new one.
    expect((await messagesSince(t, OWNER_PHONE, changedAt)).map((m) => m.channel)).toContain('sms');

    const alert = await lastMessageTo(t, OWNER);
    expect(alert!.subject).toBe('Your phone number was changed');
    t.clock.advance(1000);
    const since = t.clock.now();
    expect((await api(t, 'POST', '/api/v1/account/secure-link', { body: { token: secureLinkIn(alert!.text_body) } })).status).toBe(200);
    expect(await contactsOf(t, accountId)).toEqual([`email:${OWNER}`, `phone:${OWNER_PHONE}`]);
    expect(await messagesSince(t, ATTACKER_PHONE, since)).toEqual([]);
    expect((await messagesSince(t, OWNER_PHONE, since)).length).toBeGreaterThan(0);
  });

  it('SECURITY.md Recovery: for a week after an email change, every notice also reaches the replaced address, and its link undoes the change', async () => {
    const { accountId } = await signUpFrom(t, { email: OWNER });
    let token = await attackerSession();
    await api(t, 'POST', '/api/v1/account/email', { token, body: { email: ATTACKER } });
    await api(t, 'POST', '/api/v1/account/email/confirm', { token, body: { code: await lastCodeTo(t, ATTACKER) } });
    // Past the hour in which the first few notices go out one by one (later ones wait for the hour's digest).
    t.clock.advance(HOUR);
    const changed = await api(t, 'POST', '/api/v1/account/password', { token, body: { current_password: STRONG_PASSWORD, new_password: 'amber otter kiln meadow' } });
    expect(changed.status).toBe(200);
    token = changed.body.session.token;

    const toOwner = await lastMessageTo(t, OWNER);
    expect(toOwner!.subject).toBe('Your password was changed');
    expect((await api(t, 'POST', '/api/v1/account/secure-link', { body: { token: secureLinkIn(toOwner!.text_body) } })).status).toBe(200);
    expect(await contactsOf(t, accountId)).toEqual([`email:${OWNER}`]);
  });

  it('SECURITY.md Recovery: undo of a phone added by someone else removes it', async () => {
    const { accountId } = await signUpFrom(t, { email: OWNER });
    const token = await attackerSession();
    expect((await api(t, 'POST', '/api/v1/account/phone', { token, body: { phone: ATTACKER_PHONE } })).status).toBe(202);
    expect((await api(t, 'POST', '/api/v1/account/phone/confirm', { token, body: { code: await lastCodeTo(t, ATTACKER_PHONE) } })).status).toBe(200);
    const alert = await lastMessageTo(t, OWNER);
    expect(alert!.subject).toBe('A phone number was added to your account');
    expect((await api(t, 'POST', '/api/v1/account/secure-link', { body: { token: secureLinkIn(alert!.text_body) } })).status).toBe(200);
    expect(await contactsOf(t, accountId)).toEqual([`email:${OWNER}`]);
  });
});
