import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, lastCodeTo, signIn, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { newMessagesTo, signUpFrom } from '../helpers/fixtures.js';

/**
 * ASVS 6.3.7: every change of sign-in details is told to the old address too. ASVS 6.3.8: asking for an address
 * or number that is already another account's answers the same, and its owner is sent no code.
 */
describe('email and phone changes', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  it('ASVS 6.3.7: the old address is told when an email change is requested and when it takes effect', async () => {
    const { token } = await signUpFrom(t, { email: 'old@example.com' });
    const requested = await newMessagesTo(t, 'old@example.com', () => api(t, 'POST', '/api/v1/account/email', { token, body: { email: 'new@example.com' } }));
    expect(requested.result.status).toBe(202);
    expect(requested.messages.map((m) => m.template)).toEqual(['securityNoticeEmail']);
    expect(requested.messages[0]!.subject).toMatch(/change of your email address was requested/i);

    const code = await lastCodeTo(t, 'new@example.com');
    const changed = await newMessagesTo(t, 'old@example.com', () => api(t, 'POST', '/api/v1/account/email/confirm', { token, body: { code } }));
    expect(changed.result.status).toBe(200);
    expect(changed.result.body.account.email).toBe('new@example.com');
    expect(changed.messages.map((m) => m.subject)).toEqual(['Your email address was changed']);
    // The new address may sign in; the old may not.
    expect((await signIn(t, 'new@example.com', STRONG_PASSWORD)).status).toBe(201);
    expect((await signIn(t, 'old@example.com', STRONG_PASSWORD)).status).toBe(401);
  });

  it('ASVS 6.3.7: the account is told when a phone number is added, changed or removed', async () => {
    const { token } = await signUpFrom(t, { email: 'ada@example.com', phone: '+14155550132' });
    const added = await newMessagesTo(t, 'ada@example.com', async () =>
      api(t, 'POST', '/api/v1/account/phone/confirm', { token, body: { code: await lastCodeTo(t, '+14155550132') } }),
    );
    expect(added.result.status).toBe(200);
    expect(added.messages.map((m) => m.subject)).toEqual(['A phone number was added to your account']);

    await api(t, 'POST', '/api/v1/account/phone', { token, body: { phone: '+442079460958' } });
    const changed = await newMessagesTo(t, 'ada@example.com', async () =>
      api(t, 'POST', '/api/v1/account/phone/confirm', { token, body: { code: await lastCodeTo(t, '+442079460958') } }),
    );
    expect(changed.messages.map((m) => m.subject)).toEqual(['Your phone number was changed']);

    const removed = await newMessagesTo(t, 'ada@example.com', () => api(t, 'DELETE', '/api/v1/account/phone', { token }));
    expect(removed.result.status).toBe(204);
    expect(removed.messages.map((m) => m.subject)).toEqual(['A phone number was removed from your account']);
  });

  it("ASVS 6.3.8: asking for another account's email answers alike, and no code is sent to it", async () => {
    await signUpFrom(t, { email: 'owner@example.com' });
    const { token } = await signUpFrom(t, { email: 'asker@example.com' });
    const { token: control } = await signUpFrom(t, { email: 'control@example.com' });

    const free = await api(t, 'POST', '/api/v1/account/email', { token: control, body: { email: 'free@example.com' } });
    const { result: taken, messages } = await newMessagesTo(t, 'owner@example.com', () =>
      api(t, 'POST', '/api/v1/account/email', { token, body: { email: 'owner@example.com' } }),
    );
    expect(taken.status).toBe(free.status);
    expect(Object.keys(taken.body)).toEqual(Object.keys(free.body));
    expect(taken.body.pending_email).toBe('owner@example.com');

    expect(messages.map((m) => m.template)).toEqual(['emailInUseEmail']);
    expect(messages[0]!.text_body).not.toMatch(/\b\d{6}\b/);

    // And the owner's address never moves to the asker, whatever is guessed.
    const guess = await api(t, 'POST', '/api/v1/account/email/confirm', { token, body: { code: '000000' } });
    expect(guess.status).toBeGreaterThanOrEqual(400);
    expect((await api(t, 'GET', '/api/v1/account', { token })).body.account.email).toBe('asker@example.com');
  });

  it("ASVS 6.3.8: asking for another account's phone number answers alike, and no text is sent to it", async () => {
    const { token: owner } = await signUpFrom(t, { email: 'owner@example.com', phone: '+14155550132' });
    await api(t, 'POST', '/api/v1/account/phone/confirm', { token: owner, body: { code: await lastCodeTo(t, '+14155550132') } });
    const { token } = await signUpFrom(t, { email: 'asker@example.com' });

    const free = await api(t, 'POST', '/api/v1/account/phone', { token: owner, body: { phone: '+442079460958' } });
    const { result: taken, messages } = await newMessagesTo(t, '+14155550132', () =>
      api(t, 'POST', '/api/v1/account/phone', { token, body: { phone: '+1 415 555 0132' } }),
    );
    expect(taken.status).toBe(free.status);
    expect(taken.status).toBe(202);
    expect(Object.keys(taken.body)).toEqual(Object.keys(free.body));
    expect(messages).toEqual([]);
  });

  it('ASVS 6.3.8: a resend of a change code to a taken address still sends it nothing', async () => {
    await signUpFrom(t, { email: 'owner@example.com' });
    const { token } = await signUpFrom(t, { email: 'asker@example.com' });
    await api(t, 'POST', '/api/v1/account/email', { token, body: { email: 'owner@example.com' } });
    t.clock.advance(61_000);
    const { result, messages } = await newMessagesTo(t, 'owner@example.com', () => api(t, 'POST', '/api/v1/account/email/resend', { token, body: {} }));
    expect(result.status).toBe(204);
    expect(messages).toEqual([]);
  });
});
