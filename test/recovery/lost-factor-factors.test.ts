import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MINUTE } from '../../src/platform/clock.js';
import { totpCodeAt } from '../../src/methods/totp/totp.js';
import { api, createTestApp, lastCodeTo, signUp, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';

/**
 * Attack: lost-factor recovery started from SMS sign-in recorded `password` among the factors of the session it
 * made, though no password was ever typed. A session is never treated as stronger than the sign-in that made it
 * (SECURITY.md Sessions): it records the factors its flow actually saw.
 */
describe('lost second factor after an SMS sign-in', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  it('SECURITY.md Sessions: the session records sms, email_code and sms_code — never a password it did not see', async () => {
    const { token: first } = await signUp(t, { email: 'lost@example.com', phone: '+14155550132' });
    await api(t, 'POST', '/api/v1/account/phone/confirm', { token: first, body: { code: await lastCodeTo(t, '+14155550132') } });
    const token = (await api(t, 'POST', '/api/v1/step-up', { token: first, body: { password: STRONG_PASSWORD } })).body.session.token;
    const begun = await api(t, 'POST', '/api/v1/two-step/totp', { token, body: {} });
    await api(t, 'POST', '/api/v1/two-step/totp/confirm', { token, body: { code: totpCodeAt(begun.body.key, t.clock.now()) } });
    t.clock.advance(2 * MINUTE);

    const flow = await api(t, 'POST', '/api/v1/signin/flows', { body: {} });
    const flowId = flow.body.flow.id as string;
    await api(t, 'POST', `/api/v1/signin/flows/${flowId}/identifier`, { body: { identifier: '+14155550132' } });
    expect((await api(t, 'POST', `/api/v1/signin/flows/${flowId}/sms-code`, { body: {} })).status).toBe(204);
    const needs = await api(t, 'POST', `/api/v1/signin/flows/${flowId}/sms-code/verify`, { body: { code: await lastCodeTo(t, '+14155550132') } });
    expect(needs.status).toBe(200);

    t.clock.advance(2 * MINUTE);
    expect((await api(t, 'POST', `/api/v1/signin/flows/${flowId}/lost-factor`, { body: {} })).status).toBe(202);
    const done = await api(t, 'POST', `/api/v1/signin/flows/${flowId}/lost-factor/verify`, {
      body: { email_code: await lastCodeTo(t, 'lost@example.com'), sms_code: await lastCodeTo(t, '+14155550132') },
    });
    expect(done.status).toBe(201);
    const factors = (await api(t, 'GET', '/api/v1/session', { token: done.body.session.token })).body.session.factors as string[];
    expect(factors).not.toContain('password');
    expect(factors).toEqual(['sms', 'email_code', 'sms_code']);
    const event = await t.app.deps.db.selectFrom('audit_events').select('detail').where('type', '=', 'signin.succeeded').orderBy('created_at', 'desc').limit(1).executeTakeFirst();
    expect(event?.detail).not.toContain('password');
  });
});
