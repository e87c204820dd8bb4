import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../../src/platform/clock.js';
import { totpCodeAt } from '../../src/methods/totp/totp.js';
import { api, createTestApp, lastCodeTo, lastMessageTo, signIn, signUp, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';

const NEW_PASSWORD = 'copper meadow violin sunrise';

async function withPhone(t: TestApp, email: string, phone: string): Promise<string> {
  const { token } = await signUp(t, { email, phone });
  await api(t, 'POST', '/api/v1/account/phone/confirm', { token, body: { code: await lastCodeTo(t, phone.replace(/[^\d+]/g, '')) } });
  return token;
}

async function stepUp(t: TestApp, token: string, password = STRONG_PASSWORD): Promise<string> {
  return (await api(t, 'POST', '/api/v1/step-up', { token, body: { password } })).body.session.token;
}

describe('recovery', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('ASVS 6.3.8: forgot password answers the same for an unknown address, and sends nothing there', async () => {
    await signUp(t, { email: 'known@example.com' });
    const known = await api(t, 'POST', '/api/v1/recovery/password', { body: { identifier: 'known@example.com' } });
    const unknown = await api(t, 'POST', '/api/v1/recovery/password', { body: { identifier: 'nobody@example.com' } });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(Object.keys(unknown.body)).toEqual(Object.keys(known.body));
    expect(unknown.body.message).toBe(known.body.message);
    expect(await lastMessageTo(t, 'nobody@example.com')).toBeUndefined();
    expect((await lastMessageTo(t, 'known@example.com'))?.template).toBe('passwordResetEmail');
  });

  it('ASVS 6.4.3 / GHSA-569q-mpph-wgww: reset by email link ends every session, signs nobody in, and the link comes from PUBLIC_URL', async () => {
    const { token } = await signUp(t, { email: 'reset@example.com' });
    const started = await t.app.fastify.inject({ method: 'POST', url: '/api/v1/recovery/password', headers: { 'content-type': 'application/json', host: 'evil.example', 'x-forwarded-host': 'evil.example' }, payload: JSON.stringify({ identifier: 'reset@example.com' }) });
    const flowId = JSON.parse(started.body).flow.id;
    const email = await lastMessageTo(t, 'reset@example.com');
    const link = /http\S+\/recovery\/password\/link\?flow=[\w-]+&token=([\w-]+)/.exec(email!.text_body);
    expect(link?.[0].startsWith(`${t.config.publicUrl}/`)).toBe(true);
    const confirmed = await api(t, 'POST', `/api/v1/recovery/password/${flowId}/confirm`, { body: { token: link![1] } });
    expect(confirmed.body.flow.state).toBe('new_password');
    // Whoever started the reset knows the flow id, but not the secret the proof returned.
    const hijack = await api(t, 'POST', `/api/v1/recovery/password/${flowId}/new-password`, { body: { reset_token: 'x'.repeat(43), password: NEW_PASSWORD } });
    expect(hijack.status).toBe(403);
    expect(hijack.body.error.code).toBe('recovery.proof_required');
    const done = await api(t, 'POST', `/api/v1/recovery/password/${flowId}/new-password`, { body: { reset_token: confirmed.body.reset_token, password: NEW_PASSWORD } });
    expect(done.status).toBe(200);
    expect(done.body.session).toBeUndefined();
    expect((await api(t, 'GET', '/api/v1/account', { token })).status).toBe(401);
    expect((await signIn(t, 'reset@example.com', STRONG_PASSWORD)).status).toBe(401);
    expect((await signIn(t, 'reset@example.com', NEW_PASSWORD)).status).toBe(201);
    expect((await lastMessageTo(t, 'reset@example.com'))?.template).not.toBe('passwordResetEmail');
    // Single use: the same link again is refused.
    expect((await api(t, 'POST', `/api/v1/recovery/password/${flowId}/confirm`, { body: { token: link![1] } })).status).toBeGreaterThanOrEqual(400);
  });

  it('SECURITY.md Recovery: reset by SMS code still asks the second factor, voids remembered devices, cancels a pending email change and clears the lockout', async () => {
    const first = await withPhone(t, 'twofa@example.com', '+14155552671');
    const token = await stepUp(t, first);
    const begun = await api(t, 'POST', '/api/v1/two-step/totp', { token, body: {} });
    await api(t, 'POST', '/api/v1/two-step/totp/confirm', { token, body: { code: totpCodeAt(begun.body.key, t.clock.now()) } });
    await api(t, 'POST', '/api/v1/account/email', { token, body: { email: 'attacker@example.com' } });
    for (let i = 0; i < 8; i++) await signIn(t, 'twofa@example.com', 'wrong wrong wrong wrong');
    expect((await signIn(t, 'twofa@example.com', STRONG_PASSWORD)).status).toBe(429);

    const started = await api(t, 'POST', '/api/v1/recovery/password', { body: { identifier: '+1 415 555 2671' } });
    expect(started.body.flow.channel).toBe('sms');
    const code = await lastCodeTo(t, '+14155552671');
    const proven = await api(t, 'POST', `/api/v1/recovery/password/${started.body.flow.id}/confirm`, { body: { code } });
    expect(proven.status).toBe(200);
    expect((await api(t, 'POST', `/api/v1/recovery/password/${started.body.flow.id}/new-password`, { body: { reset_token: proven.body.reset_token, password: NEW_PASSWORD } })).status).toBe(200);

    const attackerCode = await lastCodeTo(t, 'attacker@example.com');
    t.clock.advance(MINUTE);
    const after = await signIn(t, 'twofa@example.com', NEW_PASSWORD);
    expect(after.status).toBe(200);
    expect(after.body.flow.state).toBe('second_factor');
    const done = await api(t, 'POST', `/api/v1/signin/flows/${after.body.flow.id}/second-factor`, { body: { method: 'totp', code: totpCodeAt(begun.body.key, t.clock.now()) } });
    expect(done.status).toBe(201);
    const hijack = await api(t, 'POST', '/api/v1/account/email/confirm', { token: done.body.session.token, body: { code: attackerCode } });
    expect(hijack.status).toBe(410);
    expect((await api(t, 'GET', '/api/v1/account', { token: done.body.session.token })).body.account.email).toBe('twofa@example.com');
  });

  it('ASVS 6.3.8: find your account sends a masked hint to the contact entered, and answers alike for strangers', async () => {
    await withPhone(t, 'jane.doe@example.com', '+442079460958');
    const found = await api(t, 'POST', '/api/v1/recovery/find-account', { body: { identifier: '+44 20 7946 0958' } });
    const notFound = await api(t, 'POST', '/api/v1/recovery/find-account', { body: { identifier: '+44 20 7946 0000' } });
    expect(found.status).toBe(202);
    expect(notFound.body).toEqual(found.body);
    const hint = await lastMessageTo(t, '+442079460958');
    expect(hint?.text_body).toContain('j•••@e•••.com');
    expect(hint?.text_body).not.toContain('jane.doe@example.com');
    expect(await lastMessageTo(t, '+442079460000')).toBeUndefined();
  });

  it('ASVS 6.4.4: a lost second factor is replaced by codes to both the email and the phone, then the factors are removed', async () => {
    const first = await withPhone(t, 'lost@example.com', '+14155550132');
    const token = await stepUp(t, first);
    const begun = await api(t, 'POST', '/api/v1/two-step/totp', { token, body: {} });
    await api(t, 'POST', '/api/v1/two-step/totp/confirm', { token, body: { code: totpCodeAt(begun.body.key, t.clock.now()) } });
    const flow = await signIn(t, 'lost@example.com', STRONG_PASSWORD);
    const sent = await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/lost-factor`, { body: {} });
    expect(sent.status).toBe(202);
    const emailCode = await lastCodeTo(t, 'lost@example.com');
    const smsCode = await lastCodeTo(t, '+14155550132');
    const wrong = await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/lost-factor/verify`, { body: { email_code: emailCode, sms_code: '000000' } });
    expect(wrong.status).toBe(400);
    // One typo costs an attempt, not the other code; and a new pair can't be asked for within the minute.
    const again = await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/lost-factor`, { body: {} });
    expect(again.status).toBe(429);
    const done = await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/lost-factor/verify`, { body: { email_code: emailCode, sms_code: smsCode } });
    expect(done.status).toBe(201);
    expect((await api(t, 'GET', '/api/v1/two-step', { token: done.body.session.token })).body.factors).toEqual([]);
    const subjects = (await t.app.deps.db.selectFrom('outbox').select('subject').where('recipient', '=', 'lost@example.com').execute()).map((r) => r.subject);
    expect(subjects).toContain('Two-step verification was turned off');

    const { token: noPhoneFirst } = await signUp(t, { email: 'nophone2@example.com' });
    const t2 = await stepUp(t, noPhoneFirst);
    const k = await api(t, 'POST', '/api/v1/two-step/totp', { token: t2, body: {} });
    await api(t, 'POST', '/api/v1/two-step/totp/confirm', { token: t2, body: { code: totpCodeAt(k.body.key, t.clock.now()) } });
    const f2 = await signIn(t, 'nophone2@example.com', STRONG_PASSWORD);
    const support = await api(t, 'POST', `/api/v1/signin/flows/${f2.body.flow.id}/lost-factor`, { body: {} });
    expect(support.body.error.code).toBe('recovery.needs_support');
  });

  it('"This wasn\'t me" from an alert link ends every session, locks the password and tells every contact', async () => {
    const { token } = await signUp(t, { email: 'victim@example.com' });
    const other = await signIn(t, 'victim@example.com', STRONG_PASSWORD);
    await api(t, 'PATCH', '/api/v1/account', { token: other.body.session.token, body: { name: 'Changed By Someone' } });
    const notice = await lastMessageTo(t, 'victim@example.com');
    const linkToken = /\/account\/secure\?token=([\w-]+)/.exec(notice!.text_body)?.[1];
    expect(linkToken).toBeDefined();
    const secured = await api(t, 'POST', '/api/v1/account/secure-link', { body: { token: linkToken } });
    expect(secured.status).toBe(200);
    expect(secured.body.recent_changes.map((c: { description: string }) => c.description)).toContain('Name changed');
    expect((await api(t, 'GET', '/api/v1/account', { token })).status).toBe(401);
    expect((await api(t, 'GET', '/api/v1/account', { token: other.body.session.token })).status).toBe(401);
    expect((await signIn(t, 'victim@example.com', STRONG_PASSWORD)).status).toBe(401);
    expect((await lastMessageTo(t, 'victim@example.com'))?.subject).toBe('We secured your account');
    expect((await api(t, 'POST', '/api/v1/account/secure-link', { body: { token: linkToken } })).status).toBe(410);
  });

  it('passwordless: a phone number and a texted code sign in; an account with two-step verification is asked a non-SMS second factor', async () => {
    await withPhone(t, 'nopass@example.com', '+14155550198');
    const start = async (identifier: string) => {
      const flow = await api(t, 'POST', '/api/v1/signin/flows', { body: {} });
      await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/identifier`, { body: { identifier } });
      return flow.body.flow.id as string;
    };
    const flowId = await start('+1 415 555 0198');
    expect((await api(t, 'POST', `/api/v1/signin/flows/${flowId}/sms-code`, { body: {} })).status).toBe(204);
    const done = await api(t, 'POST', `/api/v1/signin/flows/${flowId}/sms-code/verify`, { body: { code: await lastCodeTo(t, '+14155550198') } });
    expect(done.status).toBe(201);
    expect((await api(t, 'GET', '/api/v1/session', { token: done.body.session.token })).body.session.factors).toEqual(['sms']);

    const unknown = await start('+1 415 555 0197');
    expect((await api(t, 'POST', `/api/v1/signin/flows/${unknown}/sms-code`, { body: {} })).status).toBe(204);
    expect(await lastMessageTo(t, '+14155550197')).toBeUndefined();

    const token = await stepUp(t, done.body.session.token);
    await api(t, 'POST', '/api/v1/two-step/sms', { token, body: {} });
    const backup = (await api(t, 'POST', '/api/v1/two-step/backup-codes', { token, body: {} })).body.codes;
    t.clock.advance(2 * MINUTE);
    const second = await start('+14155550198');
    await api(t, 'POST', `/api/v1/signin/flows/${second}/sms-code`, { body: {} });
    const needs = await api(t, 'POST', `/api/v1/signin/flows/${second}/sms-code/verify`, { body: { code: await lastCodeTo(t, '+14155550198') } });
    expect(needs.status).toBe(200);
    expect(needs.body.flow.methods).toEqual(['backup_code']);
    const viaSms = await api(t, 'POST', `/api/v1/signin/flows/${second}/second-factor`, { body: { method: 'sms', code: '123456' } });
    expect(viaSms.body.error.code).toBe('signin.method_unavailable');
    const finished = await api(t, 'POST', `/api/v1/signin/flows/${second}/second-factor`, { body: { method: 'backup_code', code: backup[0] } });
    expect(finished.status).toBe(201);
  });
});
