import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../../src/platform/clock.js';
import { totpCodeAt } from '../../src/methods/totp/totp.js';
import { api, createTestApp, lastCodeTo, lastMessageTo, signIn, signUp, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';

async function stepUp(t: TestApp, token: string): Promise<string> {
  const confirmed = await api(t, 'POST', '/api/v1/step-up', { token, body: { password: STRONG_PASSWORD } });
  expect(confirmed.status).toBe(200);
  return confirmed.body.session.token;
}

/** An account with an authenticator app; returns its key and a fresh token. */
async function withAuthenticator(t: TestApp, email: string): Promise<{ key: string; token: string }> {
  const { token: first } = await signUp(t, { email });
  const token = await stepUp(t, first);
  const begun = await api(t, 'POST', '/api/v1/two-step/totp', { token, body: {} });
  expect(begun.status).toBe(201);
  expect(begun.body.qr_svg).toMatch(/^<svg/);
  const confirmed = await api(t, 'POST', '/api/v1/two-step/totp/confirm', { token, body: { code: totpCodeAt(begun.body.key, t.clock.now()) } });
  expect(confirmed.status).toBe(204);
  t.clock.advance(MINUTE);
  return { key: begun.body.key, token };
}

describe('two-step verification at sign-in', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('GHSA-xg6x-h9c9-2m83 / CVE-2024-45042: after the password, no session exists until the second step is done', async () => {
    const { key } = await withAuthenticator(t, 'totp@example.com');
    const afterPassword = await signIn(t, 'totp@example.com', STRONG_PASSWORD);
    expect(afterPassword.status).toBe(200);
    expect(afterPassword.body.flow).toMatchObject({ state: 'second_factor', methods: ['totp'] });
    expect(afterPassword.body.session).toBeUndefined();
    expect(afterPassword.headers['set-cookie'] ?? '').not.toContain('__Host-custos_session');
    const flowId = afterPassword.body.flow.id;

    const wrong = await api(t, 'POST', `/api/v1/signin/flows/${flowId}/second-factor`, { body: { method: 'totp', code: '000000' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('signin.second_factor_failed');

    const done = await api(t, 'POST', `/api/v1/signin/flows/${flowId}/second-factor`, { body: { method: 'totp', code: totpCodeAt(key, t.clock.now()) } });
    expect(done.status).toBe(201);
    expect((await api(t, 'GET', '/api/v1/session', { token: done.body.session.token })).body.session.factors).toEqual(['password', 'totp']);
  });

  it('ASVS 6.5.1: an authenticator code is accepted once (replay in the same window fails)', async () => {
    const { key } = await withAuthenticator(t, 'replay@example.com');
    const code = totpCodeAt(key, t.clock.now());
    const first = await signIn(t, 'replay@example.com', STRONG_PASSWORD);
    const second = await signIn(t, 'replay@example.com', STRONG_PASSWORD);
    const [a, b] = await Promise.all([
      api(t, 'POST', `/api/v1/signin/flows/${first.body.flow.id}/second-factor`, { body: { method: 'totp', code } }),
      api(t, 'POST', `/api/v1/signin/flows/${second.body.flow.id}/second-factor`, { body: { method: 'totp', code } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 401]);
  });

  it('backup codes: ten, single-use even when used twice at once, a notice on use, a new set voids the old', async () => {
    const { token } = await withAuthenticator(t, 'backup@example.com');
    const codes = (await api(t, 'POST', '/api/v1/two-step/backup-codes', { token, body: {} })).body.codes as string[];
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    const rows = await t.app.deps.db.selectFrom('backup_codes').select('code_hash').execute();
    expect(JSON.stringify(rows)).not.toContain(codes[0]!.replace(/-/g, ''));

    const flows = await Promise.all([signIn(t, 'backup@example.com', STRONG_PASSWORD), signIn(t, 'backup@example.com', STRONG_PASSWORD)]);
    const uses = await Promise.all(flows.map((f) => api(t, 'POST', `/api/v1/signin/flows/${f.body.flow.id}/second-factor`, { body: { method: 'backup_code', code: codes[0] } })));
    expect(uses.map((u) => u.status).sort()).toEqual([201, 401]);
    const notices = await t.app.deps.db.selectFrom('outbox').select('subject').where('recipient', '=', 'backup@example.com').execute();
    expect(notices.filter((n) => n.subject === 'A backup code was used to sign in')).toHaveLength(1);

    const renewed = await api(t, 'POST', '/api/v1/two-step/backup-codes', { token: await stepUp(t, token), body: {} });
    expect(renewed.status).toBe(201);
    const old = await signIn(t, 'backup@example.com', STRONG_PASSWORD);
    const refused = await api(t, 'POST', `/api/v1/signin/flows/${old.body.flow.id}/second-factor`, { body: { method: 'backup_code', code: codes[1] } });
    expect(refused.status).toBe(401);
  });

  it('ASVS 6.6.1: SMS codes only to a verified phone; the texted code finishes sign-in', async () => {
    const { token: first } = await signUp(t, { email: 'sms@example.com', phone: '+14155552671' });
    await api(t, 'POST', '/api/v1/account/phone/confirm', { token: first, body: { code: await lastCodeTo(t, '+14155552671') } });
    const token = await stepUp(t, first);
    expect((await api(t, 'POST', '/api/v1/two-step/sms', { token, body: {} })).status).toBe(204);
    const flow = await signIn(t, 'sms@example.com', STRONG_PASSWORD);
    expect(flow.body.flow.methods).toEqual(['sms']);
    expect((await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/sms`, { body: {} })).status).toBe(204);
    const code = await lastCodeTo(t, '+14155552671');
    const done = await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/second-factor`, { body: { method: 'sms', code } });
    expect(done.status).toBe(201);

    const noPhone = await signUp(t, { email: 'nophone@example.com' });
    const refused = await api(t, 'POST', '/api/v1/two-step/sms', { token: await stepUp(t, noPhone.token), body: {} });
    expect(refused.body.error.code).toBe('factor.phone_required');
  });

  it('remember this device skips the second step on that device only, for 30 days', async () => {
    const { key } = await withAuthenticator(t, 'remember@example.com');
    const flow = await signIn(t, 'remember@example.com', STRONG_PASSWORD);
    const done = await t.app.fastify.inject({
      method: 'POST',
      url: `/api/v1/signin/flows/${flow.body.flow.id}/second-factor`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ method: 'totp', code: totpCodeAt(key, t.clock.now()), remember_device: true }),
    });
    const remember = done.cookies.find((c) => c.name === '__Host-custos_remember');
    expect(remember?.httpOnly).toBe(true);
    const withCookie = async () => {
      const started = JSON.parse((await t.app.fastify.inject({ method: 'POST', url: '/api/v1/signin/flows', headers: { 'content-type': 'application/json' }, payload: '{}' })).body).flow.id;
      await t.app.fastify.inject({ method: 'POST', url: `/api/v1/signin/flows/${started}/identifier`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ identifier: 'remember@example.com' }) });
      return t.app.fastify.inject({ method: 'POST', url: `/api/v1/signin/flows/${started}/password`, headers: { 'content-type': 'application/json', cookie: `__Host-custos_remember=${remember!.value}` }, payload: JSON.stringify({ password: STRONG_PASSWORD }) });
    };
    expect((await withCookie()).statusCode).toBe(201);
    expect((await signIn(t, 'remember@example.com', STRONG_PASSWORD)).status).toBe(200);
    t.clock.advance(31 * 24 * 60 * MINUTE);
    expect((await withCookie()).statusCode).toBe(200);
  });

  it('ASVS 7.5.1: adding or removing a factor needs a recent step-up, and sends a notice', async () => {
    const { token: fresh } = await signUp(t, { email: 'stepup2fa@example.com' });
    t.clock.advance(11 * MINUTE);
    expect((await api(t, 'POST', '/api/v1/two-step/totp', { token: fresh, body: {} })).body.error.code).toBe('auth.step_up_required');
    const { token } = await withAuthenticator(t, 'remove@example.com');
    const overview = await api(t, 'GET', '/api/v1/two-step', { token });
    const factorId = overview.body.factors[0].id;
    t.clock.advance(11 * MINUTE);
    expect((await api(t, 'DELETE', `/api/v1/two-step/factors/${factorId}`, { token })).body.error.code).toBe('auth.step_up_required');
    const ok = await api(t, 'DELETE', `/api/v1/two-step/factors/${factorId}`, { token: await stepUp(t, token) });
    expect(ok.status).toBe(204);
    expect((await lastMessageTo(t, 'remove@example.com'))?.subject).toBe('An authenticator app was removed');
    expect((await signIn(t, 'remove@example.com', STRONG_PASSWORD)).status).toBe(201);
  });

  it('ASVS 8.2.2: another customer’s factor id is unknown (404)', async () => {
    const owner = await withAuthenticator(t, 'owner@example.com');
    const factorId = (await api(t, 'GET', '/api/v1/two-step', { token: owner.token })).body.factors[0].id;
    const { token: other } = await signUp(t, { email: 'intruder@example.com' });
    const attempt = await api(t, 'DELETE', `/api/v1/two-step/factors/${factorId}`, { token: await stepUp(t, other) });
    expect(attempt.status).toBe(404);
    expect((await api(t, 'GET', '/api/v1/two-step', { token: owner.token })).body.factors).toHaveLength(1);
  });
});
